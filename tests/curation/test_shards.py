"""Sharded runs: an interrupted run resumes without redoing shards and gives the same output."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest

from curation.config import RunConfig
from curation.schema import StepResult, with_drop
from curation.shards import run_sharded


@dataclass
class ParityStep:
    """Keeps even numbers, drops odd ones; can crash once on a chosen shard."""

    crash_on_first: int | None = None
    version: str = "v1"
    seen: list[int] = field(default_factory=list)
    name: str = "parity"

    def fingerprint(self) -> str:
        return self.version

    def __call__(self, shard: pl.DataFrame) -> StepResult:
        first = shard["n"][0] if shard.height else -1
        if self.crash_on_first == first:
            self.crash_on_first = None
            raise RuntimeError("simulated crash")
        self.seen.append(first)
        shard = shard.with_columns((pl.col("n") * 10).alias("tens"))
        odd = pl.col("n") % 2 == 1
        return StepResult(
            shard.filter(~odd), with_drop(shard.filter(odd), "odd", "n is odd"), pl.DataFrame()
        )


FRAME = pl.DataFrame({"id": [str(i) for i in range(10)], "n": list(range(10))})
RUN = RunConfig(shard_size=3, keep_shards=True)


def test_crash_then_resume_skips_finished_shards_and_matches(tmp_path: Path) -> None:
    clean = run_sharded(FRAME, ParityStep(), tmp_path / "clean.jsonl", run=RUN)
    step = ParityStep(crash_on_first=6)
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_sharded(FRAME, step, tmp_path / "out.jsonl", run=RUN)
    assert step.seen == [0, 3]
    resumed = run_sharded(FRAME, step, tmp_path / "out.jsonl", run=RUN)
    assert resumed.shards_skipped == [0, 1] and resumed.shards_run == [2, 3]
    assert step.seen == [0, 3, 6, 9]
    for suffix in (".jsonl", ".dropped.jsonl", ".quarantine.jsonl"):
        assert (tmp_path / f"out{suffix}").read_bytes() == (
            tmp_path / f"clean{suffix}"
        ).read_bytes()
    assert clean.n_kept == 5 and clean.drops_by_rule == {"odd": 5}


def test_other_settings_or_data_start_over(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run_sharded(FRAME, ParityStep(), out, run=RUN)
    changed = ParityStep(version="v2")
    assert run_sharded(FRAME, changed, out, run=RUN).shards_run == [0, 1, 2, 3]
    other = FRAME.with_columns(pl.col("n") + 100)
    assert run_sharded(other, changed, out, run=RUN).shards_run == [0, 1, 2, 3]
    assert run_sharded(other, changed, out, run=RUN).shards_skipped == [0, 1, 2, 3]


def test_work_folder_removed_after_success_by_default(tmp_path: Path) -> None:
    run_sharded(FRAME, ParityStep(), tmp_path / "out.jsonl", run=RunConfig(shard_size=4))
    assert not (tmp_path / "out.jsonl.shards").exists()


def test_empty_input_writes_empty_outputs(tmp_path: Path) -> None:
    summary = run_sharded(FRAME.clear(), ParityStep(), tmp_path / "out.parquet", run=RUN)
    assert summary.n_kept == 0 and (tmp_path / "out.parquet").exists()
    assert (tmp_path / "out.dropped.parquet").exists() and (
        tmp_path / "out.quarantine.jsonl"
    ).exists()


SLOW_CURATE = """
import sys
from verifiers.core.registry import register_path
from curation.cli import app

if __name__ == "__main__":  # forkserver workers re-import __main__
    register_path("slow_exact", "tests.curation.slow_verifier:slow_exact")
    sys.argv = ["curate", *sys.argv[1:]]
    app()
"""


def test_killed_process_resumes_without_redoing_finished_shards(tmp_path: Path) -> None:
    """SIGKILL a real ``curate filter`` mid-run; the rerun skips what was finished."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[2]
    script = tmp_path / "slow_curate.py"
    script.write_text(SLOW_CURATE)
    rows = [
        {"id": str(i), "prompt": "q", "answer": "a", "task": "slow_exact", "responses": ["a", "y"]}
        for i in range(8)
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "200"}

    def cmd(out: Path) -> list[str]:
        return [
            sys.executable,
            str(script),
            "filter",
            str(source),
            "-o",
            str(out),
            "--pass-at",
            "2",
            "--keep-solved",
            "--shard-size",
            "2",
            "--workers",
            "1",
            "--quiet",
        ]

    clean = subprocess.run(cmd(tmp_path / "clean.jsonl"), env=env, capture_output=True, timeout=120)
    assert clean.returncode == 0, clean.stderr
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(cmd(out), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker = tmp_path / "out.jsonl.shards" / "00000.done"
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert marker.exists() and not out.exists()
    finished = sorted(p.name for p in marker.parent.glob("*.done"))
    assert len(finished) < 4
    rerun = subprocess.run(cmd(out), env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{4 - len(finished)} / {len(finished)}" in rerun.stderr  # shards run / skipped
    assert out.read_bytes() == (tmp_path / "clean.jsonl").read_bytes()
