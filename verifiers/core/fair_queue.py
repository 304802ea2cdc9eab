"""The bounded runner's queue: fair across groups, by expected cost, with queue deadlines.

A single FIFO lets one request of forty endless programs hold back every
request behind it for minutes. Here each job belongs to a group (a request, a
client) and groups are served in start-time fair order: a group's virtual time
grows by the expected cost of each job it gets, the group with the smallest
virtual time goes next, and a group that (re)appears starts at the current
virtual time (no credit for having been idle). With equal costs this is plain
round robin; a group of cheap math items gets many turns for each turn of a
group of expensive code items. Within a group, jobs keep their order.

A job may carry a deadline (``time.monotonic()``) that counts its time in the
queue: a timer thread answers a job still queued at its deadline through
``on_expired``, at the deadline, not whenever a worker would have reached it.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any


@dataclasses.dataclass(eq=False, slots=True)
class Job:
    """One call to run in a worker, with its limits and who it is for."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    timeout_s: float
    on_timeout: Callable[[str], Any]
    on_error: Callable[[str], Any]
    future: concurrent.futures.Future[Any]
    group: Hashable = None
    cost_s: float = 0.0
    deadline: float | None = None
    submitted: float = dataclasses.field(default_factory=time.monotonic)
    attempts: int = 0
    queued: bool = True


@dataclasses.dataclass(eq=False)
class _Group:
    vtime: float
    jobs: deque[Job] = dataclasses.field(default_factory=deque)


class FairQueue:
    """Jobs by group in fair order; ``take`` blocks until there is work or the queue closes."""

    def __init__(self, on_expired: Callable[[Job], None]) -> None:
        lock = threading.Lock()
        self._work = threading.Condition(lock)
        self._timer = threading.Condition(lock)
        self._groups: dict[Hashable, _Group] = {}
        self._order: list[tuple[float, int, Hashable]] = []  # (vtime, seq, group): one per group
        self._deadlines: list[tuple[float, int, Job]] = []
        self._seq = itertools.count()
        self._vclock = 0.0
        self._n = 0
        self._closed = False
        self._on_expired = on_expired
        self._janitor: threading.Thread | None = None

    def __len__(self) -> int:
        return self._n

    def put(self, job: Job) -> None:
        self.put_many([job])

    def put_many(self, jobs: list[Job]) -> None:
        """Queue ``jobs`` in order under one lock, waking as many takers as there are jobs."""
        if not jobs:
            return
        with self._work:
            if self._closed:
                raise RuntimeError("the queue is closed")
            earliest = self._deadlines[0][0] if self._deadlines else None
            for job in jobs:
                group = self._groups.get(job.group)
                if group is None:
                    group = self._groups[job.group] = _Group(self._vclock)
                    heapq.heappush(self._order, (group.vtime, next(self._seq), job.group))
                group.jobs.append(job)
                if job.deadline is not None:
                    heapq.heappush(self._deadlines, (job.deadline, next(self._seq), job))
            self._n += len(jobs)
            self._work.notify(len(jobs))
            if self._deadlines and (earliest is None or self._deadlines[0][0] < earliest):
                if self._janitor is None:
                    self._janitor = threading.Thread(
                        target=self._expire_forever, daemon=True, name="bounded-deadlines"
                    )
                    self._janitor.start()
                else:
                    self._timer.notify()

    def requeue(self, jobs: list[Job]) -> None:
        """Put jobs a worker did not get to back at the front of their groups, in order."""
        with self._work:
            if self._closed:
                raise RuntimeError("the queue is closed")
            for job in reversed(jobs):
                group = self._groups.get(job.group)
                if group is None:
                    group = self._groups[job.group] = _Group(self._vclock)
                    heapq.heappush(self._order, (group.vtime, next(self._seq), job.group))
                group.jobs.appendleft(job)
                job.queued = True
                self._n += 1
                if job.deadline is not None:
                    heapq.heappush(self._deadlines, (job.deadline, next(self._seq), job))
            self._work.notify_all()
            self._timer.notify()

    def take(self, max_cost_s: float, max_jobs: int, workers: int) -> list[Job] | None:
        """The next job in fair order, plus more while the queue is deeper than ``workers``
        and the batch stays within ``max_cost_s`` of expected work; None once closed."""
        with self._work:
            while self._n == 0 and not self._closed:
                self._work.wait()
            if self._closed:
                return None
            batch = [self._pop()]
            cost = batch[0].cost_s
            while self._n > workers and len(batch) < max_jobs:
                head = self._head()
                if head is None or cost + head.cost_s > max_cost_s:
                    break
                batch.append(self._pop())
                cost += head.cost_s
            return batch

    def oldest_age(self) -> float:
        """Seconds the oldest queued job has waited (0 when the queue is empty)."""
        with self._work:
            oldest = min(
                (j.submitted for g in self._groups.values() for j in g.jobs if j.queued),
                default=None,
            )
        return 0.0 if oldest is None else time.monotonic() - oldest

    def close(self) -> list[Job]:
        """Refuse new jobs, wake every waiter; the jobs that were still queued."""
        with self._work:
            self._closed = True
            left = [j for g in self._groups.values() for j in g.jobs if j.queued]
            for job in left:
                job.queued = False
            self._groups.clear()
            self._order.clear()
            self._deadlines.clear()
            self._n = 0
            self._work.notify_all()
            self._timer.notify_all()
        return left

    # -- internals (lock held) ----------------------------------------------------------

    def _head(self) -> Job | None:
        """The job ``_pop`` would return next, without taking it."""
        while self._order:
            _, _, key = self._order[0]
            group = self._groups[key]
            while group.jobs and not group.jobs[0].queued:
                group.jobs.popleft()
            if group.jobs:
                return group.jobs[0]
            heapq.heappop(self._order)
            del self._groups[key]
        return None

    def _pop(self) -> Job:
        job = self._head()
        assert job is not None  # callers checked self._n > 0
        vtime, _, key = heapq.heappop(self._order)
        group = self._groups[key]
        group.jobs.popleft()
        job.queued = False
        self._n -= 1
        self._vclock = max(self._vclock, vtime)
        group.vtime = vtime + job.cost_s
        if group.jobs:
            heapq.heappush(self._order, (group.vtime, next(self._seq), key))
        else:
            del self._groups[key]
        return job

    def _expire_forever(self) -> None:
        while True:
            expired: list[Job] = []
            with self._timer:
                while not self._closed:
                    while self._deadlines and not self._deadlines[0][2].queued:
                        heapq.heappop(self._deadlines)
                    if not self._deadlines:
                        self._timer.wait()
                        continue
                    left = self._deadlines[0][0] - time.monotonic()
                    if left > 0:
                        self._timer.wait(left)
                        continue
                    while self._deadlines and self._deadlines[0][0] <= time.monotonic():
                        job = heapq.heappop(self._deadlines)[2]
                        if job.queued:
                            job.queued = False
                            self._n -= 1
                            expired.append(job)
                    break
                if self._closed:
                    return
            for job in expired:
                self._on_expired(job)
