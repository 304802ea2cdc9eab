"""A second opinion where our reader cannot read: math-verify, bounded.

Only a ``parse_error`` verdict (the gold or the answer is not math we can read)
is re-judged, and only when the ``second_opinion`` option is on. The call runs
in the same process (the bounded worker of ``verify_batch`` when there is one)
under a wall-clock budget of ``BUDGET_S`` enforced with an interval timer where
signals are available (the main thread); elsewhere the worker's hard timeout is
the bound. The verdict records who decided: ``details["decided_by"]``.
"""

from __future__ import annotations

import dataclasses
import logging
import signal
import threading
from typing import Any

from verifiers.core.verdict import Status, Verdict

BUDGET_S = 0.4
MAX_CHARS = 300  # longer text is prose: not worth a CAS call


class _OutOfTime(Exception):
    pass


def second_opinion(verdict: Verdict, answer: str, gold: str) -> Verdict:
    """``verdict`` re-judged by math-verify, or ``verdict`` itself (marked) when it cannot."""
    details = dict(verdict.details)
    if len(answer) > MAX_CHARS or len(gold) > MAX_CHARS:
        details["decided_by"] = "verifiers.math"
        return dataclasses.replace(verdict, details=details)
    try:
        correct = _bounded(lambda: _math_verify(answer, gold))
    except Exception as exc:  # its failure leaves our verdict standing
        details["decided_by"] = "verifiers.math"
        details["second_opinion"] = f"math-verify failed: {type(exc).__name__}"
        return dataclasses.replace(verdict, details=details)
    if correct is None:
        details["decided_by"] = "verifiers.math"
        details["second_opinion"] = "math-verify could not read it either"
        return dataclasses.replace(verdict, details=details)
    details["decided_by"] = "math-verify"
    details["our_reason"] = verdict.reason
    return dataclasses.replace(
        verdict,
        score=1.0 if correct else 0.0,
        correct=correct,
        status=Status.OK,
        reason="math-verify: " + ("equivalent to the gold" if correct else "not equivalent"),
        details=details,
    )


def _math_verify(answer: str, gold: str) -> bool | None:
    from math_verify import parse, verify

    # it warns on every call that its own (signal) timeout is off: ours is the bound
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    parsed_gold = parse(_delimited(gold), parsing_timeout=None)  # type: ignore[arg-type]
    parsed_answer = parse(_delimited(answer), parsing_timeout=None)  # type: ignore[arg-type]
    if not parsed_gold or not parsed_answer:
        return None
    return bool(verify(parsed_gold, parsed_answer, timeout_seconds=None))


def _delimited(text: str) -> str:
    return text if ("$" in text or "\\boxed" in text) else f"${text}$"


def _bounded(call: Any) -> Any:
    if threading.current_thread() is not threading.main_thread():
        return call()

    def _alarm(signum: int, frame: Any) -> None:
        raise _OutOfTime("second opinion over budget")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, BUDGET_S)
    try:
        return call()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
