"""R1 rejection sampling: correct + clean thoughts, at most m per prompt, every rejection named."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from curation.cli import app
from tests.curation.conftest import read_jsonl

EXPECTED_DROPS = {
    ("q1", 1): "incorrect",
    ("q1", 2): "quality_code_block",
    ("q1", 3): "quality_language_mixing",
    ("q1", 4): "quality_repetition",
    ("q1", 6): "over_limit",
    ("q2", 1): "quality_language_mixing",
    ("q2", 2): "incorrect",
}


def _run(tmp_path: Path, data_dir: Path, *flags: str) -> tuple[list[dict], list[dict]]:
    out = tmp_path / "sft.jsonl"
    args = [
        "rejection-sample",
        str(data_dir / "rejection_fixture.jsonl"),
        "-o",
        str(out),
        *flags,
        "--quiet",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return read_jsonl(out), read_jsonl(tmp_path / "sft.dropped.jsonl")


def test_keeps_correct_clean_samples_up_to_m(tmp_path: Path, data_dir: Path) -> None:
    kept, dropped = _run(tmp_path, data_dir, "-m", "2")
    assert [(r["id"], r["response_index"]) for r in kept] == [("q1", 0), ("q1", 5), ("q2", 0)]
    assert {(r["id"], r["response_index"]): r["drop_rule"] for r in dropped} == EXPECTED_DROPS
    assert all(r["drop_reason"] for r in dropped)
    assert kept[0]["thought"].startswith("First add the numbers")
    assert kept[2]["response"].startswith("<think>三加五")


def test_selected_checks_only(tmp_path: Path, data_dir: Path) -> None:
    kept, dropped = _run(tmp_path, data_dir, "-m", "10", "--check", "code_block")
    rules = {(r["id"], r["response_index"]): r["drop_rule"] for r in dropped}
    assert rules == {
        ("q1", 1): "incorrect",
        ("q1", 2): "quality_code_block",
        ("q2", 2): "incorrect",
    }
    assert len(kept) == 7


@pytest.mark.parametrize("words", [5])
def test_overlong_paragraph_threshold(tmp_path: Path, data_dir: Path, words: int) -> None:
    _, dropped = _run(tmp_path, data_dir, "-m", "10", "--max-paragraph-words", str(words))
    assert ("q1", 0) in {
        (r["id"], r["response_index"])
        for r in dropped
        if r["drop_rule"] == "quality_overlong_paragraph"
    }
