"""Rewards for many responses at once, each bounded by the worker runner.

This is what the reward server and local scoring call: every item's reward is
computed in a worker process with a hard time limit (through the one runner
path, ``batch.submit_bounded``), a stuck item gets its spec's failure score
with ``status="timeout"``, and items that share a ``group`` id get Kimi's
length penalty when their spec enables it (``apply_group_penalties``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from verifiers.core.batch import Schedule, gather, gather_async, submit_bounded
from verifiers.core.registry import DEFAULT_TASK, Registry
from verifiers.core.reward import RewardResult, apply_group_penalties, compute_reward
from verifiers.core.runner import BoundedRunner, shared_runner
from verifiers.core.spec import RewardSpec, load_spec
from verifiers.core.verdict import Status

__all__ = ["RewardItem", "Schedule", "compute_rewards", "compute_rewards_async"]


@dataclasses.dataclass(frozen=True)
class RewardItem:
    """One response to reward. ``group`` ties the responses to one prompt together.

    ``length`` is the response's length for the group penalty (tokens, Kimi's
    definition); without it the character length is used.
    """

    response: str
    reference: Any = None
    spec: RewardSpec | str = "r1_zero"
    task: str = DEFAULT_TASK
    context: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    group: Hashable | None = None
    length: int | None = None

    def resolved(self) -> RewardItem:
        """This item with its spec loaded (a name or path becomes a ``RewardSpec``)."""
        if isinstance(self.spec, RewardSpec):
            return self
        return dataclasses.replace(self, spec=load_spec(self.spec))

    @property
    def reward_spec(self) -> RewardSpec:
        return self.spec if isinstance(self.spec, RewardSpec) else load_spec(self.spec)

    @property
    def penalty_length(self) -> int:
        return self.length if self.length is not None else len(self.response)


def _reward_one(item: RewardItem, registry: Registry) -> RewardResult:
    return compute_reward(
        item.reward_spec,
        item.response,
        item.reference,
        task=item.task,
        registry=registry,
        **dict(item.context),
    )


def _failed(item: RewardItem, status: Status, reason: str) -> RewardResult:
    return RewardResult.failed(item.reward_spec, status, reason)


def with_group_penalties(
    items: Sequence[RewardItem], results: Sequence[RewardResult]
) -> list[RewardResult]:
    """``apply_group_penalties`` over reward items (their spec, group and length)."""
    return apply_group_penalties(
        items,
        results,
        spec_of=lambda item: item.reward_spec,
        group_of=lambda item: item.group,
        length_of=lambda item: item.penalty_length,
    )


def _submit(
    items: Sequence[RewardItem],
    timeout_s: float,
    runner: BoundedRunner,
    registry: Registry | None,
    schedule: Schedule | None = None,
) -> tuple[list[RewardItem], list[Any]]:
    resolved = [item.resolved() for item in items]
    futures = submit_bounded(
        runner,
        _reward_one,
        resolved,
        _failed,
        timeout_s=timeout_s,
        registry=registry,
        schedule=schedule,
    )
    return resolved, futures


def compute_rewards(
    items: Sequence[RewardItem],
    *,
    timeout_s: float = 5.0,
    runner: BoundedRunner | None = None,
    workers: int | None = None,
    registry: Registry | None = None,
) -> list[RewardResult]:
    """One ``RewardResult`` per item, in order; never raises for a bad response."""
    resolved, futures = _submit(items, timeout_s, runner or shared_runner(workers), registry)
    return with_group_penalties(resolved, gather(futures))


async def compute_rewards_async(
    items: Sequence[RewardItem],
    *,
    timeout_s: float = 5.0,
    runner: BoundedRunner | None = None,
    workers: int | None = None,
    registry: Registry | None = None,
    schedule: Schedule | None = None,
) -> list[RewardResult]:
    """The asyncio twin of ``compute_rewards``; ``schedule`` places the batch in the queue."""
    resolved, futures = _submit(
        items, timeout_s, runner or shared_runner(workers), registry, schedule
    )
    return with_group_penalties(resolved, await gather_async(futures))
