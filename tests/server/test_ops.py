"""Probes, metrics, OpenAPI docs, and a worker killed while its request is in flight."""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx

from tests.server.live import LiveServer


def test_health_and_readiness(server: LiveServer) -> None:
    with server.client() as client:
        assert client.get("/healthz").json()["status"] == "ok"
        ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["detail"]["workers"] == 2


def test_metrics_expose_requests_latency_items_and_queue(server: LiveServer) -> None:
    with server.client() as client:
        client.post(
            "/v1/rewards", json={"items": [{"response": "<think>a</think> 1", "reference": "1"}]}
        )
        text = client.get("/metrics").text
    for name in (
        'rlvr_requests_total{code="200",route="/v1/rewards"}',
        'rlvr_request_seconds_bucket{le="0.005",route="/v1/rewards"}',
        'rlvr_items_total{status="ok",task="t_exact"}',
        "rlvr_queue_depth ",
        "rlvr_busy_workers ",
        "rlvr_worker_restarts ",
        'rlvr_cache_total{outcome="miss"}',
    ):
        assert name in text, name


def test_openapi_documents_every_endpoint(server: LiveServer) -> None:
    with server.client() as client:
        schema = client.get("/openapi.json").json()
        assert client.get("/docs").status_code == 200
    assert {"/v1/rewards", "/get_reward", "/v1/reward", "/healthz", "/readyz", "/metrics"} <= set(
        schema["paths"]
    )


def test_worker_killed_mid_request_is_replaced_and_every_item_answers(server: LiveServer) -> None:
    runner = server.service.runner
    assert runner is not None
    restarts = runner.restarts
    items = [
        {
            "response": "<think>a</think> 1",
            "reference": "1",
            "task": "t_sleepy",
            "context": {"sleep_s": 0.6, "n": i},
        }
        for i in range(4)
    ]
    replies: list[httpx.Response] = []
    thread = threading.Thread(
        target=lambda: replies.append(
            httpx.post(server.url + "/v1/rewards", json={"items": items}, timeout=60)
        )
    )
    thread.start()
    deadline = time.monotonic() + 10
    while runner.busy() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    victim = runner.worker_pids()[0]
    os.kill(victim, signal.SIGKILL)
    thread.join(timeout=60)
    (reply,) = replies
    assert reply.status_code == 200
    results = reply.json()["results"]
    assert [r["status"] for r in results] == ["ok"] * 4
    assert runner.restarts > restarts
    assert victim not in runner.worker_pids()
    # An unrelated request right after is unaffected.
    with server.client() as client:
        after = client.post(
            "/v1/rewards", json={"items": [{"response": "<think>a</think> 2", "reference": "2"}]}
        )
    assert after.json()["results"][0]["total"] == 2.0


def test_docs_pages_and_assets_are_served_offline(server: LiveServer) -> None:
    """/docs and /redoc load their JavaScript from the app, never from a CDN."""
    with server.client() as client:
        for page in ("/docs", "/redoc"):
            html = client.get(page)
            assert html.status_code == 200
            assert "cdn.jsdelivr" not in html.text and "unpkg.com" not in html.text
            assert "/docs-assets/" in html.text
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
            reply = client.get(f"/docs-assets/{asset}")
            assert reply.status_code == 200 and len(reply.content) > 10_000
