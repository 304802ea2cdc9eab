"""RewardClient: pooling, chunking, and which failures are retried."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from server.clients.http import RewardClient, RewardServerError
from tests.server.live import LiveServer, free_port

ITEM = {"response": "<think>a</think> 3", "reference": "3"}


@contextlib.contextmanager
def flaky_server(failures: list[int]) -> Iterator[tuple[str, list[int]]]:
    """A stand-in server that answers each code in ``failures`` once, then succeeds."""
    app = FastAPI()
    seen: list[int] = []

    @app.post("/v1/rewards")
    async def rewards(body: dict) -> JSONResponse:
        if len(seen) < len(failures):
            code = failures[len(seen)]
            seen.append(code)
            return JSONResponse({"detail": "busy"}, status_code=code, headers={"Retry-After": "0"})
        seen.append(200)
        return JSONResponse({"results": [{"total": 1.0, "status": "ok"}] * len(body["items"])})

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_scores_items_in_order_across_chunks(server: LiveServer) -> None:
    client = RewardClient(server.url, batch_size=2)
    items = [{"response": f"<think>a</think> {i}", "reference": "3"} for i in range(5)]
    results = client.score(items)
    assert [r["components"]["accuracy"] for r in results] == [0, 0, 0, 1, 0]
    client.close()


def test_async_twin_matches(server: LiveServer) -> None:
    client = RewardClient(server.url, batch_size=2)
    items = [{"response": f"<think>a</think> {i}", "reference": "3"} for i in range(5)]

    async def run() -> list[dict]:
        try:
            return await client.score_async(items)
        finally:
            await client.aclose()

    assert [r["total"] for r in asyncio.run(run())] == [r["total"] for r in client.score(items)]


@pytest.mark.parametrize(
    ("failures", "calls"),
    [([429, 429], 3), ([503], 2), ([502, 504], 3)],
    ids=["retries_429_after_retry_after", "retries_503", "retries_gateway_errors"],
)
def test_transient_failures_are_retried(failures: list[int], calls: int) -> None:
    with flaky_server(failures) as (url, seen):
        results = RewardClient(url, attempts=5, backoff_s=0.01).score([ITEM])
    assert results == [{"total": 1.0, "status": "ok"}]
    assert len(seen) == calls


def test_client_errors_are_not_retried(server: LiveServer) -> None:
    client = RewardClient(server.url, attempts=5)
    with pytest.raises(RewardServerError, match="422"):
        client.score([{"reference": "no response"}])


def test_gives_up_after_the_last_attempt() -> None:
    client = RewardClient(f"http://127.0.0.1:{free_port()}", attempts=3, backoff_s=0.01)
    start = time.monotonic()
    with pytest.raises(RewardServerError, match="gave up after 3 tries"):
        client.score([ITEM])
    assert time.monotonic() - start < 5


def test_persistent_429_gives_up_with_the_reason() -> None:
    with flaky_server([429] * 10) as (url, seen), pytest.raises(RewardServerError, match="429"):
        RewardClient(url, attempts=2, backoff_s=0.01).score([ITEM])
    assert len(seen) == 2


def test_bearer_token_is_sent() -> None:
    client = RewardClient("http://127.0.0.1:1", token="abc")
    assert client._client().headers["authorization"] == "Bearer abc"


def test_a_url_that_is_not_the_reward_server_is_a_clear_error(server: LiveServer) -> None:
    client = RewardClient(server.url + "/metrics#", attempts=1)  # answers text, not JSON
    with pytest.raises(RewardServerError):
        client.score([ITEM])


def test_several_replicas_share_the_calls_and_a_dead_one_costs_one_try() -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with flaky_server([]) as (url_a, seen_a), flaky_server([]) as (url_b, seen_b):
        client = RewardClient(f"{url_a}, {url_b},{dead}", attempts=2, backoff_s=0.01)
        assert client.urls == [url_a, url_b, dead]
        for _ in range(6):
            assert client.score([ITEM]) == [{"total": 1.0, "status": "ok"}]
        # round robin: the calls that start on the dead replica move on to the next one
        assert (len(seen_a), len(seen_b)) == (4, 2)

        async def run() -> list[dict]:
            try:
                return await client.score_async([ITEM, ITEM])
            finally:
                await client.aclose()

        assert asyncio.run(run()) == [{"total": 1.0, "status": "ok"}] * 2


def test_no_url_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no reward server URL"):
        RewardClient(" , ")
