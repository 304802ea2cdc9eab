"""A deterministic slow verifier for the kill-and-resume test (importable by workers)."""

from __future__ import annotations

import time
from typing import Any

from verifiers.core.verdict import Verdict


def slow_exact(response: str, reference: Any = None, **options: Any) -> Verdict:
    time.sleep(0.3)
    ok = response.strip() == str(reference).strip()
    return Verdict(score=float(ok), correct=ok, extracted=response.strip(), reason="exact match")


def structured(response: str, reference: Any = None, **options: Any) -> Verdict:
    """Takes a dict reference ({"value": ..., "alternatives": [...]}), like code tests do."""
    accepted = {str(reference["value"]), *map(str, reference.get("alternatives", []))}
    ok = response.strip() in accepted
    return Verdict(score=float(ok), correct=ok, extracted=response.strip())
