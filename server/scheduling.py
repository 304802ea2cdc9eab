"""What the service tells the runner about a request: its group, deadline and expected work.

Fair scheduling needs a cost per item before it runs. It comes from the
verifier's record (``VerifierInfo.expected_cost_s`` in the registry, where
the verifier declares one) and otherwise from a small table of measured
typical costs; an item never costs more than its time limit. Admission then
bounds expected work in the queue (seconds of worker time), not item counts:
8192 math items are a second of work, 8192 endless programs are hours.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from verifiers.core.spec import TASK_VERIFIER, RewardSpec

# Typical seconds per verification on one core when the verifier record gives none
# (math: sympy equivalence; code: a sandboxed run of a few tests).
DEFAULT_COSTS_S = {
    "math": 0.02,
    "code": 1.0,
    "format": 0.001,
    "language": 0.005,
    "countdown": 0.002,
    "knights_knaves": 0.002,
}
UNKNOWN_COST_S = 0.05

_request_ids = itertools.count(1)


def next_request_id() -> int:
    """A process-unique id: one fair-share group per request."""
    return next(_request_ids)


def verifier_cost_s(name: str) -> float:
    """Expected seconds of one call of verifier ``name`` (its record's, else the table's)."""
    try:
        from verifiers.core import registry

        info = getattr(registry, "info", None)
        declared = getattr(info(name), "expected_cost_s", None) if callable(info) else None
    except Exception:  # an unknown name or no record: the table decides
        declared = None
    if isinstance(declared, int | float) and declared > 0:
        return float(declared)
    return DEFAULT_COSTS_S.get(name, UNKNOWN_COST_S)


def item_cost_s(spec: RewardSpec, task: str, timeout_s: float) -> float:
    """Expected worker seconds of one item: its enabled components' verifiers, capped."""
    names: Iterable[str] = (
        task if c.verifier == TASK_VERIFIER else c.verifier for c in spec.components if c.enabled
    )
    return min(timeout_s, sum(verifier_cost_s(n) for n in set(names)) or UNKNOWN_COST_S)
