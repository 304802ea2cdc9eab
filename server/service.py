"""The scoring service behind every route: admission, cache, bounded runner, group terms.

Routes only translate a wire shape into ``RewardItem`` objects and back; all
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
import os
import time
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from server.cache import VerdictCache, content_key, spec_fingerprint
from server.metrics import Metrics
from server.reaper import reap_orphans, reap_sandbox_containers
from server.scheduling import item_cost_s, next_request_id
from server.settings import ServerSettings
from verifiers.core.options import OptionsError
from verifiers.core.reward import RewardResult, apply_group_penalties
from verifiers.core.reward_batch import RewardItem, Schedule, compute_rewards_async
from verifiers.core.runner import BoundedRunner
from verifiers.core.spec import RewardSpec
from verifiers.core.verdict import Status
from verifiers.model_judge.gate import GateReport, check_judge

_log = logging.getLogger("rlvr.server")


class Saturated(Exception):
    """Too many items are already pending; the caller should retry after ``retry_after_s``."""

    def __init__(
        self, pending: int, limit: int, retry_after_s: int, work_s: float | None = None
    ) -> None:
        what = (
            f"{pending} items pending (limit {limit})"
            if work_s is None
            else f"the queue holds more expected work than max_queue_s allows ({pending} "
            f"items pending, this request adds ~{work_s:.1f} worker-seconds)"
        )
        super().__init__(f"server saturated: {what}; retry after {retry_after_s}s")
        self.retry_after_s = retry_after_s


class NotReady(Exception):
    """The worker pool is not up (starting or shutting down)."""


class InvalidItem(ValueError):
    """An item names a spec or verifier the server does not know (a 422 at ``field``)."""

    def __init__(self, field: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.field = field


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
        # The server's own registry: its extra verifiers never touch the process's default.
        self.registry = settings.registry()
        self.judge_gate: GateReport | None = None
        self.specs = settings.named_specs()
        if settings.default_task not in self.registry.available():
            raise ValueError(
                f"default_task {settings.default_task!r} is not a registered verifier; "
                f"available: {', '.join(self.registry.available())} (add yours under "
                "`verifiers`)"
            )
        self.runner: BoundedRunner | None = None
        self.ready = False
        self.pending = 0
        self.pending_work_s = 0.0
        # Longest queue wait of each request in flight (request id -> seconds).
        self._waits: dict[int, float] = {}
        self._canary: tuple[float, bool, str] | None = None  # (when, ok, why)
        # Every worker pid seen, so their sandbox containers can be reaped once they die.
        self.worker_pids_seen: set[int] = set()
        self._reaper: asyncio.Task[None] | None = None
        metrics.bind_runner(
            queue_depth=lambda: self.runner.queue_depth() if self.runner else 0,
            busy=lambda: self.runner.busy() if self.runner else 0,
            restarts=lambda: self.runner.restarts if self.runner else 0,
            pending=lambda: self.pending,
        )
        metrics.bind_scheduler(
            oldest_wait=lambda: self.runner.oldest_wait_s() if self.runner else 0.0,
            pending_work=lambda: self.pending_work_s,
            reruns=lambda: self.runner.reruns if self.runner else 0,
            start_failures=lambda: self.runner.start_failures if self.runner else 0,
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
            start_timeout_s=s.start_timeout_s,
        )
        self.runner.wait_observer = self._observe_wait
        # Containers and cgroups of processes that died before this server started.
        await asyncio.to_thread(reap_orphans)
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

    # -- readiness ----------------------------------------------------------------------

    async def readiness(self) -> tuple[bool, str, dict[str, Any]]:
        """Whether jobs actually move: (ready, why not, details) for ``/readyz``.

        Not ready when the pool is not up, when starting a worker failed and
        none has started since, when work waits but nothing finished for
        longer than any job may take (a wedged pool), or when an idle pool does
        not run a trivial canary job within ``canary_timeout_s``.
        """
        runner, s = self.runner, self.settings
        detail: dict[str, Any] = {
            "workers": runner.workers if runner else 0,
            "live_workers": len(runner.worker_pids()) if runner else 0,
            "queue_depth": runner.queue_depth() if runner else 0,
            "pending_items": self.pending,
            "pending_work_s": round(self.pending_work_s, 3),
        }
        if runner is None or not self.ready:
            return False, "starting", detail
        detail["oldest_wait_s"] = round(runner.oldest_wait_s(), 3)
        detail["stalled_s"] = round(runner.stalled_s(), 3)
        detail["reruns"] = runner.reruns
        detail["worker_start_failures"] = runner.start_failures
        if runner.memory_cap_refused:
            detail["memory_cap"] = runner.memory_cap_refused
        if runner.last_start_error is not None and not detail["live_workers"]:
            # Workers start only for a job: without one, a pool whose start failed once would
            # stay "cannot start" after the cause went away. The canary is that job.
            detail["last_start_error"] = runner.last_start_error[1]
            ok, why = await self._run_canary()
            detail["canary"] = "ok" if ok else why
            if not ok:
                return False, "verification workers cannot be started", detail
        stall_limit = s.max_timeout_s + s.start_timeout_s + 5
        if runner.stalled_s() > stall_limit:
            return False, f"no job finished in {runner.stalled_s():.0f}s while work waits", detail
        if runner.queue_depth() == 0 and runner.busy() == 0:
            ok, why = await self._run_canary()
            detail["canary"] = "ok" if ok else why
            if not ok:
                return False, why, detail
        return True, "", detail

    async def _run_canary(self) -> tuple[bool, str]:
        """A trivial job through the pool, at most every few seconds (cached)."""
        now = time.monotonic()
        if self._canary is not None and now - self._canary[0] < 5.0:
            return self._canary[1], self._canary[2]
        assert self.runner is not None
        bound = self.settings.canary_timeout_s
        future = self.runner.submit(
            os.getpid, timeout_s=bound, deadline=now + bound, group="canary", cost_s=0.0
        )
        try:
            value = await asyncio.wait_for(asyncio.wrap_future(future), bound + 1)
            ok = isinstance(value, int)
            why = "" if ok else f"canary job failed: {getattr(value, 'reason', value)}"
        except TimeoutError:
            ok, why = False, f"canary job did not finish within {bound:g}s"
        self._canary = (time.monotonic(), ok, why)
        return ok, why

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
        """Refuse an unknown task, and a ``task`` term's option the task's verifier lacks."""
        self._check_verifiers(spec, task, field)
        try:
            spec.check_options(self.registry, task)
        except OptionsError as exc:
            raise InvalidItem(field, str(exc)) from None

    def check_options(
        self,
        options: Mapping[str, Any],
        field: tuple[str | int, ...],
        *,
        spec: RewardSpec | None = None,
        task: str | None = None,
    ) -> None:
        """Refuse request-supplied options the operator reserved (sandbox limits) and,
        given the item's spec and task, context keys none of its verifiers knows."""
        blocked = sorted(set(options) & set(self.settings.blocked_options))
        if blocked:
            raise InvalidItem(
                (*field, blocked[0]),
                f"option {blocked[0]!r} is set by the server operator, not per request "
                "(server setting blocked_options)",
            )
        if spec is not None and options:
            try:
                self.registry.check_context(spec.verifier_names(task), options)
            except OptionsError as exc:
                raise InvalidItem(field, str(exc)) from None

    def _check_verifiers(
        self, spec: RewardSpec, task: str | None, field: tuple[str | int, ...]
    ) -> None:
        known = set(self.registry.available())
        names = set(spec.verifier_names(None))
        if task is not None:
            names.add(task)
        unknown = sorted(names - known)
        if unknown:
            raise InvalidItem(
                field, f"unknown verifier {unknown[0]!r}; available: {', '.join(sorted(known))}"
            )
        try:
            spec.check_options(self.registry, None)
        except OptionsError as exc:
            raise InvalidItem(field, str(exc)) from None

    # -- scoring ------------------------------------------------------------------------

    def admit(self, n_items: int, work_s: float = 0.0) -> None:
        """Reserve room for ``n_items`` of ``work_s`` expected worker seconds, or ``Saturated``.

        Two bounds: items pending (memory) and expected work per worker (how
        long the queue takes to drain). A batch larger than either is still
        admitted when nothing else is pending, so no single legal request can
        be refused forever.
        """
        s = self.settings
        workers = self.runner.workers if self.runner else 1
        if self.pending > 0 and self.pending + n_items > s.max_pending_items:
            self.metrics.rejected.inc()
            raise Saturated(self.pending, s.max_pending_items, s.retry_after_s)
        if self.pending > 0 and (self.pending_work_s + work_s) / workers > s.max_queue_s:
            self.metrics.rejected.inc()
            drain = max(1, int(self.pending_work_s / workers))
            raise Saturated(self.pending, s.max_pending_items, min(drain, 60), work_s=work_s)
        self.pending += n_items
        self.pending_work_s += work_s

    def refusal(self, n_items: int = 1) -> Saturated | None:
        """The 429 that ``admit`` would give ``n_items`` now (checked before a body is parsed,
        so a saturated server does not parse what it will refuse); None when it would admit."""
        s = self.settings
        workers = self.runner.workers if self.runner else 1
        if self.pending > 0 and self.pending + max(1, n_items) > s.max_pending_items:
            return Saturated(self.pending, s.max_pending_items, s.retry_after_s)
        if self.pending > 0 and self.pending_work_s / workers >= s.max_queue_s:
            drain = max(1, int(self.pending_work_s / workers))
            return Saturated(self.pending, s.max_pending_items, min(drain, 60), work_s=0.0)
        return None

    def _observe_wait(self, group: Hashable, waited_s: float) -> None:
        """Runner hook (dispatcher threads): an item of request ``group`` waited ``waited_s``."""
        self.metrics.item_wait.observe(waited_s)
        if isinstance(group, int) and group in self._waits:
            self._waits[group] = max(self._waits[group], waited_s)

    def deadline_for(self, requested: float | None) -> float | None:
        """Seconds a request may take, queue included (None: no deadline)."""
        limit = self.settings.request_deadline_s
        if requested is None:
            return limit
        return requested if limit is None else min(requested, limit)

    def timeout_for(self, requested: float | None) -> float:
        s = self.settings
        return min(requested if requested is not None else s.timeout_s, s.max_timeout_s)

    async def score(
        self,
        items: Sequence[RewardItem],
        *,
        timeout_s: float | None = None,
        deadline_s: float | None = None,
    ) -> list[Scored]:
        """One ``Scored`` per item, in order. Raises ``Saturated``; never fails per item."""
        if self.runner is None or not self.ready:
            raise NotReady("the verification workers are not running (starting or stopping)")
        keys = self._keys(items) if self.cache.max_entries else [""] * len(items)
        hits = [self.cache.get(k) for k in keys]
        missing = [i for i, hit in enumerate(hits) if hit is None]
        self.metrics.cache.labels("hit").inc(len(items) - len(missing))
        self.metrics.cache.labels("miss").inc(len(missing))
        limit = self.timeout_for(timeout_s)
        costs = [
            item_cost_s(items[i].reward_spec, items[i].task, limit, self.registry) for i in missing
        ]
        work_s = sum(costs)
        self.admit(len(missing), work_s)
        start = time.perf_counter()
        request = next_request_id()
        self._waits[request] = 0.0
        allowed = self.deadline_for(deadline_s)
        schedule = Schedule(
            group=request,
            deadline=time.monotonic() + allowed if allowed is not None else None,
            costs_s=costs,
        )
        try:
            fresh = await compute_rewards_async(
                [_ungrouped(items[i]) for i in missing],
                timeout_s=limit,
                runner=self.runner,
                registry=self.registry,
                schedule=schedule,
            )
        finally:
            self.pending -= len(missing)
            self.pending_work_s = max(0.0, self.pending_work_s - work_s)
            if missing:
                self.metrics.request_wait.observe(self._waits.pop(request, 0.0))
            else:
                self._waits.pop(request, None)
            self._remember_workers()
        elapsed = time.perf_counter() - start
        results: list[RewardResult | None] = list(hits)
        for i, result in zip(missing, fresh, strict=True):
            result = _finite(items[i].reward_spec, result)
            self.cache.put(keys[i], result)
            results[i] = result
            self.metrics.item_seconds.observe(elapsed)
        final = apply_group_penalties(
            items,
            [r for r in results if r is not None],
            spec_of=lambda item: item.reward_spec,
            group_of=lambda item: item.group,
            length_of=lambda item: item.penalty_length,
            after=_finite,
        )
        cached = [hit is not None for hit in hits]
        self._count(items, final, cached)
        return [Scored(r, cached=cached[i]) for i, r in enumerate(final)]

    def _keys(self, items: Sequence[RewardItem]) -> list[str]:
        digests: dict[int, str] = {}
        keys = []
        for item in items:
            digest = digests.get(id(item.spec))
            if digest is None:
                digest = digests[id(item.spec)] = spec_fingerprint(item.reward_spec)
            keys.append(content_key(digest, item.task, item.response, item.reference, item.context))
        return keys

    def _count(
        self,
        items: Sequence[RewardItem],
        results: Sequence[RewardResult],
        cached: Sequence[bool],
    ) -> None:
        """Count every item served; what a verifier did (timeouts, errors, the cascade's
        routes, disagreements and judge latency) only for fresh results: a cache hit replays
        verdicts that were counted (and logged) when they were computed, and nothing ran."""
        m = self.metrics
        for item, result, hit in zip(items, results, cached, strict=True):
            m.items.labels(item.task, result.status.value).inc()
            if hit:
                continue
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


def _ungrouped(item: RewardItem) -> RewardItem:
    """The item without its group: the group term is added after the cache, over cached
    and fresh results together."""
    return dataclasses.replace(item, group=None) if item.group is not None else item
