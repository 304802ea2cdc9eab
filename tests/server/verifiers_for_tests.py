"""Verifiers that only the server tests use (module-level, so workers can import them)."""

from __future__ import annotations

from typing import Any

from verifiers.verdict import Verdict


def raises(response: str, reference: Any = None, **options: Any) -> Verdict:
    raise RuntimeError("a verifier bug")
