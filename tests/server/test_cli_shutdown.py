"""The ``reward-server`` console script as a real process: config file, flags, SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.server.live import free_port, wait_ready

REPO = Path(__file__).resolve().parents[2]


def _command() -> list[str]:
    script = shutil.which("reward-server", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "server.cli"]


def test_sigterm_finishes_the_request_in_flight_then_exits(tmp_path: Path) -> None:
    config = tmp_path / "server.yaml"
    config.write_text(
        "verifiers:\n"
        "  t_sleepy: tests.helpers.slow_verifiers:sleepy\n"
        "default_task: t_sleepy\n"
        "default_spec: r1_zero\n"
        "timeout_s: 20\n"
        "graceful_timeout_s: 20\n"
        "log_level: warning\n"
    )
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "RLVR_CACHE_SIZE": "0"}
    proc = subprocess.Popen(
        [
            *_command(),
            "--config",
            str(config),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, deadline_s=60)
        assert httpx.get(f"{url}/readyz").json()["detail"]["workers"] == 1  # --workers won
        body = {"items": [{"response": "<think>a</think> b", "context": {"sleep_s": 1.5}}]}
        replies: list[httpx.Response] = []
        sender = threading.Thread(
            target=lambda: replies.append(httpx.post(f"{url}/v1/rewards", json=body, timeout=60))
        )
        sender.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if httpx.get(f"{url}/readyz").json()["detail"]["pending_items"] > 0:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        sender.join(timeout=30)
        # uvicorn re-raises the captured SIGTERM after its graceful shutdown.
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    (reply,) = replies
    assert reply.status_code == 200
    assert reply.json()["results"][0]["status"] == "ok"
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/healthz", timeout=2)


def test_bad_config_file_fails_fast_with_the_field(tmp_path: Path) -> None:
    config = tmp_path / "server.yaml"
    config.write_text("max_batch_itms: 3\n")
    done = subprocess.run(
        [*_command(), "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode != 0
    assert "max_batch_itms" in done.stdout + done.stderr


def test_several_http_processes_serve_the_same_settings(tmp_path: Path) -> None:
    """--http-workers 2: uvicorn forks two app processes; each honours the resolved settings."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "RLVR_API_TOKEN": "tok",
        "RLVR_DEFAULT_TASK": "format",
    }
    proc = subprocess.Popen(
        [
            *_command(),
            "--port",
            str(port),
            "--workers",
            "1",
            "--http-workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=tmp_path,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, deadline_s=90)
        headers = {"Authorization": "Bearer tok"}
        body = {"items": [{"response": "<think>a</think> b"}]}
        for _ in range(6):  # whichever process answers, it has the token and the task
            assert httpx.post(f"{url}/v1/rewards", json=body).status_code == 401
            reply = httpx.post(f"{url}/v1/rewards", json=body, headers=headers)
            for _ in range(100):  # the second process may still be warming its pool (503)
                if reply.status_code != 503:
                    break
                time.sleep(0.1)
                reply = httpx.post(f"{url}/v1/rewards", json=body, headers=headers)
            assert reply.json()["results"][0]["verdicts"]["accuracy"]["verifier"] == "format"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
