"""``--engine ray``: the same step on a local Ray cluster gives the local engine's output bytes,
and a run whose driver was killed resumes from the shards Ray had finished."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from curation.commands import filter_pass_rate
from curation.config import FilterConfig, RunConfig, ScoreConfig
from curation.shards import run_sharded
from tests.curation.test_shards import FRAME, ParityStep

pytestmark = [pytest.mark.ray, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SIDE_FILES = (".jsonl", ".dropped.jsonl", ".quarantine.jsonl")


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    from curation.engines.ray_data import connect

    ray = connect(None)
    yield
    ray.shutdown()


def _same_files(a: Path, b: Path) -> None:
    for suffix in SIDE_FILES:
        left = a.with_name(a.name.removesuffix(".jsonl") + suffix)
        right = b.with_name(b.name.removesuffix(".jsonl") + suffix)
        assert left.read_bytes() == right.read_bytes(), suffix


def test_parity_step_on_ray_matches_local_bytes(tmp_path: Path, ray_cluster: None) -> None:
    local = run_sharded(FRAME, ParityStep(), tmp_path / "local.jsonl", run=RunConfig(shard_size=3))
    on_ray = run_sharded(
        FRAME, ParityStep(), tmp_path / "ray.jsonl", run=RunConfig(shard_size=3, engine="ray")
    )
    assert sorted(on_ray.shards_run) == [0, 1, 2, 3]
    assert (on_ray.n_kept, on_ray.n_dropped) == (local.n_kept, local.n_dropped) == (5, 5)
    _same_files(tmp_path / "local.jsonl", tmp_path / "ray.jsonl")


def test_filter_pass_at_8_on_ray_matches_local(
    tmp_path: Path, data_dir: Path, ray_cluster: None
) -> None:
    """The real filter step, with the bounded runner inside each Ray actor."""
    src = data_dir / "rollouts_fixture.jsonl"
    cfg = FilterConfig(k=8)
    score = ScoreConfig(workers=1)
    local = filter_pass_rate(
        src, tmp_path / "local.jsonl", cfg, score, run=RunConfig(shard_size=4, progress=False)
    )
    on_ray = filter_pass_rate(
        src,
        tmp_path / "ray.jsonl",
        cfg,
        score,
        run=RunConfig(shard_size=4, progress=False, engine="ray", ray_actors=2),
    )
    assert (on_ray.n_kept, on_ray.n_dropped, on_ray.n_quarantined) == (
        local.n_kept,
        local.n_dropped,
        local.n_quarantined,
    )
    assert on_ray.drops_by_rule == local.drops_by_rule
    _same_files(tmp_path / "local.jsonl", tmp_path / "ray.jsonl")
    rates = pl.read_ndjson(tmp_path / "ray.jsonl").select("id", "pass_rate")
    assert rates.height == local.n_kept and rates["pass_rate"].is_not_null().all()


DRIVER = """
import sys, time
import polars as pl
from curation.config import RunConfig
from curation.shards import run_sharded
from tests.curation.test_ray_engine import SlowParity
frame = pl.DataFrame({"id": [str(i) for i in range(12)], "n": list(range(12))})
run_sharded(frame, SlowParity(), sys.argv[1], run=RunConfig(shard_size=2, engine="ray",
            ray_actors=1, keep_shards=True))
