"""What the service tells the runner about a request: its group, deadline and expected work.

Fair scheduling needs a cost per item before it runs. It comes from the
verifier's record (``VerifierInfo.expected_cost_s`` in the registry); an
item never costs more than its time limit. Admission then
bounds expected work in the queue (seconds of worker time), not item counts:
8192 math items are a second of work, 8192 endless programs are hours.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from verifiers.core.registry import Registry, default_registry
from verifiers.core.spec import TASK_VERIFIER, RewardSpec

UNKNOWN_COST_S = 0.05
"""Expected seconds of an item whose verifier is unknown here (it will fail fast anyway)."""

_request_ids = itertools.count(1)


def next_request_id() -> int:
    """A process-unique id: one fair-share group per request."""
    return next(_request_ids)


def verifier_cost_s(name: str, registry: Registry | None = None) -> float:
    """Expected seconds of one call of verifier ``name``: its record's ``expected_cost_s``."""
    try:
        return (registry or default_registry).info(name).expected_cost_s
    except KeyError:  # an unknown name: the item fails at once with a clear verdict
        return UNKNOWN_COST_S


def item_cost_s(
    spec: RewardSpec, task: str, timeout_s: float, registry: Registry | None = None
) -> float:
    """Expected worker seconds of one item: its enabled components' verifiers, capped."""
    names: Iterable[str] = (
        task if c.verifier == TASK_VERIFIER else c.verifier for c in spec.components if c.enabled
    )
    cost = sum(verifier_cost_s(n, registry) for n in set(names))
    return min(timeout_s, cost or UNKNOWN_COST_S)
