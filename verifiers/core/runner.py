"""Bounded execution: run verifications in worker processes with hard limits.

Reward code that hangs stalls a whole RL step, and ``signal.alarm`` timeouts
only work on the main thread of the main interpreter, which a reward server or
a trainer's thread pool never is. So every verification that could be slow
runs in a worker process that the parent kills (SIGKILL, whole process group)
when its wall-clock deadline passes. The caller gets a ``timeout`` verdict for
that item; the rest of the batch is unaffected and the dead worker is replaced.

Design: jobs wait in a fair queue (``verifiers.core.fair_queue``): each job
belongs to a group (a request, a client) and groups are served by expected
cost, so one request's forty endless programs cannot hold back another
request's single math item by more than one fair share. A job may carry a
deadline that counts its time in the queue: a job that cannot start before it
answers ``timeout`` ("queued past the deadline") at the deadline itself.

One dispatcher thread per worker slot takes a small batch of jobs (several
only while the queue is deep, never more than a fraction of a second of
expected work), sends it to its worker in one message and reads the results as
they stream back, several per read when they piled up (the dispatcher naps
while a batch runs: a wake-up per result is the parent's largest cost). Each
job keeps its own limit: the worker runs the batch in order and stamps each
result with when the job ended, so job ``i`` starts when job ``i-1`` ended and
is killed ``timeout_s`` after that. Every wait has a deadline: the send (a frozen worker
that stops reading its pipe), the worker's start (a frozen forkserver is
killed and replaced) and each result. A job whose worker was stuck (frozen,
not reading) is re-run once on a fresh worker before it is scored: a fault on
our side must not cost a correct answer its reward.

Results come back as ``concurrent.futures.Future`` objects, so the runner is
usable from any thread and, through ``asyncio.wrap_future``, from an event loop
without blocking it. Workers are forked from a forkserver (safe in a threaded
parent) that has preloaded the verifier modules, so replacing a killed worker
costs milliseconds, not an interpreter start-up.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import select
import signal
import struct
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from multiprocessing.reduction import ForkingPickler
from typing import Any

from verifiers.core.fair_queue import FairQueue, Job
from verifiers.core.registry import default_registry

logger = logging.getLogger(__name__)

_READY_TIMEOUT_S = 60.0
# A batch sent to one worker holds at most this much expected work and this many
# jobs: enough to amortise the pipe round trip of cheap items, small enough that
# fairness and per-item deadlines stay fine-grained.
BATCH_COST_S = 0.05
BATCH_MAX_JOBS = 16
# Expected seconds of a job whose caller gave no cost: a cheap verification (math, format).
DEFAULT_COST_S = 0.005
QUEUED_PAST_DEADLINE = "queued past the deadline"
# While a batch runs, the dispatcher sleeps through this share of the time its remaining jobs
# would take at the pace of its quickest job so far, then takes the results that piled up in
# one read (a wake-up per result costs the parent more than the result itself). Naps shorter
# than MIN_NAP_S are not worth a timer; none is longer than MAX_NAP_S, which bounds how late a
# finished result is handed over (at 50 wake-ups a second a dispatcher costs nothing).
COALESCE_SHARE = 0.8
MIN_NAP_S = 0.0005
MAX_NAP_S = 0.02
FORKSERVER_BOOT_S = 60.0


def _timeout_verdict(reason: str) -> Any:
    from verifiers.core.verdict import Status, Verdict

    return Verdict.failure(Status.TIMEOUT, reason)


def _error_verdict(reason: str) -> Any:
    from verifiers.core.verdict import Status, Verdict

    return Verdict.failure(Status.ERROR, reason)


def _limit_memory(memory_mb: int | None) -> str | None:
    """Cap the address space; the reason when the cap was refused (None when set or off)."""
    if not memory_mb:
        return None
    import resource

    limit = memory_mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError) as exc:
        return f"RLIMIT_AS of {memory_mb} MB refused: {type(exc).__name__}: {exc}"
    return None


def _worker_main(conn: multiprocessing.connection.Connection, memory_mb: int | None) -> None:
    """Loop of a worker: receive a batch of ``(fn, args, kwargs, deadline)``, stream outcomes."""
    os.setpgrp()  # so the parent can kill everything this worker started in one call
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    refused = _limit_memory(memory_mb)
    conn.send(("ready", os.getpid(), refused))
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
        for fn, args, kwargs, deadline in message:
            if deadline is not None and time.monotonic() >= deadline:
                _send_outcome(conn, "expired", None)  # CLOCK_MONOTONIC is system-wide on Linux
                continue
            try:
                outcome: tuple[str, Any] = ("ok", fn(*args, **kwargs))
            except MemoryError:
                outcome = ("error", f"ran out of memory (cap {memory_mb} MB)")
            except BaseException as exc:  # report, never die silently
                outcome = ("error", f"{type(exc).__name__}: {exc}")
            _send_outcome(conn, *outcome)


def _send_outcome(conn: multiprocessing.connection.Connection, kind: str, value: Any) -> None:
    """Send one job's outcome the moment it is ready, stamped with when the job ended.

    Each result leaves the worker at once (holding cheap results back to send
    several per message would let a hang that holds the GIL keep finished
    results in the worker, and the parent could not tell which job hung); the
    parent may read several at once. The stamp (``time.monotonic()``, the same
    clock in every process on Linux) is when the next job starts, so the parent
    measures that job's limit from it even when it reads the result late.
    """
    ended = time.monotonic()
    try:
        data = ForkingPickler.dumps((kind, value, ended))
    except Exception as exc:  # an unpicklable result
        reason = f"result could not be sent back: {type(exc).__name__}: {exc}"
        data = ForkingPickler.dumps(("error", reason, ended))
    conn.send_bytes(data)


class _Frames:
    """The parent's reader of a worker's results: every complete message already sent.

    ``Connection.poll`` plus ``recv_bytes`` costs a selector, two reads and
    their Python wrappers per result; this keeps one ``poll`` object per worker
    and takes whatever the worker has written in one read, so results that
    finished together cost the parent one wake-up. The framing is
    ``Connection.send_bytes``'s (a 4-byte big-endian length, or -1 and 8 bytes).
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()
        self.poller = select.poll()
        self.poller.register(fd, select.POLLIN)

    def read(self, deadline: float) -> list[bytes]:
        """The complete messages available by ``deadline`` (at least one unless it passed);
        raises ``EOFError`` when the worker closed its end."""
        while True:
            frames = self._split()
            if frames:
                return frames
            left = deadline - time.monotonic()
            # Looked at once even when the deadline has passed: a result that arrived in
            # time is taken, however late this thread got to look.
            if not self.poller.poll(max(0, int(left * 1000) + 1) if left > 0 else 0):
                if time.monotonic() < deadline:
                    continue  # woken early (a signal, rounding): wait out the rest
                return []
            data = os.read(self.fd, 1 << 16)
            if not data:
                raise EOFError
            self.buffer += data

    def _split(self) -> list[bytes]:
        frames = []
        buffer = self.buffer
        at = 0
        while len(buffer) - at >= 4:
            (size,) = struct.unpack_from("!i", buffer, at)
            head = 4
            if size == -1:
                if len(buffer) - at < 12:
                    break
                (size,) = struct.unpack_from("!Q", buffer, at + 4)
                head = 12
            if len(buffer) - at - head < size:
                break
            frames.append(bytes(buffer[at + head : at + head + size]))
            at += head + size
        if at:
            del buffer[:at]
        return frames


