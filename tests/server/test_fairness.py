"""Fair and bounded under faults: one request's endless items do not hold back another's."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.server.live import LiveServer, live_server
from verifiers.core import runner as runner_module

NEVER = {"response": "<think>a</think> 1", "reference": "1", "task": "t_never"}
QUICK = {"response": "<think>a</think> 1", "reference": "1", "task": "t_exact"}
WORKERS = 2
START_TIMEOUT_S = 2.0  # bound on starting a worker (a killed one is replaced within it)
CANARY_TIMEOUT_S = 1.0


@pytest.fixture(scope="module")
def fair() -> Iterator[LiveServer]:
    with live_server(
        workers=WORKERS,
        timeout_s=3.0,
        default_task="t_exact",
        canary_timeout_s=CANARY_TIMEOUT_S,
        start_timeout_s=START_TIMEOUT_S,
    ) as live:
        yield live


def _readyz_until(client: httpx.Client, fair: LiveServer, want: int, within_s: float) -> str:
    """Probe ``/readyz`` (a fresh canary each time) until it answers ``want`` or time is up;
    the last status code and body."""
    end = time.monotonic() + within_s
    while True:
        fair.service._canary = None
        reply = client.get("/readyz")
        if reply.status_code == want or time.monotonic() >= end:
            return f"{reply.status_code} {reply.text}"
        time.sleep(0.25)


def _hog(server: LiveServer, n: int, timeout_s: float, box: dict) -> threading.Thread:
    def post() -> None:
        with server.client() as client:
            box["hog"] = client.post(
                "/v1/rewards",
                # distinct items: a cached verdict would answer without any work
                json={
                    "items": [{**NEVER, "response": f"{time.time()} {i}"} for i in range(n)],
                    "timeout_s": timeout_s,
                },
            )

    thread = threading.Thread(target=post)
    thread.start()
    return thread


def test_single_item_answers_within_its_limit_while_another_request_hogs(
    fair: LiveServer,
) -> None:
    hog_items, hog_limit_s, head_start_s, quick_limit_s = 12, 1.5, 0.5, 3.0
    # The promise (issue 17): an item answers within its own limit plus one fair share. Its
    # fair share here is one hog item's turn: that item's limit, then the replacement of the
    # worker killed at it (bounded by the start timeout). Behind a FIFO it would wait for the
    # whole backlog instead; the settings must keep the two apart for the test to mean anything.
    fair_share_s = hog_limit_s + START_TIMEOUT_S
    bound_s = quick_limit_s + fair_share_s
    fifo_wait_s = hog_items * hog_limit_s / WORKERS - head_start_s
    assert bound_s < fifo_wait_s
    box: dict = {}
    hog = _hog(fair, hog_items, hog_limit_s, box)
    time.sleep(head_start_s)
    with fair.client() as client:
        start = time.monotonic()
        reply = client.post("/v1/rewards", json={"items": [QUICK], "timeout_s": quick_limit_s})
        elapsed = time.monotonic() - start
        metrics = client.get("/metrics").text
    hog.join(timeout=60)
    assert reply.status_code == 200
    assert reply.json()["results"][0]["status"] == "ok"
    assert elapsed < bound_s, f"{elapsed:.2f}s > own limit + one fair share {bound_s:g}s"
    assert box["hog"].status_code == 200
    assert {r["status"] for r in box["hog"].json()["results"]} == {"timeout"}
    assert "rlvr_request_queue_wait_seconds_bucket" in metrics
    assert "rlvr_queue_oldest_wait_seconds " in metrics


def test_items_that_cannot_start_before_the_deadline_answer_queued_past_it(
    fair: LiveServer,
) -> None:
    box: dict = {}
    hog = _hog(fair, 2, 3.0, box)
    time.sleep(0.5)
    with fair.client() as client:
        start = time.monotonic()
        fresh = [{**NEVER, "response": "deadline 1"}, {**QUICK, "response": "<think>b</think> 1"}]
        reply = client.post("/v1/rewards", json={"items": fresh, "deadline_s": 1.0})
        elapsed = time.monotonic() - start
    hog.join(timeout=60)
    results = reply.json()["results"]
    assert [r["status"] for r in results] == ["timeout", "timeout"]
    assert "queued past the deadline" in str(results[1])
    assert elapsed < 2.0


def test_readyz_says_503_when_jobs_do_not_move_and_recovers(fair: LiveServer) -> None:
    runner = fair.service.runner
    assert runner is not None
    # Recovery: a frozen worker is seen at the canary's limit, a frozen forkserver at the start
    # timeout, then a fresh forkserver boots and preloads the verifiers (bounded by the runner's
    # boot bound, seconds on a loaded host) and the canary runs. Probed until then, not slept.
    recovery_s = CANARY_TIMEOUT_S + START_TIMEOUT_S + runner_module.FORKSERVER_BOOT_S
    with fair.client() as client:
        assert _readyz_until(client, fair, 200, recovery_s).startswith("200 ")
        fair.service._canary = None
        # Workers and the forkserver frozen: no job can run and no worker can be started.
        forkserver = runner_module._forkserver_pid()
        assert forkserver is not None
        frozen = [*runner.worker_pids(), forkserver]
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        try:
            reply = client.get("/readyz")
        finally:
            for pid in frozen:
                with contextlib.suppress(ProcessLookupError):  # replaced and reaped
                    os.kill(pid, signal.SIGCONT)
        assert reply.status_code == 503
        assert "canary" in reply.json()["detail"]["reason"]
        # The runner replaces the forkserver and the workers; probes turn 200 again.
        assert _readyz_until(client, fair, 200, recovery_s).startswith("200 ")


def test_readyz_recovers_after_a_failed_worker_start_without_traffic(fair: LiveServer) -> None:
    runner = fair.service.runner
    assert runner is not None
    # The state a failed start leaves (seen under load after the frozen-forkserver test): no
    # live worker and a start error on record. No request comes; /readyz must still find out
    # that workers can start now, instead of repeating the old error forever.
    for pid in runner.worker_pids():
        os.kill(pid, signal.SIGKILL)
    runner.last_start_error = (time.monotonic(), "the forkserver did not start a worker")
    recovery_s = CANARY_TIMEOUT_S + START_TIMEOUT_S + runner_module.FORKSERVER_BOOT_S
    deadline = time.monotonic() + 5
    while runner.worker_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert runner.worker_pids() == []
    with fair.client() as client:
        assert _readyz_until(client, fair, 200, recovery_s).startswith("200 ")


def test_admission_counts_expected_work_not_items() -> None:
    with live_server(timeout_s=3.0, default_task="t_exact", max_queue_s=1.0) as live:
        box: dict = {}
        hog = _hog(live, 4, 2.0, box)  # 4 x 0.05 s expected: admitted
        time.sleep(0.3)
        code = {"response": "x", "reference": {"tests": []}, "task": "code"}
        with live.client() as client:
            reply = client.post("/v1/rewards", json={"items": [code] * 8})
        hog.join(timeout=60)
    # 8 code items ~ 8 x 1 s over 2 workers = 4 s of queue > max_queue_s 1 s: 429.
    assert reply.status_code == 429
    assert "expected work" in reply.json()["detail"]
    assert reply.headers["retry-after"]
