"""Verifiers that only the server tests use (module-level, so workers can import them)."""

from __future__ import annotations

from typing import Any

from verifiers.core.verdict import Verdict


def raises(response: str, reference: Any = None, **options: Any) -> Verdict:
    raise RuntimeError("a verifier bug")


def nan_score(response: str, reference: Any = None, **options: Any) -> Verdict:
    """A buggy verifier: a NaN score and details JSON cannot hold."""
    return Verdict(score=float("nan"), correct=None, details={"seen": {1, 2}, "inf": float("inf")})
