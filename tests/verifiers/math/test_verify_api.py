"""The public face: verdict fields, options, registry wiring, bad input."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

import verifiers
from verifiers.core.options import OptionsError
from verifiers.core.verdict import Status
from verifiers.math import verify


def test_correct_verdict_fields() -> None:
    verdict = verify(r"<think>t</think> The answer is $\boxed{\frac{1}{2}}$.", "0.5")
    assert verdict.correct is True and verdict.score == 1.0
    assert verdict.status is Status.OK
    assert verdict.extracted == r"\frac{1}{2}"
    assert verdict.verifier == "math"
    assert verdict.details["source"] == "boxed"


def test_wrong_verdict_fields() -> None:
    verdict = verify(r"\boxed{3}", "4")
    assert verdict.correct is False and verdict.score == 0.0
    assert verdict.status is Status.OK and verdict.extracted == "3"


def test_no_answer_has_reason() -> None:
    verdict = verify("<think>so it is 4", "4")
    assert verdict.status is Status.NO_ANSWER and verdict.correct is False
    assert "truncated" in verdict.reason


def test_require_boxed() -> None:
    assert verify("The answer is 4.", "4").correct is True
    strict = verify("The answer is 4.", "4", require_boxed=True)
    assert strict.status is Status.NO_ANSWER and "boxed" in strict.reason
    assert verify(r"\boxed{4}", "4", require_boxed=True).correct is True


def test_context_accepted_unknown_options_refused() -> None:
    # The shared reward context is accepted by every verifier; a key no model
    # declares is a configuration mistake (it used to be ignored silently).
    assert verify(r"\boxed{4}", "4", prompt="what?", target="en").correct is True
    with pytest.raises(OptionsError, match=r"unknown option 'weight'.*require_boxed"):
        verify(r"\boxed{4}", "4", prompt="what?", target="en", weight=3)


def test_registry_routes_to_math() -> None:
    verdict = verifiers.verify("math", r"\boxed{2^{10}}", "1024")
    assert verdict.correct is True and verdict.status is Status.OK


@pytest.mark.parametrize(
    ("gold", "answer"),
    [
        (7, r"\boxed{7}"),
        (Fraction(1, 3), r"\boxed{\frac13}"),
        (0.25, r"\boxed{1/4}"),
        (Decimal("2.50"), r"\boxed{2.5}"),
    ],
    ids=["int_gold", "fraction_gold", "float_gold", "decimal_gold"],
)
def test_non_string_gold(gold: object, answer: str) -> None:
    assert verify(answer, gold).correct is True


@pytest.mark.parametrize(
    ("response", "gold"),
    [
        (None, "1"),
        (123, "1"),
        (r"\boxed{1}", None),
        (r"\boxed{1}", ""),
        (r"\boxed{1}", ["1"]),
        (r"\boxed{1}", float("nan")),
    ],
    ids=["none_response", "int_response", "none_gold", "empty_gold", "list_gold", "nan_gold"],
)
def test_bad_input_is_a_verdict(response: object, gold: object) -> None:
    verdict = verify(response, gold)  # type: ignore[arg-type]
    # A bad response is the model's fault; a bad gold is the dataset's (undecided).
    bad_response = not isinstance(response, str)
    expected = Status.PARSE_ERROR if bad_response else Status.REFERENCE_ERROR
    assert verdict.status is expected
    assert verdict.correct is (False if bad_response else None)
    assert verdict.reason


def test_unreadable_answer_is_parse_error() -> None:
    verdict = verify(r"\boxed{\frac{1}{}}", "1")
    assert verdict.status is Status.PARSE_ERROR and verdict.correct is False


def test_unreadable_gold_is_reference_error() -> None:
    verdict = verify(r"\boxed{3}", r"\frac{1}{}")
    assert verdict.status is Status.REFERENCE_ERROR and "gold" in verdict.reason
    assert verdict.correct is None


def test_malformed_but_identical_answer_still_matches() -> None:
    assert verify(r"\boxed{\frac{1}{}}", r"\frac{1}{}").correct is True


def test_truncated_response_never_scores_even_with_gold_in_thought() -> None:
    verdict = verify(r"<think>the answer is \boxed{42}", "42")
    assert verdict.status is Status.NO_ANSWER and verdict.extracted is None
