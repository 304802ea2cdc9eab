"""Misbehaving verifiers for the bounded-runner tests (importable by workers)."""

from __future__ import annotations

import os
import time
from typing import Any

from verifiers.core.verdict import Verdict


def never_returns(response: str, reference: Any = None, **options: Any) -> Verdict:
    while True:  # a pure-Python infinite loop: only a kill stops it
        pass


def sympy_hang(response: str, reference: Any = None, **options: Any) -> Verdict:
    import sympy

    # A C-level/CAS stall: expanding a huge power tower never finishes in time.
    sympy.Integer(5) ** (sympy.Integer(5) ** (sympy.Integer(5) ** 5))
    return Verdict(score=1.0, correct=True)


def echo(response: str, reference: Any = None, **options: Any) -> Verdict:
    return Verdict(score=1.0, correct=response == reference, extracted=response)


def sleepy(response: str, reference: Any = None, **options: Any) -> Verdict:
    time.sleep(float(options.get("sleep_s", 0.5)))
    return Verdict(score=1.0, correct=True, details={"pid": os.getpid()})


def memory_hog(response: str, reference: Any = None, **options: Any) -> Verdict:
    blob = bytearray(int(options.get("mb", 8192)) * 1024 * 1024)
    return Verdict(score=float(len(blob)), correct=True)


def exact_answer(response: str, reference: Any = None, **options: Any) -> Verdict:
    """A tiny task verifier for reward-scheme tests: the answer must equal the reference."""
    from verifiers.core.verdict import Status
    from verifiers.format import split_response

    answer = split_response(response).answer
    if not answer or answer == "?":
        return Verdict.failure(Status.NO_ANSWER, "no answer")
    return Verdict(score=float(answer == reference), correct=answer == reference, extracted=answer)
