"""Extraction contract: what counts as the final answer, and why nothing does."""

from __future__ import annotations

import pytest

from verifiers.math import extract_answer
from verifiers.math.extract import extract, several_parts

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


# The precedence table of ``verifiers.math.extract`` (module docstring), one row per test:
# (row, response, answer, source).
PRECEDENCE = [
    ("1_thought_never_read", r"<think>\boxed{1}</think>The answer is 2.", "2", "statement"),
    ("1_unclosed_thought", r"<think>\boxed{1}", None, "none"),
    (
        "2_final_marker_after_box_wins",
        "So far \\boxed{255} for one block.\n\nFinal Answer: The final answer is $10,455$.",
        "10,455",
        "final_statement",
    ),
    ("2_answer_colon_after_box", "$\\boxed{30}$ first.\n\nAnswer: 34", "34", "final_statement"),
    ("2_answer_no_colon_after_box", "$\\boxed{30}$ first.\nAnswer 34", "34", "final_statement"),
    ("2_hashes_after_box", "\\boxed{70} then fixed.\n#### 72", "72", "final_statement"),
    ("2_chinese_after_box", "\\boxed{3} 不对。\n答案：4", "4", "final_statement"),
    ("2_non_final_marker_keeps_box", r"\boxed{5}. The answer is consistent.", "5", "boxed"),
    ("2_prose_after_marker_keeps_box", r"\boxed{5}. Final answer: see above", "5", "boxed"),
    ("2_marker_before_box", r"Final Answer: \boxed{7}", "7", "boxed"),
    ("3_last_box", r"\boxed{3} wait, recheck: \boxed{5}", "5", "boxed"),
    (
        "3_boxes_quad_and",
        r"\boxed{(2, 2)} \quad \text{and} \quad \boxed{(6, 2)}",
        "(2, 2), (6, 2)",
        "boxed",
    ),
    ("3_boxes_newline", "\\boxed{k=45}\n\\boxed{n=2}", "k=45, n=2", "boxed"),
    ("3_boxes_semicolon", r"$\boxed{3}$; $\boxed{5}$", "3, 5", "boxed"),
    ("3_boxes_part_labels", "(1) $\\boxed{1}$\n(2) $\\boxed{3}$", "1, 3", "boxed"),
    ("4_statement_sentence_value", "Final Answer: The largest $n$ is 34.", "34", "statement"),
    ("4_answer_without_colon", "We are done.\nAnswer 42", "42", "statement"),
    ("4_answer_display_next_line", "Answer\n\\[ 9 \\]", "9", "statement"),
    (
        "4_sentence_with_units",
        "The final answer is: the area equals $24$ square units.",
        "24",
        "statement",
    ),
    ("5_conclusion", "Adding up. So the total is 14.", "14", "conclusion"),
    (
        "6_answer_tags_sentence",
        "<think>t</think><answer>I think it's 5</answer>",
        "5",
        "answer_tags",
    ),
    ("6_bare_formula", r"$\frac{1}{2}$", r"$\frac{1}{2}$", "whole"),
]


@pytest.mark.parametrize(
    ("row", "response", "answer", "source"), PRECEDENCE, ids=[p[0] for p in PRECEDENCE]
)
def test_precedence_table(row: str, response: str, answer: str | None, source: str) -> None:
    found = extract(response)
    assert (found.answer, found.source) == (answer, source)


def test_require_boxed_keeps_the_box_over_a_later_marker() -> None:
    found = extract("\\boxed{30}\nAnswer: 34", require_boxed=True)
    assert (found.answer, found.source) == ("30", "boxed")


def test_boxes_are_kept_for_a_gold_with_several_parts() -> None:
    found = extract("The maximum is $\\boxed{4}$ and the minimum is $\\boxed{-1}$.")
    assert found.answer == "-1"
    assert found.boxes == ("4", "-1")
    assert several_parts(found.boxes, found.gaps, 2) == "4, -1"
    revised = extract(r"First \boxed{3}. Wait, let me recheck: \boxed{5}")
    assert several_parts(revised.boxes, revised.gaps, 2) is None
