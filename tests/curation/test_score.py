"""Scoring rollouts: the math verifier on hand-labelled fixtures, dedup, timeouts, server mode."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import polars as pl
import pytest

from curation.config import ScoreConfig
from curation.score import Job, build_jobs, run_jobs, score_frame
from tests.curation.conftest import read_jsonl
from verifiers.core.registry import register_path
from verifiers.core.runner import BoundedRunner


@pytest.fixture(scope="module")
def runner() -> Iterator[BoundedRunner]:
    pool = BoundedRunner(2, memory_mb=4096)
    yield pool
    pool.close()


def test_fixture_rollouts_score_as_labelled(data_dir: Path, runner: BoundedRunner) -> None:
    rows = read_jsonl(data_dir / "rollouts_fixture.jsonl")
    df = pl.DataFrame(rows).drop("expected_correct")
    scored = score_frame(df, ScoreConfig(), runner)
    for row, got in zip(rows, scored["correct"].to_list(), strict=True):
        assert got == row["expected_correct"], row["id"]
    verdicts = scored["verdicts"][0].to_list()
    assert {v["verifier"] for v in verdicts} == {"math"}
    assert all(v["status"] == "ok" for v in verdicts)


def test_identical_final_answers_are_verified_once() -> None:
    thought = "<think>{}</think> so \\boxed{{42}}"
    df = pl.DataFrame(
        {
            "answer": ["42", "42", "7"],
            "responses": [
                [thought.format("a"), thought.format("b"), "\\boxed{41}"],
                [thought.format("c")],
                [thought.format("d"), "<think>never closed"],
            ],
        }
    )
    jobs, per_row = build_jobs(df, ScoreConfig())
    # (\boxed{42}, 42) once, (\boxed{41}, 42), (\boxed{42}, 7), truncated vs 7
    assert len(jobs) == 4
    assert per_row[0][0] == per_row[0][1] == per_row[1][0]


def test_non_answer_only_verifiers_are_not_deduplicated_by_answer() -> None:
    df = pl.DataFrame(
        {
            "answer": ["x"],
            "task": ["format"],
            "responses": [["<think>a</think>1", "<think>b</think>1"]],
        }
    )
    jobs, _ = build_jobs(df, ScoreConfig())
    assert len(jobs) == 2


def test_a_hanging_item_times_out_alone(runner: BoundedRunner) -> None:
    register_path("curation_test_hang", "tests.helpers.slow_verifiers:never_returns")
    register_path("curation_test_echo", "tests.helpers.slow_verifiers:echo")
    jobs = [
        Job("curation_test_echo", "a", "a"),
        Job("curation_test_hang", "b", "b"),
        Job("curation_test_echo", "c", "x"),
    ]
    results = run_jobs(jobs, ScoreConfig(timeout_s=3.0, chunk_size=8), runner)
    assert [r[1] for r in results] == [True, False, False], results
    assert [r[2] for r in results] == ["ok", "timeout", "ok"]


class _FakeRewardServer(BaseHTTPRequestHandler):
    """Answers POST /v1/rewards like the reward server; the first call gets a 429."""

    calls: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append(body)
        if len(type(self).calls) == 1:
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        results = []
        for item in body["items"]:
            ok = item["response"].strip().endswith(item["reference"])
            results.append(
                {
                    "total": 1.0 + float(ok),  # a format point on top, as r1_zero gives
                    "correct": ok,
                    "status": "ok",
                    "reason": "fake",
                    "components": {"format": 1.0, "accuracy": float(ok)},
                    "verdicts": {
                        "accuracy": {
                            "extracted": item["response"][-1:],
                            "verifier": "math",
                            "score": float(ok),
                        }
                    },
                }
            )
        payload = json.dumps({"results": results, "elapsed_s": 0.0}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        return


def test_server_mode_posts_items_and_retries_429() -> None:
    _FakeRewardServer.calls = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _FakeRewardServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        df = pl.DataFrame(
            {"prompt": ["q", "r"], "answer": ["4", "5"], "responses": [["=4", "=3"], ["=5"]]}
        )
        scored = score_frame(df, ScoreConfig(server=url, server_batch=2), None)
    finally:
        httpd.shutdown()
    assert scored["correct"].to_list() == [[True, False], [True]]
    assert scored["extracted"].to_list() == [["4", "3"], ["5"]]
    # scores mean the task verifier's score, as locally (not the spec total)
    assert scored["scores"].to_list() == [[1.0, 0.0], [1.0]]
    assert len(_FakeRewardServer.calls) == 3  # one 429, then two batches of at most 2 items
    assert _FakeRewardServer.calls[1]["items"][0] == {
        "response": "=4",
        "reference": "4",
        "task": "math",
    }


def test_unreachable_server_marks_items_as_errors() -> None:
    df = pl.DataFrame({"answer": ["4"], "responses": [["=4"]]})
    cfg = ScoreConfig(server="http://127.0.0.1:9")
    import curation.score as client

    client.RETRIES, saved = 0, client.RETRIES
    try:
        scored = score_frame(df, cfg, None)
    finally:
        client.RETRIES = saved
    verdict = scored["verdicts"][0][0]
    assert verdict["status"] == "error" and "unreachable" in verdict["reason"]
    assert scored["correct"].to_list() == [[None]]


def test_real_reward_server_end_to_end(
    tmp_path: Path, data_dir: Path, runner: BoundedRunner
) -> None:
    """``curate score --server``: the project's reward server, started as its own process."""
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [sys.executable, "-m", "server.cli", "--host", "127.0.0.1", "--port", str(port)]
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(120):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.25)
        rows = read_jsonl(data_dir / "rollouts_fixture.jsonl")
        scored = score_frame(pl.DataFrame(rows), ScoreConfig(server=url), None)
        spec_remote = score_frame(pl.DataFrame(rows), ScoreConfig(server=url, spec="r1_zero"), None)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert scored["correct"].to_list() == [r["expected_correct"] for r in rows]
    first = scored["verdicts"][0][0]
    assert first["extracted"] == "42" and "accuracy" in first["details"]
    # scores mean the same locally and over HTTP: the verifier's score, or the spec's total
    local = score_frame(pl.DataFrame(rows), ScoreConfig(), runner)
    assert scored["scores"].to_list() == local["scores"].to_list()
    spec_local = score_frame(pl.DataFrame(rows), ScoreConfig(spec="r1_zero"), runner)
    assert spec_remote["scores"].to_list() == spec_local["scores"].to_list()
    assert spec_local["scores"].to_list() != local["scores"].to_list()  # format terms count


