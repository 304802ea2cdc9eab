"""The adapters import no server code: a trainer node needs httpx, not FastAPI."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["server.clients.verl", "server.clients.trl", "server.clients"])
def test_adapters_do_not_import_the_server(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "heavy = [m for m in ('fastapi', 'uvicorn', 'starlette', 'server.app', 'server.service',"
        " 'prometheus_client', 'sympy', 'torch') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