"""


class SlowParity(ParityStep):
    """Parity, one second per shard: slow enough to kill the driver half-way."""

    def __call__(self, shard: pl.DataFrame):  # type: ignore[no-untyped-def]
        time.sleep(1.0)
        return super().__call__(shard)


def test_resume_after_the_driver_is_killed(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(out)], cwd=ROOT, env=env, start_new_session=True
    )
    shards = tmp_path / "out.jsonl.shards"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(shards.glob("*.done"))) < 2:
        time.sleep(0.2)
    os.killpg(driver.pid, signal.SIGKILL)  # the driver and the local cluster it started
    driver.wait()
    finished = sorted(int(p.name.split(".")[0]) for p in shards.glob("*.done"))
    assert 2 <= len(finished) < 6, finished
    frame = pl.DataFrame({"id": [str(i) for i in range(12)], "n": list(range(12))})
    resumed = run_sharded(
        frame, SlowParity(), out, run=RunConfig(shard_size=2, engine="ray", ray_actors=1)
    )
    assert sorted(resumed.shards_skipped) == finished
    assert sorted(resumed.shards_run) == sorted(set(range(6)) - set(finished))
    clean = run_sharded(frame, ParityStep(), tmp_path / "clean.jsonl", run=RunConfig(shard_size=2))
    assert clean.n_kept == resumed.n_kept == 6
    _same_files(tmp_path / "clean.jsonl", out)


def test_rollouts_on_ray_replicas_match_local(
    tmp_path: Path, data_dir: Path, tiny_model: Path, ray_cluster: None
) -> None:
    """Generation placed by Ray: each actor holds one engine (here the tiny transformers model,
    a vLLM replica on a GPU cluster); per-prompt seeds make the samples the local ones."""
    from curation.commands import rollouts
    from curation.config import GenerationConfig

    rows = pl.read_ndjson(data_dir / "rollouts_fixture.jsonl").select("id", "prompt", "answer")
    source = tmp_path / "prompts.jsonl"
    rows.head(4).write_ndjson(source)
    generation = GenerationConfig(
        backend="transformers", model=str(tiny_model), n=2, max_tokens=5, dtype="float32"
    )
    local = rollouts(source, tmp_path / "local.jsonl", generation, run=RunConfig(shard_size=2))
    on_ray = rollouts(
        source,
        tmp_path / "ray.jsonl",
        generation,
        run=RunConfig(shard_size=2, engine="ray", ray_actors=2),
    )
    assert local.n_kept == on_ray.n_kept == 4
    _same_files(tmp_path / "local.jsonl", tmp_path / "ray.jsonl")
    assert all(len(r) == 2 for r in pl.read_ndjson(tmp_path / "ray.jsonl")["responses"])


def _whole_table_input(tmp_path: Path) -> Path:
    rows = []
    for i in range(60):
        rate = None if i % 17 == 5 else round((i * 7 % 11) / 10, 2)
        prompt = f"Problem {i % 23}: compute the value of {i % 23} squared plus one."
        rows.append(
            {
                "id": f"p{i:03d}",
                "prompt": prompt,
                "answer": "1",
                "source": f"s{i % 3}",
                "pass_rate": rate,
            }
        )
    path = tmp_path / "whole.jsonl"
    pl.DataFrame(rows).write_ndjson(path)
    return path


@pytest.mark.parametrize(
    "cap", [None, 7], ids=["ordered_and_weighted", "balanced_per_source_by_groupby"]
)
def test_curriculum_on_ray_matches_local(
    tmp_path: Path, cap: int | None, ray_cluster: None
) -> None:
    from curation.commands import curriculum
    from curation.curriculum import CurriculumConfig

    src = _whole_table_input(tmp_path)
    cfg = CurriculumConfig(max_per_source=cap)
    local = curriculum(src, tmp_path / "local.jsonl", cfg, run=RunConfig(progress=False))
    on_ray = curriculum(
        src, tmp_path / "ray.jsonl", cfg, run=RunConfig(progress=False, engine="ray")
    )
    assert (local.n_kept, local.n_dropped, local.n_quarantined) == (
        on_ray.n_kept,
        on_ray.n_dropped,
        on_ray.n_quarantined,
    )
    assert local.n_quarantined == 4 and (local.n_dropped > 0) == (cap is not None)
    _same_files(tmp_path / "local.jsonl", tmp_path / "ray.jsonl")


def test_dedup_command_on_ray_matches_local(tmp_path: Path, ray_cluster: None) -> None:
    from curation.commands import dedup

    src = _whole_table_input(tmp_path)
    local = dedup(src, tmp_path / "local.jsonl", run=RunConfig(progress=False))
    on_ray = dedup(src, tmp_path / "ray.jsonl", run=RunConfig(progress=False, engine="ray"))
    assert local.n_dropped == on_ray.n_dropped == 60 - 23
    _same_files(tmp_path / "local.jsonl", tmp_path / "ray.jsonl")
