"""A missing or unreadable gold is the dataset's fault: ``reference_error``, never ``error``."""

from __future__ import annotations

from typing import Any

import pytest

from verifiers import Status, verify


@pytest.mark.parametrize(
    ("verifier", "response", "gold"),
    [
        ("math", "<think>a</think> \\boxed{1}", None),
        ("math", "<think>a</think> \\boxed{1}", "  "),
        ("math", "<think>a</think> \\boxed{1}", "\\frac{1}{"),
        ("countdown", "<think>a</think> 1+2", None),
        ("countdown", "<think>a</think> 1+2", "not a dict"),
        ("countdown", "<think>a</think> 1+2", {"target": 3}),
        ("knights_knaves", "<think>a</think><answer>A is a knight</answer>", None),
        ("knights_knaves", "<think>a</think><answer>A is a knight</answer>", "zzz"),
        ("code", "```python\nprint(1)\n```", None),
        ("countdown", "<think>a</think> 1+2", {"target": "x", "numbers": [1, 2]}),
        ("countdown", "<think>a</think> 1+2", {"target": 3, "numbers": 5}),
        ("countdown", "<think>a</think> 1+2", {"target": 3, "numbers": []}),
        ("countdown", "<think>a</think>", {"target": 3}),
        ("knights_knaves", "<think>a</think><answer>A is a knight</answer>", {}),
        ("knights_knaves", "<think>a</think><answer>A is a knight</answer>", {"A": "zzz"}),
        (
            "knights_knaves",
            "<think>a</think><answer>A is a knight</answer>",
            {"names": ["A", "B"], "solution": [True]},
        ),
        ("knights_knaves", "<think>a</think>", "zzz"),
        ("code", "```python\nprint(1)\n```", {"test_list": 5}),
        ("code", "no code at all", "not json"),
    ],
    ids=[
        "math_none",
        "math_blank",
        "math_broken_latex",
        "countdown_none",
        "countdown_text",
        "countdown_no_numbers",
        "kk_none",
        "kk_unreadable",
        "code_none",
        "countdown_target_not_a_number",
        "countdown_numbers_not_a_list",
        "countdown_no_numbers_listed",
        "countdown_bad_gold_with_empty_answer",
        "kk_empty_mapping_would_make_every_answer_right",
        "kk_unknown_role_word",
        "kk_names_and_solution_differ",
        "kk_bad_gold_with_empty_answer",
        "code_malformed_field",
        "code_bad_gold_without_code_in_answer",
    ],
)
def test_bad_gold_is_reference_error(verifier: str, response: str, gold: Any) -> None:
    verdict = verify(verifier, response, gold)
    assert verdict.status is Status.REFERENCE_ERROR, verdict
    assert verdict.correct is None and verdict.reason


def test_verifiers_without_a_gold_are_not_affected() -> None:
    assert verify("format", "<think>a</think> 1", None).status is Status.OK
