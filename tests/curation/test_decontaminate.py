"""Decontamination against benchmark sets and dedup within a set."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from curation.cli import app
from curation.decontaminate import DecontaminationConfig
from curation.dedup import find_duplicates
from tests.curation.conftest import read_jsonl
from tests.verifiers.analysis.test_contamination import BENCH


def test_dedup_keeps_first_and_names_the_original() -> None:
    texts = ["Compute 2 + 2.", "compute 2+2", "Compute 3 + 3.", "Compute  2 + 2 ."]
    found = find_duplicates(["a", "b", "c", "d"], texts, DecontaminationConfig())
    assert found[0] is None and found[2] is None
    assert found[1] == ("exact_duplicate", "same normalised prompt as id a")
    assert found[3] is not None and found[3][0] == "exact_duplicate"


def test_decontaminate_and_dedup_commands(tmp_path: Path) -> None:
    bench = tmp_path / "bench.jsonl"
    bench.write_text("".join(json.dumps({"problem": t}) + "\n" for _, t in BENCH), encoding="utf-8")
    rows = [
        {"id": "1", "prompt": BENCH[0][1], "answer": "1"},
        {"id": "2", "prompt": "Compute 17 * 19.", "answer": "323"},
        {"id": "3", "prompt": "compute 17*19", "answer": "323"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "decontaminate",
            str(source),
            "-o",
            str(tmp_path / "d.jsonl"),
            "--against",
            str(bench),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_jsonl(tmp_path / "d.jsonl")] == ["2", "3"]
    assert read_jsonl(tmp_path / "d.dropped.jsonl")[0]["drop_rule"] == "ngram_overlap"
    result = runner.invoke(
        app, ["dedup", str(tmp_path / "d.jsonl"), "-o", str(tmp_path / "e.jsonl"), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_jsonl(tmp_path / "e.jsonl")] == ["2"]
    assert (
        read_jsonl(tmp_path / "e.dropped.jsonl")[0]["drop_reason"]
        == "same normalised prompt as id 2"
    )
