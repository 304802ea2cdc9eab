"""``verify_batch``: many verifications at once, each bounded in time and memory.

Also the one path from a caller to the bounded runner (``submit_bounded``): the
verdict batches here and the reward batches of ``reward_batch`` both submit
through it, so the registry replay in workers and the failure values of a
timeout or a crash are written once. It accepts the items in whatever shape a
caller has at hand (``VerifyItem``, a dict or a tuple), runs them on a
``BoundedRunner`` and returns one ``Verdict`` per item, in order, always: a
stuck item comes back as ``status="timeout"``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import functools
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from verifiers.core.registry import Registry, VerifierInfo, default_registry, registry_for
from verifiers.core.runner import BoundedRunner, gc_paused, shared_runner
from verifiers.core.verdict import Status, Verdict

DEFAULT_TIMEOUT_S = 5.0

P = TypeVar("P")
R = TypeVar("R")


def _in_worker(work: Callable[[P, Registry], R], payload: P, entries: dict[str, VerifierInfo]) -> R:
    return work(payload, registry_for(entries))


@dataclasses.dataclass(frozen=True)
class Schedule:
    """How the runner should queue a batch: its fair-share group, deadline and item costs.

    ``deadline`` is a ``time.monotonic()`` value that counts queue time;
    ``costs_s`` the expected seconds of each item (see ``BoundedRunner.submit``).
    """

    group: Hashable = None
    deadline: float | None = None
    costs_s: Sequence[float] | None = None


def submit_bounded(
    runner: BoundedRunner,
    work: Callable[[P, Registry], R],
    payloads: Iterable[P],
    failure: Callable[[P, Status, str], R],
    *,
    timeout_s: float,
    registry: Registry | None = None,
    schedule: Schedule | None = None,
) -> list[concurrent.futures.Future[R]]:
    """Run ``work(payload, registry)`` for each payload in a worker, bounded by ``timeout_s``.

    ``work`` must be a module-level function. The caller's registry (its custom
    verifiers) is rebuilt in the worker; a timeout or a crash resolves the
    future to ``failure(payload, status, reason)``, never to an exception.
    ``schedule`` places the batch in the runner's fair queue.
    """
    entries = (registry or default_registry).custom_entries()
    schedule = schedule or Schedule()
    with gc_paused():  # thousands of long-lived objects: see gc_paused
        payloads = list(payloads)
        return runner.submit_many(
            _in_worker,
            [(work, payload, entries) for payload in payloads],
            timeout_s=timeout_s,
            on_timeout=[functools.partial(failure, p, Status.TIMEOUT) for p in payloads],
            on_error=[functools.partial(failure, p, Status.ERROR) for p in payloads],
            group=schedule.group,
            deadline=schedule.deadline,
            costs_s=schedule.costs_s,
        )


def gather(futures: Sequence[concurrent.futures.Future[R]]) -> list[R]:
    """The futures' results in order.

    Waits on the last future first: it usually finishes last, so the caller's
    thread wakes about once per batch instead of once per item.
    """
    results = [f.result() for f in reversed(futures)]
    results.reverse()
    return results


async def gather_async(futures: Sequence[concurrent.futures.Future[R]]) -> list[R]:
    """The futures' results in order, awaited without blocking the event loop.

    One wake-up of the loop when the last future is done (``wrap_future`` per
    item would cost a cross-thread call and a loop iteration per item).
    Cancelling the caller cancels the futures that have not started.
    """
    if not futures:
        return []
    loop = asyncio.get_running_loop()
    all_done: asyncio.Future[None] = loop.create_future()
    left = [len(futures)]
    lock = threading.Lock()

    def finish() -> None:
        if not all_done.done():
            all_done.set_result(None)

    def one_done(_: concurrent.futures.Future[R]) -> None:
        with lock:
            left[0] -= 1
            last = left[0] == 0
        if last:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(finish)

    for future in futures:
        future.add_done_callback(one_done)
    try:
        await all_done
    except asyncio.CancelledError:
        for future in futures:
            future.cancel()
        raise
    return [f.result() for f in futures]


@dataclasses.dataclass(frozen=True)
class VerifyItem:
    """One verification to run: ``verify(verifier, response, reference, **options)``."""

    verifier: str
    response: str
    reference: Any = None
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def coerce(cls, item: VerifyItem | Mapping[str, Any] | tuple[Any, ...]) -> VerifyItem:
        """Accept a ``VerifyItem``, a dict (``verifier`` or ``name`` key) or a tuple."""
        if isinstance(item, VerifyItem):
            return item
        if isinstance(item, Mapping):
            name = item.get("verifier", item.get("name"))
            if not isinstance(name, str):
                raise ValueError(f"item needs a 'verifier' name: {dict(item)!r}"[:300])
            # no "response": None, which verify() judges a parse_error rather than refusing here
            response = item.get("response")
            options = item.get("options") or {}
            return cls(name, response, item.get("reference"), options)  # type: ignore[arg-type]
        if isinstance(item, tuple) and 2 <= len(item) <= 4:
            return cls(*item)
        raise TypeError(f"cannot read a verification item from {type(item).__name__}")


def _verify_item(item: VerifyItem, registry: Registry) -> Verdict:
    return registry.verify(item.verifier, item.response, item.reference, **dict(item.options))


def _failure(item: VerifyItem, status: Status, reason: str) -> Verdict:
    return Verdict.failure(status, reason, verifier=item.verifier)


def _submit_all(
    items: Iterable[VerifyItem | Mapping[str, Any] | tuple[Any, ...]],
    timeout_s: float,
    workers: int | None,
    memory_mb: int | None,
    runner: BoundedRunner | None,
    registry: Registry | None,
) -> list[concurrent.futures.Future[Verdict]]:
    pool = runner or shared_runner(workers, memory_mb)
    coerced = [VerifyItem.coerce(raw) for raw in items]
    return submit_bounded(
        pool, _verify_item, coerced, _failure, timeout_s=timeout_s, registry=registry
    )


def verify_batch(
    items: Iterable[VerifyItem | Mapping[str, Any] | tuple[Any, ...]],
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    workers: int | None = None,
    memory_mb: int | None = 4096,
    runner: BoundedRunner | None = None,
    registry: Registry | None = None,
) -> list[Verdict]:
    """Verify every item in worker processes; one verdict per item, in order.

    Safe from any thread. ``timeout_s`` is a hard wall-clock limit per item;
    ``memory_mb`` caps each worker's address space. Without ``runner`` a
    process-wide pool of ``workers`` processes is created on first use and
    reused by later calls. An option a verifier does not know comes back as an
    ``error`` verdict naming it.
    """
    return gather(_submit_all(items, timeout_s, workers, memory_mb, runner, registry))


async def verify_batch_async(
    items: Iterable[VerifyItem | Mapping[str, Any] | tuple[Any, ...]],
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    workers: int | None = None,
    memory_mb: int | None = 4096,
    runner: BoundedRunner | None = None,
    registry: Registry | None = None,
) -> list[Verdict]:
    """The asyncio twin of ``verify_batch``: awaits without blocking the event loop."""
    return await gather_async(_submit_all(items, timeout_s, workers, memory_mb, runner, registry))
