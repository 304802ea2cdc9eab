"""Bounded execution: run verifications in worker processes with hard limits.

Reward code that hangs stalls a whole RL step, and ``signal.alarm`` timeouts
only work on the main thread of the main interpreter, which a reward server or
a trainer's thread pool never is. So every verification that could be slow
runs in a worker process that the parent kills (SIGKILL, whole process group)
when its wall-clock deadline passes. The caller gets a ``timeout`` verdict for
that item; the rest of the batch is unaffected and the dead worker is replaced.

Design, in one paragraph: one dispatcher thread per worker slot takes jobs from
a shared queue, sends each to its own worker over a pipe and waits with a
deadline. Results come back as ``concurrent.futures.Future`` objects, so the
runner is usable from any thread and, through ``asyncio.wrap_future``, from an
event loop without blocking it. Workers are forked from a forkserver (safe in
a threaded parent) that has preloaded the verifier modules, so replacing a
killed worker costs milliseconds, not an interpreter start-up.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from verifiers.core.registry import default_registry

_READY_TIMEOUT_S = 60.0
_SHUTDOWN = object()


@dataclass
class _Job:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    timeout_s: float
    on_timeout: Callable[[str], Any]
    on_error: Callable[[str], Any]
    future: concurrent.futures.Future[Any]
    attempts: int = 0


def _timeout_verdict(reason: str) -> Any:
    from verifiers.core.verdict import Status, Verdict

    return Verdict.failure(Status.TIMEOUT, reason)


def _error_verdict(reason: str) -> Any:
    from verifiers.core.verdict import Status, Verdict

    return Verdict.failure(Status.ERROR, reason)


def _limit_memory(memory_mb: int | None) -> None:
    if not memory_mb:
        return
    import resource

    limit = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker_main(conn: multiprocessing.connection.Connection, memory_mb: int | None) -> None:
    """Loop of a worker process: receive ``(fn, args, kwargs)``, send back the outcome."""
    os.setpgrp()  # so the parent can kill everything this worker started in one call
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _limit_memory(memory_mb)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            # multiprocessing ends a child with os._exit, skipping atexit: run the
            # handlers now so resources a verifier opened (warm sandbox jails,
            # pooled containers) are released when the worker is retired.
            atexit._run_exitfuncs()
            return
        fn, args, kwargs = message
        try:
            outcome: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except MemoryError:
            outcome = ("error", f"ran out of memory (cap {memory_mb} MB)")
        except BaseException as exc:  # report, never die silently
            outcome = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(outcome)
        except Exception as exc:  # an unpicklable result
            conn.send(("error", f"result could not be sent back: {type(exc).__name__}: {exc}"))


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: Any, memory_mb: int | None) -> None:
        self.conn, child_conn = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker_main, args=(child_conn, memory_mb), daemon=True)
        self.process.start()
        child_conn.close()
        self.tasks_done = 0
        if not self.conn.poll(_READY_TIMEOUT_S):
            self.kill()
            raise RuntimeError("verification worker did not start in time")
        _, self.pid = self.conn.recv()

    def kill(self) -> None:
        pid = self.process.pid
        if pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.join(timeout=5)
        self.conn.close()


class BoundedRunner:
    """A pool of worker processes that enforces a wall-clock limit per job.

    ``workers`` processes run jobs in parallel; each job may take at most its
    ``timeout_s`` from the moment a worker starts it. ``memory_mb`` caps the
    address space of each worker (one job at a time, so it is a per-job cap);
    a job that exceeds it fails with a reason instead of taking the host down.
    ``max_tasks_per_worker`` recycles workers so caches (sympy's) cannot grow
    without bound.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        memory_mb: int | None = 4096,
        max_tasks_per_worker: int = 2000,
        preload: Sequence[str] | None = None,
    ) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.memory_mb = memory_mb
        self.max_tasks_per_worker = max_tasks_per_worker
        self._ctx = multiprocessing.get_context("forkserver")
        with contextlib.suppress(Exception):
            # Imported once in the forkserver so that a worker replacing a killed one starts
            # with the verifiers (and sympy) loaded: a fresh sympy import costs ~0.5 s of the
            # next item's time limit. Default: what the verifier records ask for; missing
            # modules are skipped by the forkserver.
            modules = preload if preload is not None else default_registry.preload_modules()
            self._ctx.set_forkserver_preload(list(modules))
        self._jobs: queue.Queue[Any] = queue.Queue()
        self._slots: list[_Worker | None] = [None] * self.workers
        self._busy = 0
        self._lock = threading.Lock()
        self._closed = False
        self.restarts = 0
        self._threads = [
            threading.Thread(target=self._dispatch, args=(i,), daemon=True, name=f"bounded-{i}")
            for i in range(self.workers)
        ]
        for thread in self._threads:
            thread.start()

    # -- public API ---------------------------------------------------------------------

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        timeout_s: float,
        on_timeout: Callable[[str], Any] = _timeout_verdict,
        on_error: Callable[[str], Any] = _error_verdict,
        **kwargs: Any,
    ) -> concurrent.futures.Future[Any]:
        """Schedule ``fn(*args, **kwargs)`` in a worker; never blocks.

        ``fn`` must be importable (a module-level function). When the job runs
        past ``timeout_s`` the future resolves to ``on_timeout(reason)``; when
        the worker raises or dies twice, to ``on_error(reason)``. The future
        itself never raises for a misbehaving job.
        """
        if self._closed:
            raise RuntimeError("BoundedRunner is closed")
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._jobs.put(_Job(fn, args, kwargs, timeout_s, on_timeout, on_error, future))
        return future

    def queue_depth(self) -> int:
        """Jobs waiting for a worker (for metrics and back-pressure)."""
        return self._jobs.qsize()

    def busy(self) -> int:
        """Jobs currently running in a worker."""
        return self._busy

    def worker_pids(self) -> list[int]:
        """PIDs of the live workers (tests kill them from outside)."""
        return [w.pid for w in self._slots if w is not None and w.process.is_alive()]

    def warm_up(self) -> None:
        """Start every worker now instead of on the first job."""
        futures = [self.submit(os.getpid, timeout_s=_READY_TIMEOUT_S) for _ in range(self.workers)]
        concurrent.futures.wait(futures)

    def close(self) -> None:
        """Stop the dispatchers and kill the workers; queued jobs resolve as errors."""
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._jobs.put(_SHUTDOWN)
        for thread in self._threads:
            thread.join(timeout=10)
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not _SHUTDOWN and job.future.set_running_or_notify_cancel():
                job.future.set_result(job.on_error("runner closed before the job ran"))

    def __enter__(self) -> BoundedRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- dispatch -----------------------------------------------------------------------

    def _dispatch(self, slot: int) -> None:
        while True:
            job = self._jobs.get()
            if job is _SHUTDOWN:
                self._retire(slot)
                return
            if not job.future.set_running_or_notify_cancel():
                continue
            with self._lock:
                self._busy += 1
            try:
                job.future.set_result(self._run(slot, job))
            except BaseException as exc:  # the runner itself failed: still answer
                job.future.set_result(job.on_error(f"runner failure: {type(exc).__name__}: {exc}"))
            finally:
                with self._lock:
                    self._busy -= 1

    def _run(self, slot: int, job: _Job) -> Any:
        while True:
            worker = self._worker(slot)
            job.attempts += 1
            try:
                worker.conn.send((job.fn, job.args, job.kwargs))
            except Exception as exc:
                if isinstance(exc, (BrokenPipeError, EOFError, ConnectionError)):
                    self._replace(slot)
                    if job.attempts < 2:
                        continue
                return job.on_error(f"could not send the job: {type(exc).__name__}: {exc}")
            if not worker.conn.poll(job.timeout_s):
                self._replace(slot)
                return job.on_timeout(f"killed at the time limit of {job.timeout_s:g}s")
            try:
                kind, value = worker.conn.recv()
            except (EOFError, OSError):
                # The worker died under the job (killed from outside, or a hard
                # crash). Replace it and run the job once more before giving up.
                self._replace(slot)
                if job.attempts < 2:
                    continue
                return job.on_error("worker process died twice while running this job")
            worker.tasks_done += 1
            if worker.tasks_done >= self.max_tasks_per_worker:
                self._retire(slot)
            return value if kind == "ok" else job.on_error(value)

    def _worker(self, slot: int) -> _Worker:
        worker = self._slots[slot]
        if worker is None or not worker.process.is_alive():
            if worker is not None:
                worker.kill()
                self.restarts += 1
            worker = self._slots[slot] = _Worker(self._ctx, self.memory_mb)
        return worker

    def _replace(self, slot: int) -> None:
        worker = self._slots[slot]
        if worker is not None:
            worker.kill()
            self.restarts += 1
        self._slots[slot] = None

    def _retire(self, slot: int) -> None:
        worker = self._slots[slot]
        self._slots[slot] = None
        if worker is not None:
            with contextlib.suppress(Exception):
                worker.conn.send(None)
            worker.process.join(timeout=1)
            worker.kill()


_SHARED: dict[tuple[int, int | None], BoundedRunner] = {}
_SHARED_LOCK = threading.Lock()


def shared_runner(workers: int | None = None, memory_mb: int | None = 4096) -> BoundedRunner:
    """A process-wide runner per (workers, memory cap), created on first use."""
    key = (max(1, workers or os.cpu_count() or 1), memory_mb)
    with _SHARED_LOCK:
        runner = _SHARED.get(key)
        if runner is None or runner._closed:
            runner = _SHARED[key] = BoundedRunner(key[0], memory_mb=memory_mb)
        return runner


@atexit.register
def _close_shared() -> None:
    for runner in list(_SHARED.values()):
        runner.close()
    _SHARED.clear()
