"""``verify_batch``: many verifications at once, each bounded in time and memory.

This is the entry point the reward server and curation use. It accepts the
items in whatever shape a caller has at hand (``VerifyItem``, a dict or a
tuple), runs them on a ``BoundedRunner`` and returns one ``Verdict`` per item,
in order, always: a stuck item comes back as ``status="timeout"``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Iterable, Mapping
from typing import Any

from verifiers.core.registry import custom_entries, install, verify
from verifiers.core.runner import BoundedRunner, shared_runner
from verifiers.core.verdict import Status, Verdict

DEFAULT_TIMEOUT_S = 5.0


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
            return cls(name, item.get("response"), item.get("reference"), item.get("options") or {})
        if isinstance(item, tuple) and 2 <= len(item) <= 4:
            return cls(*item)
        raise TypeError(f"cannot read a verification item from {type(item).__name__}")


def _run_item(item: VerifyItem, registrations: dict[str, Any]) -> Verdict:
    install(registrations)
    return verify(item.verifier, item.response, item.reference, **dict(item.options))


def _failure(verifier: str, status: Status, reason: str) -> Verdict:
    return Verdict.failure(status, reason, verifier=verifier)


def _submit_all(
    items: Iterable[VerifyItem | Mapping[str, Any] | tuple[Any, ...]],
    timeout_s: float,
    workers: int | None,
    memory_mb: int | None,
    runner: BoundedRunner | None,
) -> list[Any]:
    pool = runner or shared_runner(workers, memory_mb)
    registrations = custom_entries()
    futures = []
    for raw in items:
        item = VerifyItem.coerce(raw)
        futures.append(
            pool.submit(
                _run_item,
                item,
                registrations,
                timeout_s=timeout_s,
                on_timeout=functools.partial(_failure, item.verifier, Status.TIMEOUT),
                on_error=functools.partial(_failure, item.verifier, Status.ERROR),
            )
        )
    return futures


def verify_batch(
    items: Iterable[VerifyItem | Mapping[str, Any] | tuple[Any, ...]],
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    workers: int | None = None,
    memory_mb: int | None = 4096,
    runner: BoundedRunner | None = None,
) -> list[Verdict]:
    """Verify every item in worker processes; one verdict per item, in order.

    Safe from any thread. ``timeout_s`` is a hard wall-clock limit per item;
    ``memory_mb`` caps each worker's address space. Without ``runner`` a
    process-wide pool of ``workers`` processes is created on first use and
    reused by later calls.
    """
    return [f.result() for f in _submit_all(items, timeout_s, workers, memory_mb, runner)]


async def verify_batch_async(
    items: Iterable[VerifyItem | Mapping[str, Any] | tuple[Any, ...]],
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    workers: int | None = None,
    memory_mb: int | None = 4096,
    runner: BoundedRunner | None = None,
) -> list[Verdict]:
    """The asyncio twin of ``verify_batch``: awaits without blocking the event loop."""
    futures = _submit_all(items, timeout_s, workers, memory_mb, runner)
    return list(await asyncio.gather(*(asyncio.wrap_future(f) for f in futures)))
