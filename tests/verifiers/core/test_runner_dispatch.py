"""The runner's cheap dispatch path: bulk reads, per-job limits inside a batch, bulk submission."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import multiprocessing
import os
import pickle
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from tests.helpers.slow_verifiers import never_returns
from verifiers import BoundedRunner, Status
from verifiers.core import runner as runner_module
from verifiers.core.batch import gather, gather_async


@pytest.fixture(scope="module")
def one() -> Iterator[BoundedRunner]:
    with BoundedRunner(1, memory_mb=1024) as pool:
        pool.warm_up()
        yield pool


def test_results_already_sent_are_read_together_and_a_partial_one_waits() -> None:
    ours, theirs = multiprocessing.Pipe()
    frames = runner_module._Frames(ours.fileno())
    for i in range(3):
        theirs.send_bytes(pickle.dumps(i))
    big = pickle.dumps("x" * 100_000)
    os.write(theirs.fileno(), struct.pack("!i", len(big)) + big[:10])
    assert [pickle.loads(f) for f in frames.read(time.monotonic() + 5)] == [0, 1, 2]
    start = time.monotonic()
    assert frames.read(start + 0.2) == []  # only part of the next message: wait, then give up
    assert time.monotonic() - start >= 0.19
    writer = threading.Thread(target=lambda: os.write(theirs.fileno(), big[10:]))
    writer.start()
    assert frames.read(time.monotonic() + 5) == [big]
    writer.join()
    theirs.close()
    with pytest.raises(EOFError):
        frames.read(time.monotonic() + 5)


def test_each_job_of_a_batch_gets_its_own_limit(one: BoundedRunner) -> None:
    # Queued at once, the jobs reach the one worker in a batch; together they take longer
    # than the limit, each alone well under it, but for the third, killed at its own limit.
    start = time.monotonic()
    futures = one.submit_many(
        time.sleep, [(0.2,), (0.2,), (1000,), (0.2,), (0.2,)], timeout_s=0.6, group="limits"
    )
    results = gather(futures)
    elapsed = time.monotonic() - start
    assert results[:2] == [None, None] and results[3:] == [None, None]
    assert results[2].status == Status.TIMEOUT
    assert "time limit of 0.6s" in results[2].reason
    assert elapsed < 0.4 + 0.6 + 0.4 + 3.0  # two sleeps, one limit, two sleeps, a restart


def test_submit_many_keeps_order_and_each_calls_own_callback(one: BoundedRunner) -> None:
    calls = [(0.05 * (i % 2),) for i in range(20)]
    timeouts = [lambda reason, i=i: ("timeout", i, reason) for i in range(20)]
    futures = one.submit_many(time.sleep, calls, timeout_s=5, on_timeout=timeouts, group="many")
    assert gather(futures) == [None] * 20
    endless = one.submit_many(
        never_returns, [("a",), ("b",)], timeout_s=0.3, on_timeout=timeouts[5:7], group="cb"
    )
    assert [r[:2] for r in gather(endless)] == [("timeout", 5), ("timeout", 6)]


def test_gather_async_answers_in_order_once_all_are_done() -> None:
    futures: list[concurrent.futures.Future[int]] = [concurrent.futures.Future() for _ in range(5)]

    def finish() -> None:
        for i in reversed(range(5)):
            time.sleep(0.01)
            futures[i].set_result(i)

    async def main() -> list[int]:
        threading.Thread(target=finish).start()
        return await gather_async(futures)

    assert asyncio.run(main()) == [0, 1, 2, 3, 4]


def test_cancelling_gather_async_cancels_the_jobs_not_started() -> None:
    futures: list[concurrent.futures.Future[int]] = [concurrent.futures.Future() for _ in range(3)]
    futures[0].set_running_or_notify_cancel()  # one already running: it cannot be cancelled

    async def main() -> None:
        task = asyncio.create_task(gather_async(futures))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert [f.cancelled() for f in futures] == [False, True, True]


def test_gc_pause_nests_and_restores_the_collectors_state() -> None:
    assert gc.isenabled()
    with runner_module.gc_paused():
        with runner_module.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with runner_module.gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()


def test_a_job_that_cannot_be_sent_fails_alone(one: BoundedRunner) -> None:
    errors = [lambda reason, i=i: ("error", i, reason) for i in range(4)]
    calls: list[tuple[object, ...]] = [("a",), (lambda: None,), ("ccc",), ("dd",)]
    results = gather(one.submit_many(len, calls, timeout_s=5, on_error=errors, group="unsent"))
    assert results[0] == 1 and results[2:] == [3, 2]
    assert results[1][:2] == ("error", 1) and "could not send the job" in results[1][2]
