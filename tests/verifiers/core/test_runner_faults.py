"""The runner under faults: fair order, queue deadlines, frozen workers, stuck forkserver."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from verifiers import BoundedRunner, Status
from verifiers.core import runner as runner_module
from verifiers.core.fair_queue import FairQueue, Job


def _job(group: str, cost: float, name: str = "") -> Job:
    import concurrent.futures

    return Job(
        print, (name,), {}, 1.0, str, str, concurrent.futures.Future(), group=group, cost_s=cost
    )


def test_fair_queue_serves_groups_by_expected_cost() -> None:
    queue = FairQueue(on_expired=lambda job: None)
    for i in range(40):
        queue.put(_job("code", 3.0, f"c{i}"))
    for i in range(3):
        queue.put(_job("math", 0.05, f"m{i}"))
    order = []
    for _ in range(10):
        batch = queue.take(0.0, 1, 1)
        assert batch is not None
        order.append(batch[0].args[0])
    # The math group arrived behind 40 code jobs but is served after at most one of them.
    assert order[:4] == ["c0", "m0", "m1", "m2"]
    assert order[4:] == ["c1", "c2", "c3", "c4", "c5", "c6"]


def test_fair_queue_batches_cheap_jobs_only_when_deep() -> None:
    queue = FairQueue(on_expired=lambda job: None)
    for i in range(4):
        queue.put(_job("a", 0.01, f"a{i}"))
    assert len(queue.take(0.05, 16, 2) or []) == 2  # deeper than 2 workers: batched
    assert len(queue.take(0.05, 16, 2) or []) == 1  # no more than the workers left: one
    other = FairQueue(on_expired=lambda job: None)
    for i in range(10):
        other.put(_job("b", 0.02, f"b{i}"))
    assert len(other.take(0.05, 16, 2) or []) == 2  # capped by expected cost


def test_queued_job_answers_timeout_at_its_deadline() -> None:
    expired: list[tuple[Job, float]] = []
    queue = FairQueue(on_expired=lambda job: expired.append((job, time.monotonic())))
    job = _job("a", 0.1)
    job.deadline = time.monotonic() + 0.3
    queue.put(job)
    time.sleep(0.6)
    assert [j for j, _ in expired] == [job]
    assert abs(expired[0][1] - job.deadline) < 0.2
    assert len(queue) == 0
    queue.close()


@pytest.fixture(scope="module")
def pool() -> Iterator[BoundedRunner]:
    with BoundedRunner(2, memory_mb=1024) as runner:
        runner.warm_up()
        yield runner


def test_one_requests_endless_jobs_do_not_delay_anothers_cheap_job(pool: BoundedRunner) -> None:
    endless = [
        pool.submit(time.sleep, 100, timeout_s=1.5, group="hog", cost_s=1.5) for _ in range(12)
    ]
    time.sleep(0.2)
    start = time.monotonic()
    quick = pool.submit(os.getpid, timeout_s=5, group="quick", cost_s=0.01)
    quick.result(timeout=10)
    waited = time.monotonic() - start
    # FIFO would put it behind 12 x 1.5 s / 2 workers = 9 s; fair: one share (<= 1.5 s).
    assert waited < 2.5
    assert all(f.result(timeout=30).status == Status.TIMEOUT for f in endless)


def test_job_that_cannot_start_before_its_deadline_answers_queued_past(
    pool: BoundedRunner,
) -> None:
    hogs = [pool.submit(time.sleep, 100, timeout_s=2, group="hog") for _ in range(2)]
    time.sleep(0.2)
    start = time.monotonic()
    late = pool.submit(os.getpid, timeout_s=5, group="late", deadline=start + 0.5)
    verdict = late.result(timeout=10)
    assert verdict.status == Status.TIMEOUT
    assert verdict.reason == runner_module.QUEUED_PAST_DEADLINE
    assert time.monotonic() - start < 1.2
    for f in hogs:
        f.result(timeout=10)


def test_frozen_worker_is_killed_and_its_job_rerun(pool: BoundedRunner) -> None:
    reruns = pool.reruns
    future = pool.submit(time.sleep, 0.8, timeout_s=1.5, group="frozen")
    time.sleep(0.3)
    frozen = [pid for pid in pool.worker_pids() if runner_module._process_state(pid) in ("S", "R")]
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    result = future.result(timeout=10)
    assert result is None  # time.sleep's own result: the re-run on a fresh worker succeeded
    assert pool.reruns == reruns + 1


def test_large_job_to_a_frozen_worker_does_not_block_past_its_limit() -> None:
    with BoundedRunner(1, memory_mb=1024) as runner:
        runner.warm_up()
        (pid,) = runner.worker_pids()
        os.kill(pid, signal.SIGSTOP)
        start = time.monotonic()
        blob = "x" * (4 * 1024 * 1024)  # far over the 64 KiB pipe buffer
        result = runner.submit(len, blob, timeout_s=1.0).result(timeout=20)
        # The send gave up at the limit, the worker was replaced, the job re-run once.
        assert result == len(blob)
        assert time.monotonic() - start < 6
        assert runner.reruns == 1


def test_stopped_forkserver_is_replaced_within_the_start_deadline() -> None:
    # No preload: the test is about the start deadline, not how fast sympy imports on a
    # loaded machine (a preloading forkserver can need more than 2 s to boot there).
    with BoundedRunner(1, memory_mb=1024, start_timeout_s=2.0, preload=()) as runner:
        runner.warm_up()
        server = runner_module._forkserver_pid()
        assert server is not None
        (pid,) = runner.worker_pids()
        os.kill(server, signal.SIGSTOP)
        try:
            os.kill(pid, signal.SIGKILL)  # the next job needs a new worker from the forkserver
            start = time.monotonic()
            result = runner.submit(os.getpid, timeout_s=5).result(timeout=30)
            elapsed = time.monotonic() - start
        finally:
            with contextlib.suppress(ProcessLookupError):  # the runner killed it
                os.kill(server, signal.SIGCONT)
        assert isinstance(result, int)
        assert elapsed < 10
        assert runner.last_start_error is None  # replaced in time, the job did not fail
        assert runner_module._forkserver_pid() != server


def test_memory_cap_refusal_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner_module._limit_memory(None) is None
    note = runner_module._limit_memory(1 << 40)  # over the hard limit only if one is set
    assert note is None or "RLIMIT_AS" in note


def test_runner_reports_progress_and_waits(pool: BoundedRunner) -> None:
    waits: list[tuple[object, float]] = []
    pool.wait_observer = lambda group, s: waits.append((group, s))
    try:
        done = threading.Event()
        pool.submit(os.getpid, timeout_s=5, group="w").add_done_callback(lambda _: done.set())
        assert done.wait(10)
    finally:
        pool.wait_observer = None
    assert waits and waits[0][0] == "w" and waits[0][1] >= 0
    assert pool.stalled_s() == 0.0
