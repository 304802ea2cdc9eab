"""Bounded execution: stuck items are killed at their limit, from any thread or loop."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from verifiers import (
    BoundedRunner,
    RewardItem,
    Status,
    VerifyItem,
    compute_rewards,
    compute_rewards_async,
    register_path,
    verify_batch,
    verify_batch_async,
)

for _name in ("never_returns", "sympy_hang", "echo", "sleepy", "memory_hog", "exact_answer"):
    register_path(_name, f"tests.helpers.slow_verifiers:{_name}")

TIMEOUT_S = 2.0


@pytest.fixture(scope="module")
def runner() -> Iterator[BoundedRunner]:
    with BoundedRunner(2, memory_mb=1024) as pool:
        pool.warm_up()
        yield pool


def _batch_with_one_stuck(stuck: str = "never_returns") -> list[VerifyItem]:
    items = [VerifyItem("echo", str(i), str(i)) for i in range(100)]
    items[37] = VerifyItem(stuck, "x")
    return items


def _assert_only_item_37_timed_out(verdicts: list, elapsed: float) -> None:
    assert len(verdicts) == 100
    assert verdicts[37].status == Status.TIMEOUT
    assert verdicts[37].correct is False
    assert "time limit" in verdicts[37].reason
    others = verdicts[:37] + verdicts[38:]
    assert all(v.status == Status.OK and v.correct for v in others)
    assert elapsed <= TIMEOUT_S + 1.0


def test_stuck_item_from_a_non_main_thread(runner: BoundedRunner) -> None:
    box: dict = {}

    def work() -> None:
        start = time.perf_counter()
        box["verdicts"] = verify_batch(_batch_with_one_stuck(), timeout_s=TIMEOUT_S, runner=runner)
        box["elapsed"] = time.perf_counter() - start

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=30)
    _assert_only_item_37_timed_out(box["verdicts"], box["elapsed"])


async def test_stuck_item_from_an_asyncio_task(runner: BoundedRunner) -> None:
    heartbeats = 0

    async def heartbeat() -> None:
        nonlocal heartbeats
        while True:
            await asyncio.sleep(0.05)
            heartbeats += 1

    beat = asyncio.create_task(heartbeat())
    start = time.perf_counter()
    verdicts = await asyncio.create_task(
        verify_batch_async(_batch_with_one_stuck(), timeout_s=TIMEOUT_S, runner=runner)
    )
    elapsed = time.perf_counter() - start
    beat.cancel()
    _assert_only_item_37_timed_out(verdicts, elapsed)
    assert heartbeats >= int(TIMEOUT_S / 0.05) // 2, "the event loop was blocked"


def test_c_level_hang_inside_sympy_is_killed(runner: BoundedRunner) -> None:
    start = time.perf_counter()
    verdicts = verify_batch(_batch_with_one_stuck("sympy_hang"), timeout_s=TIMEOUT_S, runner=runner)
    _assert_only_item_37_timed_out(verdicts, time.perf_counter() - start)


def test_killed_worker_is_replaced_and_no_result_is_lost(runner: BoundedRunner) -> None:
    items = [VerifyItem("sleepy", str(i), None, {"sleep_s": 0.3}) for i in range(6)]
    box: dict = {}
    thread = threading.Thread(
        target=lambda: box.setdefault("v", verify_batch(items, timeout_s=10, runner=runner))
    )
    thread.start()
    time.sleep(0.15)
    victims = runner.worker_pids()
    assert victims
    os.kill(victims[0], signal.SIGKILL)
    thread.join(timeout=30)
    verdicts = box["v"]
    assert [v.status for v in verdicts] == [Status.OK] * 6
    assert victims[0] not in runner.worker_pids()
    assert len(runner.worker_pids()) == 2
    assert victims[0] not in {v.details["pid"] for v in verdicts}


def test_memory_cap_fails_one_item_not_the_batch(runner: BoundedRunner) -> None:
    items = [VerifyItem("memory_hog", "x", None, {"mb": 4096}), VerifyItem("echo", "a", "a")]
    hog, ok = verify_batch(items, timeout_s=10, runner=runner)
    assert hog.status == Status.ERROR and "memory" in hog.reason
    assert ok.correct is True


def test_timed_out_reward_gets_the_specs_failure_score(runner: BoundedRunner) -> None:
    items = [
        RewardItem("<think>t</think><answer>7</answer>", "7", spec="logic_rl", task="exact_answer"),
        RewardItem(
            "<think>t</think><answer>7</answer>", "7", spec="logic_rl", task="never_returns"
        ),
    ]
    good, stuck = compute_rewards(items, timeout_s=TIMEOUT_S, runner=runner)
    assert good.total == 3.0
    assert stuck.status == Status.TIMEOUT
    assert stuck.total == -3.0


async def test_group_length_penalty_in_a_bounded_batch(runner: BoundedRunner) -> None:
    from verifiers import PRESETS

    spec = PRESETS["r1_zero"].with_length_penalty()
    items = [
        RewardItem("<think>t</think>7", "7", spec=spec, task="exact_answer", group="p1", length=10),
        RewardItem("<think>t</think>8", "7", spec=spec, task="exact_answer", group="p1", length=30),
        RewardItem("<think>t</think>7", "7", spec=spec, task="exact_answer", group="p2", length=5),
    ]
    short_right, long_wrong, alone = await compute_rewards_async(items, runner=runner)
    assert short_right.components["length_penalty"] == 0.5
    assert long_wrong.components["length_penalty"] == -0.5
    assert alone.components["length_penalty"] == 0.0


def test_items_as_dicts_and_tuples(runner: BoundedRunner) -> None:
    verdicts = verify_batch(
        [{"verifier": "echo", "response": "a", "reference": "a"}, ("echo", "b", "c")],
        runner=runner,
    )
    assert [v.correct for v in verdicts] == [True, False]


def test_unknown_verifier_in_a_batch_is_an_error_verdict(runner: BoundedRunner) -> None:
    (verdict,) = verify_batch([("no_such_verifier", "a")], runner=runner)
    assert verdict.status == Status.ERROR
    assert "unknown verifier" in verdict.reason


def test_closed_runner_refuses_new_work() -> None:
    pool = BoundedRunner(1)
    pool.close()
    with pytest.raises(RuntimeError, match="closed"):
        pool.submit(os.getpid, timeout_s=1)


def test_default_callbacks_say_timeout_or_error(runner: BoundedRunner) -> None:
    import math

    stuck = runner.submit(time.sleep, 30, timeout_s=0.5).result()
    failed = runner.submit(math.sqrt, -1, timeout_s=5).result()
    assert stuck.status == Status.TIMEOUT and "time limit" in stuck.reason
    assert failed.status == Status.ERROR and "ValueError" in failed.reason