def _process_state(pid: int) -> str:
    """The kernel's one-letter state of ``pid`` ('R', 'S', 'T' stopped, 'Z'...), '' if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
        return stat[stat.rindex(b")") + 2 :].split(b" ", 1)[0].decode()
    except (OSError, ValueError):
        return ""


def _forkserver_pid() -> int | None:
    from multiprocessing import forkserver

    return getattr(forkserver._forkserver, "_forkserver_pid", None)


def _kill_forkserver() -> None:
    """Kill a forkserver that stopped answering; multiprocessing starts a new one on demand."""
    pid = _forkserver_pid()
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)
    # multiprocessing restarts it only once waitpid(WNOHANG) sees it dead: wait for that.
    give_up = time.monotonic() + 5
    while _process_state(pid) not in ("Z", "X", "") and time.monotonic() < give_up:
        time.sleep(0.01)


_GC_PAUSE_LOCK = threading.Lock()
_gc_pauses = 0
_gc_resume = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector off while a bulk submission allocates.

    Queuing thousands of jobs allocates tens of thousands of objects that all
    stay alive (no cycles to find), and each time the allocation count crosses
    the collector's threshold it traverses them, and now and then the whole
    heap: measured, that was 60-80 % of ``submit_many``. Nested and concurrent
    pauses are counted; the collector runs again (if it ran before) when the
    last one ends.
    """
    global _gc_pauses, _gc_resume
    with _GC_PAUSE_LOCK:
        if _gc_pauses == 0:
            _gc_resume = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _GC_PAUSE_LOCK:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_resume:
                gc.enable()


