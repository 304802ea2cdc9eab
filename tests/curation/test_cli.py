"""End to end through the ``curate`` CLI on shipped fixtures, scored by the math verifier."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from curation import commands
from curation.cli import app
from curation.config import FilterConfig, RunConfig
from curation.passk import pass_at_k
from tests.curation.conftest import read_jsonl

cli = CliRunner()


def _invoke(*args: str) -> None:
    result = cli.invoke(app, [*args, "--quiet"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def filtered(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """The pinned contract: curate filter --pass-at 8 INPUT -o OUTPUT, with bad rows mixed in."""
    work = tmp_path_factory.mktemp("filter")
    source = work / "in.jsonl"
    text = (data_dir / "rollouts_fixture.jsonl").read_text(encoding="utf-8")
    bad = '{"id": "no-gold", "prompt": "q", "answer": null, "responses": ["x"]}\nthis is not json\n'
    source.write_text(text + bad, encoding="utf-8")
    _invoke("filter", "--pass-at", "8", str(source), "-o", str(work / "out.jsonl"))
    return work


def test_output_keeps_input_columns_and_adds_stats(filtered: Path, data_dir: Path) -> None:
    out = read_jsonl(filtered / "out.jsonl")
    expected = {r["id"]: r for r in read_jsonl(data_dir / "rollouts_fixture.jsonl")}
    for row in out:
        source = expected[row["id"]]
        for key, value in source.items():
            assert row[key] == value, (row["id"], key)
        n, c = len(source["responses"]), sum(source["expected_correct"])
        assert (row["n_samples"], row["n_correct"]) == (n, c)
        assert row["pass_rate"] == pytest.approx(c / n)
        assert row["pass_at_k"] == pytest.approx(pass_at_k(n, c, 8))
        assert row["correct"] == source["expected_correct"]


def test_default_drops_all_and_never_solved_with_reasons(filtered: Path) -> None:
    dropped = {r["id"]: r for r in read_jsonl(filtered / "out.dropped.jsonl")}
    assert {k: v["drop_rule"] for k, v in dropped.items()} == {
        "r-all-right": "all_solved",
        "r-never": "never_solved",
    }
    assert dropped["r-never"]["drop_reason"] == "solved 0/8 samples"
    kept = {r["id"] for r in read_jsonl(filtered / "out.jsonl")}
    assert len(kept) == 10 and not kept & set(dropped)


def test_bad_rows_are_quarantined_not_lost(filtered: Path) -> None:
    bad = read_jsonl(filtered / "out.quarantine.jsonl")
    reasons = sorted(r["quarantine_reason"].split(":")[0] for r in bad)
    assert reasons == ["bad JSON", "missing or empty answer"]


def test_maj_at_k_groups_answers_by_equivalence(filtered: Path) -> None:
    maj = {r["id"]: r["maj_at_k"] for r in read_jsonl(filtered / "out.jsonl")}
    # 1/2, 0.5 and \frac{1}{2} are one (wrong) vote of 3 against 2 right answers
    assert maj["r-maj-wrong"] == 0.0
    # 0.25, 1/4, \frac{1}{4} and 25\% are one right vote of 4 against three "5"s
    assert maj["r-maj-right"] == 1.0


@pytest.mark.parametrize(
    ("flags", "kept"),
    [
        pytest.param(["--keep-unsolved"], 11, id="keep_unsolved"),
        pytest.param(["--min-pass-rate", "0.5", "--max-pass-rate", "0.7"], 6, id="band"),
        pytest.param(["--no-cot"], 1, id="no_cot_keeps_only_never_guessed"),
    ],
)
def test_filter_modes(tmp_path: Path, data_dir: Path, flags: list[str], kept: int) -> None:
    out = tmp_path / "out.parquet"
    _invoke("filter", str(data_dir / "rollouts_fixture.jsonl"), "-o", str(out), *flags)
    assert pl.read_parquet(out).height == kept
    assert pl.read_parquet(tmp_path / "out.dropped.parquet").height == 12 - kept


def test_column_mapping_keeps_user_names(tmp_path: Path, data_dir: Path) -> None:
    rows = read_jsonl(data_dir / "rollouts_fixture.jsonl")
    renamed = [
        {
            "uid": r["id"],
            "question": r["prompt"],
            "solution": r["answer"],
            "samples": r["responses"],
        }
        for r in rows
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in renamed), encoding="utf-8")
    _invoke(
        "filter",
        str(source),
        "-o",
        str(tmp_path / "out.jsonl"),
        "--id-col",
        "uid",
        "--prompt-col",
        "question",
        "--answer-col",
        "solution",
        "--responses-col",
        "samples",
    )
    out = read_jsonl(tmp_path / "out.jsonl")
    assert {"uid", "question", "solution", "samples", "pass_rate"} <= set(out[0])
    assert "prompt" not in out[0] and len(out) == 10


def test_interrupted_filter_resumes_and_matches(tmp_path: Path, data_dir: Path) -> None:
    source = data_dir / "rollouts_fixture.jsonl"
    run = RunConfig(shard_size=4, keep_shards=True)
    first = commands.filter_pass_rate(source, tmp_path / "a.jsonl", FilterConfig(), run=run)
    assert first.shards_run == [0, 1, 2]
    reference = (tmp_path / "a.jsonl").read_bytes()
    # a crash after shards 0 and 2 finished: shard 1 has no done marker, no final output
    (tmp_path / "a.jsonl.shards" / "00001.done").unlink()
    (tmp_path / "a.jsonl").unlink()
    again = commands.filter_pass_rate(source, tmp_path / "a.jsonl", FilterConfig(), run=run)
    assert again.shards_run == [1] and again.shards_skipped == [0, 2]
    assert (tmp_path / "a.jsonl").read_bytes() == reference


def test_no_responses_and_no_backend_quarantines_with_a_reason(
    tmp_path: Path, data_dir: Path
) -> None:
    out = tmp_path / "out.jsonl"
    _invoke("filter", str(data_dir / "gym_prompts.jsonl"), "-o", str(out))
    bad = read_jsonl(tmp_path / "out.quarantine.jsonl")
    assert len(bad) == 50
    assert {r["quarantine_reason"] for r in bad} == {
        "no responses column and no generation backend configured"
    }


def test_score_command_keeps_full_verdicts(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "scored.parquet"
    _invoke("score", str(data_dir / "rollouts_fixture.jsonl"), "-o", str(out))
    df = pl.read_parquet(out)
    verdict = df["verdicts"][0][0]
    assert set(verdict) >= {"score", "correct", "status", "extracted", "reason", "verifier"}
    assert df["correct"].to_list() == df["expected_correct"].to_list()


def test_bad_configuration_exits_with_a_message(tmp_path: Path, data_dir: Path) -> None:
    result = cli.invoke(
        app,
        [
            "filter",
            str(data_dir / "rollouts_fixture.jsonl"),
            "-o",
            str(tmp_path / "o.jsonl"),
            "--min-pass-rate",
            "0.9",
            "--max-pass-rate",
            "0.1",
        ],
    )
    assert result.exit_code == 2 and "above max_pass_rate" in result.output
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_dataset_folder_output_and_input(tmp_path: Path, data_dir: Path) -> None:
    """A save_to_disk folder out (no suffix) and back in, with its side folder."""
    import datasets

    _invoke("filter", str(data_dir / "rollouts_fixture.jsonl"), "-o", str(tmp_path / "kept"))
    assert datasets.load_from_disk(str(tmp_path / "kept")).num_rows == 10
    assert datasets.load_from_disk(str(tmp_path / "kept.dropped")).num_rows == 2
    _invoke("curriculum", str(tmp_path / "kept"), "-o", str(tmp_path / "cur.jsonl"))
    assert len(read_jsonl(tmp_path / "cur.jsonl")) == 10


def test_resume_works_across_processes(tmp_path: Path, data_dir: Path) -> None:
    """The manifest must match in a new interpreter (no per-process hash seeds in it)."""
    import subprocess
    import sys

    out = tmp_path / "o.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "curation.cli",
        "filter",
        str(data_dir / "rollouts_fixture.jsonl"),
        "-o",
        str(out),
        "--shard-size",
        "5",
        "--keep-shards",
        "--quiet",
    ]
    assert subprocess.run(cmd, capture_output=True, text=True, timeout=120).returncode == 0
    reference = out.read_bytes()
    (tmp_path / "o.jsonl.shards" / "00000.done").unlink()
    done = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    assert "1 / 2" in done.stderr  # shards run / skipped
    assert out.read_bytes() == reference
