"""Rewards for many responses at once, each bounded by the worker runner.

This is what the reward server and curation call: every item's reward is
computed in a worker process with a hard time limit, a stuck item gets its
spec's failure score with ``status="timeout"``, and items that share a
``group`` id get Kimi's length penalty when their spec enables it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from verifiers.core.registry import custom_entries, install
from verifiers.core.reward import RewardResult, apply_length_penalty, compute_reward
from verifiers.core.runner import BoundedRunner, shared_runner
from verifiers.core.spec import RewardSpec, load_spec
from verifiers.core.verdict import Status


@dataclasses.dataclass(frozen=True)
class RewardItem:
    """One response to reward. ``group`` ties the responses to one prompt together."""

    response: str
    reference: Any = None
    spec: RewardSpec | str = "r1_zero"
    task: str = "math"
    context: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    group: Hashable | None = None
    length: int | None = None


@dataclasses.dataclass(frozen=True)
class Schedule:
    """How the runner should queue a batch: its fair-share group, deadline and item costs.

    ``deadline`` is a ``time.monotonic()`` value that counts queue time;
    ``costs_s`` the expected seconds of each item (see ``BoundedRunner.submit``).
    """

    group: Hashable = None
    deadline: float | None = None
    costs_s: Sequence[float] | None = None


def _reward_one(spec: RewardSpec, item: RewardItem, registrations: dict[str, Any]) -> RewardResult:
    install(registrations)
    return compute_reward(spec, item.response, item.reference, task=item.task, **dict(item.context))


def _failed(spec: RewardSpec, status: Status, reason: str) -> RewardResult:
    return RewardResult.failed(spec, status, reason)


def _submit(
    items: Sequence[RewardItem],
    timeout_s: float,
    runner: BoundedRunner,
    schedule: Schedule | None = None,
) -> list[Any]:
    registrations = custom_entries()
    schedule = schedule or Schedule()
    futures = []
    for i, item in enumerate(items):
        spec = load_spec(item.spec)
        futures.append(
            runner.submit(
                _reward_one,
                spec,
                item,
                registrations,
                timeout_s=timeout_s,
                on_timeout=functools.partial(_failed, spec, Status.TIMEOUT),
                on_error=functools.partial(_failed, spec, Status.ERROR),
                group=schedule.group,
                deadline=schedule.deadline,
                cost_s=schedule.costs_s[i] if schedule.costs_s is not None else None,
            )
        )
    return futures


def _with_group_penalties(
    items: Sequence[RewardItem], results: list[RewardResult]
) -> list[RewardResult]:
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        if item.group is not None and load_spec(item.spec).length_penalty.enabled:
            groups[item.group].append(i)
    for members in groups.values():
        spec = load_spec(items[members[0]].spec)
        lengths = [
            items[i].length if items[i].length is not None else len(items[i].response)
            for i in members
        ]
        penalised = apply_length_penalty(spec, [results[i] for i in members], lengths)
        for i, result in zip(members, penalised, strict=True):
            results[i] = result
    return results


def compute_rewards(
    items: Sequence[RewardItem],
    *,
    timeout_s: float = 5.0,
    runner: BoundedRunner | None = None,
    workers: int | None = None,
) -> list[RewardResult]:
    """One ``RewardResult`` per item, in order; never raises for a bad response."""
    futures = _submit(items, timeout_s, runner or shared_runner(workers))
    return _with_group_penalties(items, [f.result() for f in futures])


async def compute_rewards_async(
    items: Sequence[RewardItem],
    *,
    timeout_s: float = 5.0,
    runner: BoundedRunner | None = None,
    workers: int | None = None,
    schedule: Schedule | None = None,
) -> list[RewardResult]:
    """The asyncio twin of ``compute_rewards``; ``schedule`` places the batch in the queue."""
    futures = _submit(items, timeout_s, runner or shared_runner(workers), schedule)
    results = await asyncio.gather(*(asyncio.wrap_future(f) for f in futures))
    return _with_group_penalties(items, list(results))
