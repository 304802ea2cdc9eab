"""Slow and oversized clients: header and body deadlines, a cap on slow bodies, cheap 413s."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from tests.server.live import LiveServer, live_server


@pytest.fixture(scope="module")
def guarded() -> Iterator[LiveServer]:
    with live_server(
        timeout_s=3.0,
        default_task="t_exact",
        header_timeout_s=1.0,
        body_timeout_s=1.0,
        max_slow_bodies=2,
        max_batch_items=100,
    ) as live:
        yield live


def _connect(server: LiveServer) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def test_header_dribbler_is_disconnected(guarded: LiveServer) -> None:
    sock = _connect(guarded)
    start = time.monotonic()
    sock.sendall(b"POST /v1/rewards HTTP/1.1\r\nHost: x\r\n")
    closed = False
    for _ in range(20):  # one header byte every 0.25 s: never finishes
        try:
            sock.sendall(b"X")
        except OSError:
            closed = True
            break
        sock.settimeout(0.25)
        try:
            if sock.recv(1024) == b"":
                closed = True
                break
        except TimeoutError:
            pass
    elapsed = time.monotonic() - start
    sock.close()
    assert closed and elapsed < 3.0


def _body_headers(length: int) -> bytes:
    return (
        f"POST /v1/rewards HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def test_body_dribbler_gets_408(guarded: LiveServer) -> None:
    sock = _connect(guarded)
    start = time.monotonic()
    sock.sendall(_body_headers(1000) + b'{"items": [')
    reply = sock.recv(4096)
    sock.close()
    assert b" 408 " in reply.split(b"\r\n", 1)[0]
    assert time.monotonic() - start < 3.0


def test_slow_bodies_beyond_the_cap_get_503(guarded: LiveServer) -> None:
    slow = [_connect(guarded) for _ in range(2)]
    for sock in slow:
        sock.sendall(_body_headers(1000) + b'{"items": [')
    time.sleep(0.2)
    with guarded.client() as client:
        reply = client.post("/v1/rewards", json={"items": [{"response": "1", "reference": "1"}]})
        assert client.get("/healthz").status_code == 200
    for sock in slow:
        sock.close()
    assert reply.status_code == 503
    assert "max_slow_bodies" in reply.json()["detail"]


def test_oversized_batch_is_refused_before_validation(guarded: LiveServer) -> None:
    body = json.dumps({"items": [{"response": "x" * 64, "reference": "1"}] * 5000}).encode()
    assert len(body) > 64 * 1024
    time.sleep(1.2)  # the slow bodies of the previous test have timed out
    with guarded.client() as client:
        start = time.monotonic()
        reply = client.post(
            "/v1/rewards", content=body, headers={"content-type": "application/json"}
        )
        elapsed = time.monotonic() - start
    assert reply.status_code == 413
    assert "5000 items" in reply.json()["detail"]
    assert elapsed < 2.0


def test_saturated_server_refuses_before_reading_the_body(guarded: LiveServer) -> None:
    service = guarded.service
    service.pending = service.settings.max_pending_items  # as if the queue were full
    try:
        sock = _connect(guarded)
        start = time.monotonic()
        sock.sendall(_body_headers(10_000_000))  # a huge body that never comes
        reply = sock.recv(4096)
        sock.close()
    finally:
        service.pending = 0
    status_line, _, rest = reply.partition(b"\r\n")
    assert b" 429 " in status_line
    assert b"retry-after" in rest.lower()
    assert time.monotonic() - start < 1.0
