"""Sandbox containers of killed verification workers are removed (Docker backend)."""

from __future__ import annotations

import socket

import httpx
import pytest

from server.reaper import reap_sandbox_containers
from tests.server.live import live_server

pytest.importorskip("verifiers.code")
docker = pytest.importorskip("docker")

ENDLESS = {
    "response": "<think>loop</think>\n```python\nwhile True:\n    pass\n```",
    "task": "code",
    "reference": {"inputs": [""], "outputs": ["1"]},
}
PRINTS = {
    "response": "<think>p</think>\n```python\nprint(1)\n```",
    "task": "code",
    "reference": {"inputs": [""], "outputs": ["1"]},
}


def owned_by(pids: set[int]) -> list:
    owners = {f"{socket.gethostname()}-{pid}" for pid in pids}
    containers = docker.from_env().containers.list(all=True, filters={"label": "rlvr-sandbox"})
    return [c for c in containers if c.labels.get("rlvr-sandbox.owner") in owners]


@pytest.mark.docker
def test_containers_of_a_killed_worker_are_reaped() -> None:
    with live_server(workers=1, reap_interval_s=0, default_task="code") as live:
        runner = live.service.runner
        assert runner is not None
        body = {"items": [PRINTS]}
        first = httpx.post(f"{live.url}/v1/rewards", json=body, timeout=60).json()["results"][0]
        if first["verdicts"]["accuracy"]["details"].get("backend") != "docker":
            pytest.skip("the code verifier did not pick the Docker backend here")
        (victim,) = runner.worker_pids()
        assert owned_by({victim}), "the worker keeps warm containers"
        # The runner kills the worker at 1 s, before the sandbox's own 2 s CPU limit.
        body = {"items": [ENDLESS], "timeout_s": 1.0}
        reply = httpx.post(f"{live.url}/v1/rewards", json=body, timeout=60).json()["results"][0]
        assert reply["status"] == "timeout"
        assert victim not in runner.worker_pids()
        assert reap_sandbox_containers({victim}) >= 1
        assert owned_by({victim}) == []
        seen = set(live.service.worker_pids_seen)
    assert owned_by(seen) == []  # shutdown reaps the rest
