"""Chinese numerals: a whole answer spelled in Chinese reads as its value, nothing else does."""

from __future__ import annotations

import pytest

from verifiers.math import verify
from verifiers.math.numerals import chinese_number

SPELLED = [
    ("half", "二分之一", r"\frac{1}{2}"),
    ("two_thirds", "三分之二", r"\frac{2}{3}"),
    ("twelve", "十二", "12"),
    ("ten_alone", "十", "10"),
    ("hundred_and_five_with_zero", "一百零五", "105"),
    ("liang_is_two", "两", "2"),
    ("wan_group", "一万二千", "12000"),
    ("yi_then_wan_groups", "一亿二千万", "120000000"),
    ("digit_by_digit_year", "二〇二四", "2024"),
    ("negative", "负三", "-3"),
    ("negative_fraction", "负二分之一", r"-\frac{1}{2}"),
    ("decimal_point", "三点一四", "3.14"),
    ("percent_is_kept_as_percent", "百分之五十", "50%"),
    ("measure_word_kept_for_the_unit_stage", "十二个", "12个"),
    ("trailing_full_stop", "二分之一。", r"\frac{1}{2}"),
]

NOT_A_NUMBER = [
    ("word_containing_yi", "一样"),
    ("two_digits_inside_positional", "一二十"),
    ("prose", "小明有三个苹果"),
    ("zero_denominator", "零分之一"),
    ("latin_digits", "12"),
]


@pytest.mark.parametrize(("case_id", "text", "expected"), SPELLED, ids=[c[0] for c in SPELLED])
def test_chinese_number(case_id: str, text: str, expected: str) -> None:
    assert chinese_number(text) == expected


@pytest.mark.parametrize(("case_id", "text"), NOT_A_NUMBER, ids=[c[0] for c in NOT_A_NUMBER])
def test_not_a_chinese_number(case_id: str, text: str) -> None:
    assert chinese_number(text) is None


VERDICTS = [
    ("half_vs_latex", "答案是二分之一", r"\frac12", True),
    ("half_vs_decimal", "答案是二分之一", "0.5", True),
    ("two_thirds_is_not_one_third", "答案：三分之二", r"\frac{1}{3}", False),
    ("count_in_answer_sentence", "答：共有十二种", "12", True),
    ("ordinal_is_not_a_count", "答：第一种方法", "1", False),
    ("percent_word_as_fraction", "答案为百分之五十", "0.5", True),
    ("latex_answer_vs_chinese_gold", r"答案是 $\frac{1}{2}$", "二分之一", True),
]


@pytest.mark.parametrize(
    ("case_id", "response", "gold", "correct"), VERDICTS, ids=[c[0] for c in VERDICTS]
)
def test_chinese_number_verdicts(case_id: str, response: str, gold: str, correct: bool) -> None:
    assert verify(response, gold).correct is correct