def test_structured_references_reach_the_verifier(runner: BoundedRunner) -> None:
    register_path("curation_test_structured", "tests.curation.slow_verifier:structured")
    df = pl.DataFrame(
        {
            "answer": [
                {"value": "7", "alternatives": ["seven"]},
                {"value": "1", "alternatives": []},
            ],
            "task": ["curation_test_structured"] * 2,
            "responses": [["7", "seven", "8"], ["1"]],
        }
    )
    from curation.schema import split_valid

    good, bad = split_valid(df, need_prompt=False)
    assert bad.is_empty()
    scored = score_frame(good, ScoreConfig(), runner)
    assert scored["correct"].to_list() == [[True, True, False], [True]]


def test_rows_whose_verifier_refuses_the_options_are_quarantined(tmp_path: Path) -> None:
    """``score.options`` is checked at load against the default task only; a row whose
    own task picks another verifier (one without that option, or none at all) is
    quarantined with the reason, not scored as a column of error verdicts."""
    from curation import commands

    answer = "<think>t</think> \\boxed{2}"
    rows = [
        {"id": "m", "prompt": "1+1?", "answer": "2", "responses": [answer], "task": "math"},
        {"id": "f", "prompt": "1+1?", "answer": "2", "responses": [answer], "task": "format"},
        {"id": "x", "prompt": "1+1?", "answer": "2", "responses": [answer], "task": "astrology"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    cfg = ScoreConfig(options={"require_boxed": True}, workers=1)
    commands.score_rollouts(source, tmp_path / "out.jsonl", cfg)
    kept = read_jsonl(tmp_path / "out.jsonl")
    assert [(r["id"], r["correct"]) for r in kept] == [("m", [True])]
    bad = {r["id"]: r["quarantine_reason"] for r in read_jsonl(tmp_path / "out.quarantine.jsonl")}
    assert set(bad) == {"f", "x"}
    assert "'format'" in bad["f"] and "require_boxed" in bad["f"]
    assert "unknown verifier 'astrology'" in bad["x"]
