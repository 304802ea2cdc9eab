"""A real reward server on a loopback port, run by uvicorn in a background thread."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from server.app import create_app
from server.service import RewardService
from server.settings import ServerSettings
from server.slow_clients import GuardedH11Protocol
from verifiers.core.registry import register_path

# Misbehaving and simple verifiers for the tests; registrations travel to workers.
TEST_VERIFIERS = {
    "t_echo": "tests.helpers.slow_verifiers:echo",
    "t_sleepy": "tests.helpers.slow_verifiers:sleepy",
    "t_never": "tests.helpers.slow_verifiers:never_returns",
    "t_sympy_hang": "tests.helpers.slow_verifiers:sympy_hang",
    "t_exact": "tests.helpers.slow_verifiers:exact_answer",
    "t_raises": "tests.server.verifiers_for_tests:raises",
    "t_nan": "tests.server.verifiers_for_tests:nan_score",
}


def register_test_verifiers() -> None:
    for name, target in TEST_VERIFIERS.items():
        register_path(name, target)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    service: RewardService
    settings: ServerSettings

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)


def wait_ready(url: str, deadline_s: float = 60.0, headers: dict | None = None) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/readyz", timeout=2, headers=headers).status_code == 200:
                return
        time.sleep(0.05)
    raise TimeoutError(f"reward server at {url} not ready after {deadline_s}s")


@contextlib.contextmanager
def live_server(**overrides: Any) -> Iterator[LiveServer]:
    """Start the app for ``ServerSettings.load(**overrides)`` and stop it gracefully after."""
    register_test_verifiers()
    port = free_port()
    settings = ServerSettings.load(**{"workers": 2, "port": port, **overrides})
    app = create_app(settings)
    GuardedH11Protocol.header_timeout_s = settings.header_timeout_s
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            http=GuardedH11Protocol,  # as the CLI serves it: a deadline on request headers
        )
    )
    thread = threading.Thread(target=server.run, daemon=True, name=f"uvicorn-{port}")
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url)
        yield LiveServer(url, app.state.service, settings)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
