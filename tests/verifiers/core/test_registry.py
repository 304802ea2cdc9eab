"""The registry: names resolve, failures become verdicts, never exceptions."""

from __future__ import annotations

from typing import Any

import pytest

from verifiers import Status, Verdict, available, register, verify


@register("always_raises")
def _always_raises(response: str, reference: Any = None, **options: Any) -> Verdict:
    raise ZeroDivisionError("boom")


def test_builtin_names_are_listed() -> None:
    assert {"format", "math", "code", "language", "countdown", "knights_knaves"} <= set(available())


def test_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(KeyError, match="format"):
        verify("nope", "x")


def test_exception_in_a_verifier_becomes_an_error_verdict() -> None:
    verdict = verify("always_raises", "x")
    assert verdict.status == Status.ERROR
    assert "ZeroDivisionError: boom" in verdict.reason
    assert verdict.verifier == "always_raises"


@pytest.mark.parametrize("response", [None, 42, b"bytes", ["list"]], ids=repr)
def test_non_string_response_is_a_parse_error(response: Any) -> None:
    verdict = verify("format", response)
    assert verdict.status == Status.PARSE_ERROR
    assert verdict.correct is False


def test_verdict_round_trips_through_a_dict() -> None:
    verdict = verify("format", "<think>a</think>1")
    again = Verdict.from_dict(verdict.to_dict())
    assert again == verdict
    assert verdict.to_dict()["status"] == "ok"
    assert verdict.elapsed_s > 0
