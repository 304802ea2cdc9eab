"""The scoring service behind every route: admission, cache, bounded runner, group terms.

Routes only translate a wire shape into ``ScoringItem`` objects and back; all
behaviour worth testing is here and runs without HTTP. The service owns the
one ``BoundedRunner`` of the app: items that miss the cache are verified there
through ``compute_rewards_async`` with a hard per-item time limit, so a CAS
bomb or a program that never ends costs its item the spec's failure score and
nothing else.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
import time
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from server.cache import VerdictCache, content_key, spec_fingerprint
from server.metrics import Metrics
from server.reaper import reap_sandbox_containers
from server.settings import ServerSettings
from verifiers.core.registry import available, register_path
from verifiers.core.reward import RewardResult, apply_length_penalty
from verifiers.core.reward_batch import RewardItem, compute_rewards_async
from verifiers.core.runner import BoundedRunner
from verifiers.core.spec import TASK_VERIFIER, RewardSpec
from verifiers.core.verdict import Status
from verifiers.model_judge.gate import GateReport, check_judge
from verifiers.model_judge.registration import register_judge

_log = logging.getLogger("rlvr.server")


class Saturated(Exception):
    """Too many items are already pending; the caller should retry after ``retry_after_s``."""

    def __init__(self, pending: int, limit: int, retry_after_s: int) -> None:
        super().__init__(
            f"server saturated: {pending} items pending (limit {limit}); retry after "
            f"{retry_after_s}s"
        )
        self.retry_after_s = retry_after_s


class NotReady(Exception):
    """The worker pool is not up (starting or shutting down)."""


class InvalidItem(ValueError):
    """An item names a spec or verifier the server does not know (a 422 at ``field``)."""

    def __init__(self, field: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclasses.dataclass(frozen=True)
class ScoringItem:
    """One item as the service scores it: a resolved spec and the group it belongs to."""

    response: str
    reference: Any
    spec: RewardSpec
    task: str
    context: Mapping[str, Any]
    group: Hashable | None = None
    length: int | None = None


@dataclasses.dataclass(frozen=True)
class Scored:
    result: RewardResult
    cached: bool


class RewardService:
    """Scores items for the routes; one per app, started and stopped by its lifespan."""

    def __init__(self, settings: ServerSettings, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.cache = VerdictCache(settings.cache_size)
        for name, target in settings.verifiers.items():
            register_path(name, target)
        if settings.judge is not None:
            register_judge(settings.judge)
        self.judge_gate: GateReport | None = None
        self.specs = settings.named_specs()
        if settings.default_task not in available():
            raise ValueError(
                f"default_task {settings.default_task!r} is not a registered verifier; "
                f"available: {', '.join(available())} (add yours under `verifiers`)"
            )
        self.runner: BoundedRunner | None = None
        self.ready = False
        self.pending = 0
        # Every worker pid seen, so their sandbox containers can be reaped once they die.
        self.worker_pids_seen: set[int] = set()
        self._reaper: asyncio.Task[None] | None = None
        metrics.bind_runner(
            queue_depth=lambda: self.runner.queue_depth() if self.runner else 0,
            busy=lambda: self.runner.busy() if self.runner else 0,
            restarts=lambda: self.runner.restarts if self.runner else 0,
            pending=lambda: self.pending,
        )

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Start the worker pool and wait until every worker answers (then /readyz is 200)."""
        s = self.settings
        if s.judge is not None:  # the master-key gate: raises JudgeRefused, the app won't start
            self.judge_gate = await asyncio.to_thread(check_judge, s.judge)
            self.metrics.judge_master_key_fpr.set(self.judge_gate.fpr)
            if not self.judge_gate.passed:
                _log.warning(
                    "judge in use despite the master-key gate (allow_unsafe): %s",
                    self.judge_gate.summary(),
                )
        self.runner = BoundedRunner(
            s.workers,
            memory_mb=s.memory_mb,
            max_tasks_per_worker=s.max_tasks_per_worker,
            preload=s.preload,
        )
        await asyncio.to_thread(self.runner.warm_up)
        self._remember_workers()
        if s.reap_interval_s > 0:
            self._reaper = asyncio.create_task(self._reap_forever(s.reap_interval_s))
        self.ready = True

    async def stop(self) -> None:
        self.ready = False
        if self._reaper is not None:
            self._reaper.cancel()
        if self.runner is not None:
            self._remember_workers()
            await asyncio.to_thread(self.runner.close)
            await self.reap()

    def _remember_workers(self) -> None:
        if self.runner is not None:
            self.worker_pids_seen.update(self.runner.worker_pids())

    async def reap(self) -> int:
        """Remove the sandbox containers of workers that died; forget those workers."""
        pids = set(self.worker_pids_seen)
        closed = self.runner is not None and not self.ready
        removed = await asyncio.to_thread(reap_sandbox_containers, pids, all_dead=closed)
        live = set(self.runner.worker_pids()) if self.runner and self.ready else set()
        self.worker_pids_seen -= pids - live
        return removed

    async def _reap_forever(self, interval_s: float) -> None:
        # Sample the pids every second (a worker killed at a time limit lived at least
        # that long), reap every interval_s.
        next_reap = time.monotonic() + interval_s
        while True:
            await asyncio.sleep(min(1.0, interval_s))
            self._remember_workers()
            if time.monotonic() >= next_reap:
                await self.reap()
                next_reap = time.monotonic() + interval_s

    # -- building items -----------------------------------------------------------------

    def resolve_spec(
        self, spec: str | RewardSpec | None, field: tuple[str | int, ...]
    ) -> RewardSpec:
        if isinstance(spec, RewardSpec):
            self._check_verifiers(spec, None, field)
            for i, component in enumerate(spec.components):
                self.check_options(component.options, (*field, "components", i, "options"))
            return spec
        name = spec if spec is not None else self.settings.default_spec
        if name not in self.specs:
            raise InvalidItem(field, f"unknown spec {name!r}; named specs: {', '.join(self.specs)}")
        return self.specs[name]

    def check_task(self, task: str, spec: RewardSpec, field: tuple[str | int, ...]) -> None:
        self._check_verifiers(spec, task, field)

    def check_options(self, options: Mapping[str, Any], field: tuple[str | int, ...]) -> None:
        """Refuse request-supplied verifier options the operator reserved (sandbox limits)."""
        blocked = sorted(set(options) & set(self.settings.blocked_options))
        if blocked:
            raise InvalidItem(
                (*field, blocked[0]),
                f"option {blocked[0]!r} is set by the server operator, not per request "
                "(server setting blocked_options)",
            )

    def _check_verifiers(
        self, spec: RewardSpec, task: str | None, field: tuple[str | int, ...]
    ) -> None:
        known = set(available())
        names = {c.verifier for c in spec.components if c.enabled} - {TASK_VERIFIER}
        if task is not None:
            names.add(task)
        unknown = sorted(names - known)
        if unknown:
            raise InvalidItem(
                field, f"unknown verifier {unknown[0]!r}; available: {', '.join(sorted(known))}"
            )

    # -- scoring ------------------------------------------------------------------------

    def admit(self, n_items: int) -> None:
        """Reserve room for ``n_items``; raise ``Saturated`` when the bound would be passed.

        A batch larger than the bound is still admitted when nothing else is
        pending, so no single legal request can be refused forever.
        """
        limit = self.settings.max_pending_items
        if self.pending > 0 and self.pending + n_items > limit:
            self.metrics.rejected.inc()
            raise Saturated(self.pending, limit, self.settings.retry_after_s)
        self.pending += n_items

    def timeout_for(self, requested: float | None) -> float:
        s = self.settings
        return min(requested if requested is not None else s.timeout_s, s.max_timeout_s)

    async def score(
        self, items: Sequence[ScoringItem], *, timeout_s: float | None = None
    ) -> list[Scored]:
        """One ``Scored`` per item, in order. Raises ``Saturated``; never fails per item."""
        if self.runner is None or not self.ready:
            raise NotReady("the verification workers are not running (starting or stopping)")
        keys = self._keys(items) if self.cache.max_entries else [""] * len(items)
        hits = [self.cache.get(k) for k in keys]
        missing = [i for i, hit in enumerate(hits) if hit is None]
        self.metrics.cache.labels("hit").inc(len(items) - len(missing))
        self.metrics.cache.labels("miss").inc(len(missing))
        self.admit(len(missing))
        start = time.perf_counter()
        try:
            fresh = await compute_rewards_async(
                [self._reward_item(items[i]) for i in missing],
                timeout_s=self.timeout_for(timeout_s),
                runner=self.runner,
            )
        finally:
            self.pending -= len(missing)
            self._remember_workers()
        elapsed = time.perf_counter() - start
        results: list[RewardResult | None] = list(hits)
        for i, result in zip(missing, fresh, strict=True):
            result = _finite(items[i].spec, result)
            self.cache.put(keys[i], result)
            results[i] = result
            self.metrics.item_seconds.observe(elapsed)
        final = _with_group_penalties(items, [r for r in results if r is not None])
        self._count(items, final)
        return [Scored(r, cached=hits[i] is not None) for i, r in enumerate(final)]

    def _keys(self, items: Sequence[ScoringItem]) -> list[str]:
        digests: dict[int, str] = {}
        keys = []
        for item in items:
            digest = digests.get(id(item.spec))
            if digest is None:
                digest = digests[id(item.spec)] = spec_fingerprint(item.spec)
            keys.append(content_key(digest, item.task, item.response, item.reference, item.context))
        return keys

    @staticmethod
    def _reward_item(item: ScoringItem) -> RewardItem:
        # group=None: the group term is added after the cache, over cached and fresh results.
        return RewardItem(
            response=item.response,
            reference=item.reference,
            spec=item.spec,
            task=item.task,
            context=item.context,
        )

    def _count(self, items: Sequence[ScoringItem], results: Sequence[RewardResult]) -> None:
        m = self.metrics
        for item, result in zip(items, results, strict=True):
            m.items.labels(item.task, result.status.value).inc()
            if not result.verdicts and result.status == Status.TIMEOUT:
                m.verifier_timeouts.labels(item.task).inc()
            elif not result.verdicts and result.status == Status.ERROR:
                m.verifier_errors.labels(item.task).inc()
            for verdict in result.verdicts.values():
                m.observe_cascade(verdict)
                if verdict.status == Status.TIMEOUT:
                    m.verifier_timeouts.labels(verdict.verifier or item.task).inc()
                elif verdict.status == Status.ERROR:
                    m.verifier_errors.labels(verdict.verifier or item.task).inc()


def _finite(spec: RewardSpec, result: RewardResult) -> RewardResult:
    """JSON has no NaN or infinity: a non-finite reward (absurd weights) becomes an error."""
    numbers = [result.total, *result.components.values()]
    if all(math.isfinite(x) for x in numbers):
        return result
    failed = RewardResult.failed(spec, Status.ERROR, "reward is not a finite number")
    if all(math.isfinite(x) for x in [failed.total, *failed.components.values()]):
        return failed
    return dataclasses.replace(failed, total=0.0, components=dict.fromkeys(failed.components, 0.0))


def _with_group_penalties(
    items: Sequence[ScoringItem], results: list[RewardResult]
) -> list[RewardResult]:
    """Kimi's length term for items that share a group, when their spec enables it."""
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        if item.group is not None and item.spec.length_penalty.enabled:
            groups[item.group].append(i)
    for members in groups.values():
        spec = items[members[0]].spec
        lengths = [
            items[i].length if items[i].length is not None else len(items[i].response)
            for i in members
        ]
        penalised = apply_length_penalty(spec, [results[i] for i in members], lengths)
        for i, result in zip(members, penalised, strict=True):
            results[i] = _finite(spec, result)
    return results
