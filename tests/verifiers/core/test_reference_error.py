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
    ],
)
def test_bad_gold_is_reference_error(verifier: str, response: str, gold: Any) -> None:
    verdict = verify(verifier, response, gold)
    assert verdict.status is Status.REFERENCE_ERROR, verdict
    assert verdict.correct is None and verdict.reason


def test_verifiers_without_a_gold_are_not_affected() -> None:
    assert verify("format", "<think>a</think> 1", None).status is Status.OK
