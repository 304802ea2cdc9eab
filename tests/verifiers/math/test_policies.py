"""Options and the documented policies: approximate values, decimal commas, relations,
sums and matrix arithmetic, non-answers, the second opinion (rows in data/datasets.jsonl
pin the same behaviours in dataset-shaped responses)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from verifiers.core.verdict import Status
from verifiers.math import MathOptions, verify
from verifiers.math.approximate import approximately_equal, significant_digits
from verifiers.math.latex import parse_expression
from verifiers.math.matrices import matrix_expression


def box(answer: str) -> str:
    return f"<think>work</think>\nThe final answer is $\\boxed{{{answer}}}$."


def test_options_are_typed_frozen_and_strict() -> None:
    options = MathOptions()
    assert (options.min_decimal_digits, options.decimal_comma) == (6, False)
    with pytest.raises(ValidationError):
        MathOptions(min_decimal_digit=3)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        options.min_decimal_digits = 3  # type: ignore[misc]
    assert MathOptions.from_context({"prompt": "p", "decimal_comma": True}).decimal_comma


def test_an_invalid_option_value_is_an_error_verdict_not_an_exception() -> None:
    verdict = verify(box("1"), "1", min_decimal_digits=0)
    assert verdict.status is Status.ERROR and "min_decimal_digits" in verdict.reason


@pytest.mark.parametrize(
    ("gold", "answer", "digits", "correct"),
    [
        ("4.123105625617661", r"\sqrt{17}", 6, True),  # an approximate gold (float repr)
        ("0.0833333333333333", r"\frac{1}{12}", 6, True),
        ("4.123105625617661", "4.12", 6, False),  # too few digits
        (r"\sqrt{2}", "1.41421", 6, True),  # 6 significant digits, rounds right
        (r"\sqrt{2}", "1.4142", 6, False),  # 5 digits
        (r"\frac{1}{3}", "0.333334", 6, False),  # wrong last digit
        (r"\frac{1}{3}", "0.333", 3, True),  # the option lowers the bar
        ("3.14", r"\pi", 6, False),  # a short decimal gold is exact
        ("3", "3.0000000000000001", 6, False),  # not a float repr: strict rounding
        (r"\sqrt{2}", "1.4142135623730951", 6, True),  # a float repr: last digit may be off
    ],
)
def test_approximate_policy(gold: str, answer: str, digits: int, correct: bool) -> None:
    assert verify(box(answer), gold, min_decimal_digits=digits).correct is correct


def test_significant_digits_ignore_sign_point_and_leading_zeros() -> None:
    assert significant_digits("-0.00120") == 3
    tiny = parse_expression(r"\frac{1}{2006}")
    assert not approximately_equal(tiny, None, tiny, "0.000000", 6)


def test_decimal_comma_only_where_no_other_reading_and_only_when_asked() -> None:
    assert verify(box("3,5"), "3.5", decimal_comma=True).correct
    assert not verify(box("3,5"), "3.5").correct
    assert verify(box("1,234"), "1234", decimal_comma=True).correct  # thousands stay thousands


@pytest.mark.parametrize(
    ("gold", "answer", "correct"),
    [
        ("x<1", "-x > -1", True),
        ("x<1", "-x < -1", False),
        ("a > 2b", "2b < a", True),
        ("2a - b \\leq 4", "b \\ge 2a - 4", True),
        ("2a - b \\leq 4", "b \\le 2a - 4", False),
        ("a<b", "a \\le b", False),
        ("f(2) < f(1) < f(4)", "f(4) > f(1) > f(2)", True),
        ("f(2) < f(1) < f(4)", "f(1) < f(2) < f(4)", False),
        ("1\\leq|z|\\leq \\frac{3}{2}", "1 \\le |z| \\le 1.5", True),
    ],
)
def test_relations_are_mathematics(gold: str, answer: str, correct: bool) -> None:
    assert verify(box(answer), gold).correct is correct


@pytest.mark.parametrize(
    ("gold", "answer", "correct"),
    [
        (r"\frac{n(n+1)}{2}", r"\sum_{k=1}^{n} k", True),
        (r"\frac{n(n-1)}{2}", r"\sum_{k=1}^{n} k", False),
        (r"2^n - 1", r"\sum_{i=0}^{n-1} 2^i", True),
        (r"n!", r"\prod_{j=1}^{n} j", True),
        ("385", r"\sum_{k=1}^{10} k^2", True),
        (r"\sum_{i=1}^{n} \frac{1}{i}", r"\sum_{j=1}^{n} \frac{1}{j}", True),
    ],
)
def test_sums_and_products(gold: str, answer: str, correct: bool) -> None:
    assert verify(box(answer), gold).correct is correct


def test_matrix_arithmetic_is_computed() -> None:
    a = r"\begin{pmatrix}1&2\\3&4\end{pmatrix}"
    v = r"\begin{pmatrix}1\\3\end{pmatrix}"
    rows = matrix_expression(f"{a}{v}")
    assert rows is not None and [[c[1] for c in r] for r in rows] == [[7], [15]]
    assert matrix_expression(a) is None  # one matrix alone is not arithmetic
    assert matrix_expression(f"A = {a}") is None
    assert verify(box(f"2{v}"), r"\begin{pmatrix}2\\6\end{pmatrix}").correct
    assert not verify(box(f"{a}+{a}"), r"\begin{pmatrix}2&4\\6&9\end{pmatrix}").correct


@pytest.mark.parametrize(
    "response",
    [
        "<answer>I am not sure.</answer>",
        r"\boxed{I don't know}",
        "The answer is unknown to me.",
        "答案：不知道",
    ],
)
def test_a_non_answer_is_no_answer(response: str) -> None:
    verdict = verify(response, "42")
    assert verdict.status is Status.NO_ANSWER and verdict.correct is False


def test_word_answers_stay_answers_against_a_word_gold() -> None:
    assert verify("<answer>Monday</answer>", r"\text{Monday}").correct
    wrong = verify("<answer>Tuesday</answer>", r"\text{Monday}")
    assert wrong.status is Status.OK and wrong.correct is False


def test_second_opinion_marks_who_decided() -> None:
    unreadable = box(r"2 \bmod 3")
    assert "decided_by" not in verify(unreadable, "2").details
    marked = verify(unreadable, "2", second_opinion=True)
    assert marked.details["decided_by"] in ("verifiers.math", "math-verify")
    readable = verify(box("2"), "2", second_opinion=True)  # not a parse error: never asked
    assert readable.correct and "decided_by" not in readable.details


def test_second_opinion_decides_where_math_verify_can_read() -> None:
    verdict = verify(box(r"a\equiv 2 \pmod 3"), "2", second_opinion=True)
    assert verdict.details["decided_by"] == "math-verify"
    assert verdict.status is Status.OK and "our_reason" in verdict.details
