"""Row-level validation: one bad row is quarantined, its neighbours are untouched."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl

from curation import commands
from curation.config import FilterConfig, RunConfig
from curation.row_validation import split_rows


def _row(i: int) -> dict:
    rng = random.Random(i)
    correct = [rng.random() < 0.5 for _ in range(4)]
    return {
        "id": f"r{i}",
        "prompt": f"What is {i} + 1?",
        "answer": str(i + 1),
        "responses": [f"<think>t</think> {i + 1 if c else 0}" for c in correct],
        "correct": correct,
    }


CORRUPT = {
    3: ("responses", "oops", "responses has type str"),
    10: ("prompt", 12345, "prompt has type int"),
    17: ("prompt", "   ", "missing or empty prompt"),
    25: ("responses", [1, 2, 3, 4], "responses[0] is int"),
    40: ("prompt", None, "missing or empty prompt"),
}


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_each_row_is_judged_on_its_own() -> None:
    rows = [_row(i) for i in range(50)]
    for i, (field, value, _) in CORRUPT.items():
        rows[i][field] = value
    del rows[33]["prompt"]
    good, bad = split_rows(rows, lines=list(range(1, 51)))
    assert len(good) == 50 - len(CORRUPT) - 1
    reasons = {b["line"] - 1: b["quarantine_reason"] for b in bad}
    assert set(reasons) == {*CORRUPT, 33}
    for i, (_, _, why) in CORRUPT.items():
        assert why in reasons[i]
    assert reasons[33] == "missing or empty prompt"
    assert all(isinstance(r["prompt"], str) for r in good)  # nothing coerced


def test_message_responses_become_text_and_rare_answer_kinds_are_quarantined() -> None:
    rows = [_row(i) for i in range(6)]
    rows[0]["responses"] = [{"role": "assistant", "content": "a"}, "b"]
    rows[1]["answer"] = {"tests": [1]}
    good, bad = split_rows(rows)
    assert good[0]["responses"] == ["a", "b"]
    assert [b["line"] for b in bad] == [2]
    assert "structure" in bad[0]["quarantine_reason"]


def test_filter_quarantines_exactly_the_corrupted_rows(tmp_path: Path) -> None:
    clean = [_row(i) for i in range(300)]
    dirty = [dict(r) for r in clean]
    for i, (field, value, _) in CORRUPT.items():
        dirty[i][field] = value
    run = RunConfig(shard_size=64)
    ref = commands.filter_pass_rate(
        _write(tmp_path / "clean.jsonl", clean),
        tmp_path / "clean.out.jsonl",
        FilterConfig(),
        run=run,
    )
    got = commands.filter_pass_rate(
        _write(tmp_path / "dirty.jsonl", dirty),
        tmp_path / "dirty.out.jsonl",
        FilterConfig(),
        run=run,
    )
    assert got.n_quarantined == len(CORRUPT)
    quarantine = pl.read_ndjson(got.quarantine_path)
    assert sorted(quarantine["line"].to_list()) == sorted(i + 1 for i in CORRUPT)
    # The same kept and dropped rows as the clean input, less the corrupted ones.
    bad_ids = {f"r{i}" for i in CORRUPT}
    kept_ref = pl.read_ndjson(ref.output).filter(~pl.col("id").is_in(bad_ids))
    dropped_ref = pl.read_ndjson(ref.dropped_path).filter(~pl.col("id").is_in(bad_ids))
    assert pl.read_ndjson(got.output).equals(kept_ref)
    assert pl.read_ndjson(got.dropped_path).equals(dropped_ref)


def test_typed_input_with_an_empty_prompt_is_quarantined_by_every_command(
    tmp_path: Path,
) -> None:
    rows = [_row(i) for i in range(20)]
    rows[5]["prompt"] = ""
    source = tmp_path / "in.parquet"
    pl.DataFrame(rows).write_parquet(source)
    got = commands.filter_pass_rate(source, tmp_path / "out.jsonl", FilterConfig())
    assert got.n_quarantined == 1
    (reason,) = pl.read_ndjson(got.quarantine_path)["quarantine_reason"].to_list()
    assert reason == "missing or empty prompt"
