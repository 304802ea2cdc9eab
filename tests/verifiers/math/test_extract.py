"""Extraction contract: what counts as the final answer, and why nothing does."""

from __future__ import annotations

import pytest

from verifiers.math import extract_answer
from verifiers.math.extract import extract

FOUND = [
    ("last_box_wins", r"\boxed{1} then revised: \boxed{2}", "2"),
    ("box_brace_aware", r"\boxed{\frac{a}{b^{2}}}", r"\frac{a}{b^{2}}"),
    ("box_without_braces", r"so \boxed 7.", "7"),
    ("fbox", r"\fbox{x+1}", "x+1"),
    ("listed_boxes_join", r"\boxed{2} and \boxed{3}", "2, 3"),
    ("hedged_boxes_join", r"\boxed{6} or \boxed{7}", "6, 7"),
    ("repeated_box_once", r"\boxed{6}, \boxed{6}", "6"),
    ("thought_ignored", r"<think>\boxed{1}</think>\boxed{2}", "2"),
    ("answer_tags", "<think>t</think><answer>12</answer>", "12"),
    ("answer_is", "Hence the answer is $-4$.", "-4"),
    ("answer_colon", "Answer: 3/4", "3/4"),
    ("final_answer_minerva", "Final Answer: The final answer is $7$. I hope it is correct.", "7"),
    ("hashes", "blah\n#### 1,234", "1,234"),
    ("chinese_answer", "答案是 5", "5"),
    ("chinese_choose", "故选C", "C"),
    ("bare_formula", r"$\frac{1}{2}$", r"$\frac{1}{2}$"),
    ("escaped_dollar_in_math", r"The answer is $\$5$.", r"\$5"),
    ("decimal_kept_at_sentence_end", "The answer is 2.5.", "2.5"),
    ("ellipsis_kept", "The answer is 0.333...", "0.333..."),
]

MISSING = [
    ("truncated_thought", "<think>the answer is 4", "truncated"),
    ("nothing_after_thought", "<think>4</think>", "nothing after"),
    ("running_text", "We compute 3+4=7 and then double everything to get 14 and", "running"),
    ("empty", "", "nothing after"),
]


@pytest.mark.parametrize(("case_id", "response", "expected"), FOUND, ids=[c[0] for c in FOUND])
def test_extracts(case_id: str, response: str, expected: str) -> None:
    assert extract_answer(response) == expected


@pytest.mark.parametrize(("case_id", "response", "why"), MISSING, ids=[c[0] for c in MISSING])
def test_no_answer_says_why(case_id: str, response: str, why: str) -> None:
    found = extract(response)
    assert found.answer is None
    assert why in found.reason


def test_require_boxed_ignores_statements() -> None:
    assert extract("The answer is 5.", require_boxed=True).answer is None
    assert "require_boxed" in extract("The answer is 5.", require_boxed=True).reason
    assert extract(r"The answer is \boxed{5}.", require_boxed=True).answer == "5"


def test_prefilled_think_without_close_is_truncated() -> None:
    assert extract("so 5", prefilled_think=True).answer is None
    assert extract(r"so</think>\boxed{5}", prefilled_think=True).answer == "5"


def test_non_string_has_no_answer() -> None:
    assert extract_answer(None) is None  # type: ignore[arg-type]
