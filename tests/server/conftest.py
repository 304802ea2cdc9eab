"""Live servers shared by the server tests (one start per module keeps the suite fast)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.live import LiveServer, live_server


@pytest.fixture(scope="package")
def server() -> Iterator[LiveServer]:
    """The default server: auth off, 2 workers, 3 s per-item limit, exact-match task."""
    with live_server(timeout_s=3.0, default_task="t_exact") as live:
        yield live