def _new_job(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    timeout_s: float,
    on_timeout: Callable[[str], Any],
    on_error: Callable[[str], Any],
    group: Hashable,
    cost_s: float | None,
    deadline: float | None,
) -> Job:
    """A queued call with a fresh future; its expected cost (default ``DEFAULT_COST_S``)
    never exceeds its own limit, which is the most it can take."""
    cost = cost_s if cost_s is not None else DEFAULT_COST_S
    future: concurrent.futures.Future[Any] = concurrent.futures.Future()
    return Job(
        fn,
        args,
        kwargs,
        timeout_s,
        on_timeout,
        on_error,
        future,
        group,
        min(cost, timeout_s),
        deadline,
    )


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: Any, memory_mb: int | None, start_timeout_s: float) -> None:
        self.conn, child_conn = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker_main, args=(child_conn, memory_mb), daemon=True)
        self.tasks_done = 0
        self.pid = 0
        self.memory_note: str | None = None
        # Process.start() asks the forkserver for a child and blocks while it does not
        # answer (a stopped forkserver): start it on a helper thread and give up in time.
        started: list[BaseException | None] = []
        starter = threading.Thread(
            target=self._start, args=(started,), daemon=True, name="bounded-start"
        )
        begin = time.monotonic()
        starter.start()
        starter.join(start_timeout_s)
        child_conn.close()
        if not started:
            _kill_forkserver()  # unblocks the starter; the next start gets a fresh one
            starter.join(5)
            self.kill()
            raise RuntimeError(
                f"the forkserver did not start a verification worker within {start_timeout_s:g}s"
                " (it was killed and will be restarted)"
            )
        if started[0] is not None:
            self.kill()
            raise RuntimeError(f"could not start a verification worker: {started[0]}")
        left = max(0.0, start_timeout_s - (time.monotonic() - begin))
        if not self.conn.poll(left):
            self.kill()
            raise RuntimeError(f"verification worker did not get ready within {start_timeout_s:g}s")
        _, self.pid, self.memory_note = self.conn.recv()
        self.frames = _Frames(self.conn.fileno())

    def _start(self, started: list[BaseException | None]) -> None:
        try:
            self.process.start()
            started.append(None)
        except BaseException as exc:
            started.append(exc)

    def send(self, payload: bytes, deadline: float) -> bool:
        """Write one framed message before ``deadline``; False when the worker stopped reading.

        ``Connection.send`` blocks without a limit once the 64 KiB pipe buffer is
        full; this writes in non-blocking chunks and gives up at the deadline.
        """
        fd = self.conn.fileno()
        data = memoryview(struct.pack("!i", len(payload)) + payload)
        os.set_blocking(fd, False)
        try:
            while data:
                try:
                    written = os.write(fd, data)
                    data = data[written:]
                    continue
                except BlockingIOError:
                    pass
                except OSError:  # the worker is gone (broken pipe)
                    return False
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                select.select([], [fd], [], left)
        finally:
            os.set_blocking(fd, True)
        return True

    def alive(self) -> bool:
        # Not Process.is_alive(): a forkserver child's exit is reported by the forkserver,
        # which may be the thing that froze.
        return _process_state(self.process.pid or 0) not in ("Z", "X", "")

    def stuck(self) -> bool:
        """The worker is frozen (stopped, traced) or dead rather than busy with the job."""
        return _process_state(self.process.pid or 0) in ("T", "t", "Z", "X", "")

    def kill(self) -> None:
        pid = self.process.pid
        if pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                self.process.join(timeout=0.5)
        self.conn.close()


