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


def test_english_system_turn_does_not_decide_the_language(tmp_path: Path) -> None:
    """An English system message and a Chinese user turn: the target is zh (the prompt
    reader skips system turns), so a clean Chinese thought is kept, as the library scores it."""
    import json

    from verifiers import compute_reward, prompt_text
    from verifiers.language import resolve_target

    prompt = [
        {"role": "system", "content": "You are a helpful assistant. Think step by step."},
        {"role": "user", "content": "计算 3 + 5。"},
    ]
    response = "<think>三加五等于八，再验算一次，结果正确。</think> 答案是 \\boxed{8}。"
    assert prompt_text(prompt) == "计算 3 + 5。"
    assert resolve_target(None, prompt=prompt) == ("zh", "prompt")
    assert compute_reward("r1", response, "8", prompt=prompt).components["language"] == 1.0
    source = tmp_path / "chat.jsonl"
    row = {"id": "c1", "prompt": prompt, "answer": "8", "responses": [response]}
    source.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "sft.jsonl"
    args = ["rejection-sample", str(source), "-o", str(out), "--quiet"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    kept = read_jsonl(out)
    dropped = (
        read_jsonl(tmp_path / "sft.dropped.jsonl")
        if (tmp_path / "sft.dropped.jsonl").exists()
        else []
    )
    assert [r["response_index"] for r in kept] == [0], dropped


def test_a_row_naming_an_unknown_verifier_is_quarantined(tmp_path: Path) -> None:
    """Its responses are not turned into 'incorrect' drops: the row is quarantined."""
    import json

    response = "<think>Three plus five is eight.</think> The answer is \\boxed{8}."
    rows = [
        {"id": "ok", "prompt": "What is 3 + 5?", "answer": "8", "responses": [response]},
        {"id": "bad", "prompt": "3 + 5?", "answer": "8", "responses": [response], "task": "mth"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "sft.jsonl"
    result = CliRunner().invoke(app, ["rejection-sample", str(source), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_jsonl(out)] == ["ok"]
    bad = read_jsonl(tmp_path / "sft.quarantine.jsonl")
    assert [(r["id"], r["quarantine_reason"].split(";")[0]) for r in bad] == [
        ("bad", "unknown verifier 'mth'")
    ]
    assert not (tmp_path / "sft.dropped.jsonl").exists() or not read_jsonl(
        tmp_path / "sft.dropped.jsonl"
    )