class _WorkerLost(Exception):
    """The worker died or froze under ``job``; ``stuck`` says it was not the job's fault."""

    def __init__(self, job: Job, stuck: bool) -> None:
        self.job = job
        self.stuck = stuck


class BoundedRunner:
    """A pool of worker processes that enforces a wall-clock limit per job.

    ``workers`` processes run jobs in parallel; each job may take at most its
    ``timeout_s`` from the moment a worker starts it, and never past its
    ``deadline`` (a ``time.monotonic()`` value that counts queue time).
    ``memory_mb`` caps the address space of each worker (one job at a time, so
    it is a per-job cap); a job that exceeds it fails with a reason instead of
    taking the host down. ``max_tasks_per_worker`` recycles workers so caches
    (sympy's) cannot grow without bound. ``start_timeout_s`` bounds starting a
    worker.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        memory_mb: int | None = 4096,
        max_tasks_per_worker: int = 2000,
        preload: Sequence[str] | None = None,
        start_timeout_s: float = 20.0,
        batch_cost_s: float = BATCH_COST_S,
        reap_interval_s: float = 5.0,
    ) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.memory_mb = memory_mb
        self.max_tasks_per_worker = max_tasks_per_worker
        self.start_timeout_s = start_timeout_s
        self.batch_cost_s = batch_cost_s
        self._ctx = multiprocessing.get_context("forkserver")
        with contextlib.suppress(Exception):
            # Imported once in the forkserver so that a worker replacing a killed one starts
            # with the verifiers (and sympy) loaded: a fresh sympy import costs ~0.5 s of the
            # next item's time limit. Default: what the verifier records ask for; missing
            # modules are skipped by the forkserver.
            modules = preload if preload is not None else default_registry.preload_modules()
            self._ctx.set_forkserver_preload(list(modules))
        self._queue = FairQueue(on_expired=self._expire)
        self._slots: list[_Worker | None] = [None] * self.workers
        self._busy = 0
        self._lock = threading.Lock()
        self._closed = False
        self.restarts = 0
        self.reruns = 0
        self.start_failures = 0
        self.forkserver_restarts = 0
        self._known_forkserver: int | None = None
        # Workers killed here (their sandboxes outlive them until reaped) and every pid seen.
        self._killed: set[int] = set()
        self._seen: set[int] = set()
        self._reap_lock = threading.Lock()
        self._last_reap = 0.0
        self.reap_interval_s = reap_interval_s
        self.completed = 0
        self.last_progress = time.monotonic()
        self.last_start_error: tuple[float, str] | None = None
        self.memory_cap_refused: str | None = None
        # Called with (group, seconds waited in the queue) when a job starts.
        self.wait_observer: Callable[[Hashable, float], None] | None = None
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
        group: Hashable = None,
        deadline: float | None = None,
        cost_s: float | None = None,
        **kwargs: Any,
    ) -> concurrent.futures.Future[Any]:
        """Schedule ``fn(*args, **kwargs)`` in a worker; never blocks.

        ``fn`` must be importable (a module-level function). When the job runs
        past ``timeout_s`` the future resolves to ``on_timeout(reason)``; when
        the worker raises or dies twice, to ``on_error(reason)``. The future
        itself never raises for a misbehaving job. ``group`` names who the job
        is for (fair share), ``cost_s`` its expected run time (default:
        ``DEFAULT_COST_S``, a cheap verification) and ``deadline`` the
        ``time.monotonic()`` by which it must have finished, queue included.
        """
        if self._closed:
            raise RuntimeError("BoundedRunner is closed")
        job = _new_job(fn, args, kwargs, timeout_s, on_timeout, on_error, group, cost_s, deadline)
        self._queue.put(job)
        return job.future

    def submit_many(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple[Any, ...]],
        *,
        timeout_s: float,
        on_timeout: Sequence[Callable[[str], Any]] | None = None,
        on_error: Sequence[Callable[[str], Any]] | None = None,
        group: Hashable = None,
        deadline: float | None = None,
        costs_s: Sequence[float] | None = None,
    ) -> list[concurrent.futures.Future[Any]]:
        """``submit(fn, *args)`` for each ``args`` in ``calls``, queued at once.

        The same contract as ``submit``, with one callback and cost per call;
        a batch of thousands takes the queue's lock and wakes the dispatchers
        once instead of once per item (the parent's CPU per item is the
        ceiling of the whole pool).
        """
        if self._closed:
            raise RuntimeError("BoundedRunner is closed")
        with gc_paused():
            jobs = [
                _new_job(
                    fn,
                    args,
                    {},
                    timeout_s,
                    on_timeout[i] if on_timeout is not None else _timeout_verdict,
                    on_error[i] if on_error is not None else _error_verdict,
                    group,
                    costs_s[i] if costs_s is not None else None,
                    deadline,
                )
                for i, args in enumerate(calls)
            ]
        self._queue.put_many(jobs)
        return [job.future for job in jobs]

    def queue_depth(self) -> int:
        """Jobs waiting for a worker (for metrics and back-pressure)."""
        return len(self._queue)

    def oldest_wait_s(self) -> float:
        """Age of the oldest job still waiting for a worker (0 when none waits)."""
        return self._queue.oldest_age()

    def busy(self) -> int:
        """Jobs currently running in a worker."""
        return self._busy

    def worker_pids(self) -> list[int]:
        """PIDs of the live workers (tests kill them from outside)."""
        return [w.pid for w in self._slots if w is not None and w.alive()]

    def stalled_s(self) -> float:
        """How long jobs have waited without any job finishing (0 when idle or moving)."""
        if len(self._queue) == 0 and self._busy == 0:
            return 0.0
        return time.monotonic() - self.last_progress

    def warm_up(self) -> None:
        """Start every worker now instead of on the first job."""
        futures = [
            self.submit(os.getpid, timeout_s=_READY_TIMEOUT_S, group=("warm-up", i))
            for i in range(self.workers)
        ]
        concurrent.futures.wait(futures)

    def close(self) -> None:
        """Stop the dispatchers and kill the workers; queued jobs resolve as errors."""
        if self._closed:
            return
        self._closed = True
        for job in self._queue.close():
            self._resolve(job, job.on_error("runner closed before the job ran"))
        for thread in self._threads:
            thread.join(timeout=10)
        if self.reap_interval_s > 0:
            self.reap(everything=True)

    def __enter__(self) -> BoundedRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- dispatch -----------------------------------------------------------------------

    @staticmethod
    def _resolve(job: Job, value: Any) -> None:
        with contextlib.suppress(concurrent.futures.InvalidStateError, RuntimeError):
            if job.future.running() or job.future.set_running_or_notify_cancel():
                job.future.set_result(value)

    def _expire(self, job: Job) -> None:
        self._resolve(job, job.on_timeout(QUEUED_PAST_DEADLINE))

    def _dispatch(self, slot: int) -> None:
        while True:
            batch = self._queue.take(self.batch_cost_s, BATCH_MAX_JOBS, self.workers)
            if batch is None:
                self._retire(slot)
                return
            # A re-queued job's future is already running; a cancelled one is skipped.
            batch = [
                job
                for job in batch
                if job.future.running() or job.future.set_running_or_notify_cancel()
            ]
            if not batch:
                continue
            observer = self.wait_observer
            if observer is not None:
                now = time.monotonic()
                for job in batch:
                    with contextlib.suppress(Exception):
                        observer(job.group, now - job.submitted)
            with self._lock:
                self._busy += len(batch)
            try:
                self._run_batch(slot, batch)
            except BaseException as exc:  # the runner itself failed: still answer
                for job in batch:
                    if not job.future.done():
                        reason = f"runner failure: {type(exc).__name__}: {exc}"
                        job.future.set_result(job.on_error(reason))
            finally:
                with self._lock:
                    self._busy -= len(batch)

    def _run_batch(self, slot: int, batch: list[Job]) -> None:
        """Run ``batch`` on the slot's worker, re-running jobs a lost worker took down."""
        while batch:
            now = time.monotonic()
            runnable = []
            for job in batch:
                if job.future.done():
                    continue
                if job.deadline is not None and now >= job.deadline:
                    job.future.set_result(job.on_timeout(QUEUED_PAST_DEADLINE))
                else:
                    runnable.append(job)
            if not runnable:
                return
            batch = runnable
            chunk = batch
            try:
                worker = self._worker(slot, chunk[0])
            except Exception as exc:
                self.start_failures += 1
                self.last_start_error = (time.monotonic(), str(exc))
                logger.error("%s", exc)
                for job in batch:
                    job.future.set_result(job.on_error(str(exc)))
                return
            try:
                self._stream(worker, chunk)
                worker.tasks_done += len(chunk)
                if worker.tasks_done >= self.max_tasks_per_worker:
                    self._retire(slot)
                batch = batch[len(chunk) :]
                continue
            except _WorkerLost as lost:
                self._replace(slot)
                job = lost.job
                pending = [j for j in batch if not j.future.done()]
                if lost.stuck:
                    job.attempts += 1
                    if job.attempts < 2:
                        self.reruns += 1
                        batch = pending
                        continue
                    job.future.set_result(
                        job.on_error("worker process died or froze twice while running this job")
                    )
                else:
                    job.future.set_result(
                        job.on_timeout(f"killed at the time limit of {job.timeout_s:g}s")
                    )
                    # The rest of the batch goes back to the queue: holding it here would
                    # make one request's endless items cost others a batch of limits.
                    rest = [j for j in pending if j is not job]
                    try:
                        self._queue.requeue(rest)
                    except RuntimeError:  # closing
                        for j in rest:
                            j.future.set_result(j.on_error("runner closed before the job ran"))
                    return
                batch = [j for j in pending if j is not job]

    def _limit(self, job: Job, start: float) -> float:
        limit = job.timeout_s
        if job.deadline is not None:
            limit = min(limit, job.deadline - start)
        return max(0.0, limit)

    def _stream(self, worker: _Worker, batch: list[Job]) -> None:
        """Send the batch, then read each job's outcome within that job's own limit.

        Job ``i`` starts when job ``i-1`` ends (the worker's stamp on its result),
        so its limit counts from there even when the parent reads results late.
        """
        message, batch = self._encode(batch)
        if not batch:
            return
        start = time.monotonic()
        if not worker.send(message, start + self._limit(batch[0], start)):
            raise _WorkerLost(batch[0], stuck=True)
        i = 0
        fastest = float("inf")  # the shortest job of this batch so far (worker stamps)
        while i < len(batch):
            job = batch[i]
            deadline = start + self._limit(job, start)
            left = len(batch) - i
            if left > 1 and fastest < float("inf"):
                # Let the results of the jobs expected to end meanwhile pile up and take
                # them in one wake-up; never past this job's deadline, never longer than
                # the rest would take if each were as quick as the quickest yet (so the
                # worker does not sit idle with its batch done).
                nap = min(
                    COALESCE_SHARE * (left - 1) * fastest, MAX_NAP_S, deadline - time.monotonic()
                )
                if nap >= MIN_NAP_S:
                    time.sleep(nap)
            try:
                frames = worker.frames.read(deadline)
            except (EOFError, OSError):
                # Killed from outside or a hard crash: not the job's fault, run it again.
                raise _WorkerLost(job, stuck=True) from None
            if not frames:
                raise _WorkerLost(job, stuck=worker.stuck())
            for raw in frames:
                kind, value, ended = pickle.loads(raw)
                fastest = min(fastest, ended - start)
                start = ended
                job = batch[i]
                i += 1
                if kind == "ok":
                    job.future.set_result(value)
                elif kind == "expired":
                    job.future.set_result(job.on_timeout(QUEUED_PAST_DEADLINE))
                else:
                    job.future.set_result(job.on_error(value))
            self.completed += len(frames)
            self.last_progress = time.monotonic()

    @staticmethod
    def _encode(batch: list[Job]) -> tuple[bytes, list[Job]]:
        """One pickled message for the batch (shared specs are pickled once) and the jobs in
        it; a job that cannot be pickled fails on its own and is left out."""
        payload = [(j.fn, j.args, j.kwargs, j.deadline) for j in batch]
        try:
            return bytes(ForkingPickler.dumps(payload)), batch
        except Exception:
            good, sent = [], []
            for job, entry in zip(batch, payload, strict=True):
                try:
                    ForkingPickler.dumps(entry)
                    good.append(entry)
                    sent.append(job)
                except Exception as exc:
                    job.future.set_result(
                        job.on_error(f"could not send the job: {type(exc).__name__}: {exc}")
                    )
            return (bytes(ForkingPickler.dumps(good)) if good else b""), sent

    def _worker(self, slot: int, job: Job) -> _Worker:
        worker = self._slots[slot]
        if worker is not None and worker.alive():
            return worker
        if worker is not None:
            worker.kill()
            self.restarts += 1
            self._slots[slot] = None
        try:
            worker = _Worker(self._ctx, self.memory_mb, self._start_bound())
        except RuntimeError as exc:
            self.forkserver_restarts += 1
            logger.warning("%s; trying once more", exc)
            # One more try on a fresh forkserver (it boots and preloads first), within the
            # job's deadline when it has one.
            budget = max(self.start_timeout_s, FORKSERVER_BOOT_S)
            if job.deadline is not None:
                budget = min(budget, job.deadline - time.monotonic())
            if budget <= 0.5:
                raise
            worker = _Worker(self._ctx, self.memory_mb, budget)
        self._known_forkserver = _forkserver_pid()
        self._seen.add(worker.pid)
        if worker.memory_note and worker.memory_note != self.memory_cap_refused:
            logger.warning("verification worker memory cap not applied: %s", worker.memory_note)
        self.memory_cap_refused = worker.memory_note
        self._slots[slot] = worker
        return worker

    def _start_bound(self) -> float:
        """``start_timeout_s``, or the longer boot bound when a new forkserver must first
        start and preload the verifiers (sympy alone takes seconds on a loaded host)."""
        fresh = _forkserver_pid() is None or _forkserver_pid() != self._known_forkserver
        return max(self.start_timeout_s, FORKSERVER_BOOT_S) if fresh else self.start_timeout_s

    def _replace(self, slot: int) -> None:
        worker = self._slots[slot]
        if worker is not None:
            worker.kill()
            self.restarts += 1
            self._killed.add(worker.pid)
            self._reap_soon()
        self._slots[slot] = None

    def _reap_soon(self) -> None:
        """Remove killed workers' sandboxes off the dispatch path, at most every few seconds."""
        if self.reap_interval_s <= 0 or time.monotonic() - self._last_reap < self.reap_interval_s:
            return
        self._last_reap = time.monotonic()
        threading.Thread(target=self.reap, daemon=True, name="bounded-reap").start()

    def reap(self, *, everything: bool = False) -> int:
        """Remove the sandboxes of killed workers (``everything``: of every worker seen)."""
        from verifiers.core.reaping import reap_worker_sandboxes

        with self._reap_lock:
            pids = set(self._killed) | (self._seen if everything else set())
            self._killed -= pids
            return reap_worker_sandboxes(pids) if pids else 0

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
