"""Hackable-prompt detectors: precision/recall on the labelled set, pinned cases, robustness."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from curation.cli import app
from curation.hackable import HackRule, detect
from curation.hackable_metrics import LABELLED as LABELLED_PATH
from curation.hackable_metrics import load_labelled, measure
from tests.curation.conftest import read_jsonl

LABELLED = load_labelled()
HELD_OUT = load_labelled(LABELLED_PATH.with_name("hackable_heldout.jsonl"))


def test_labelled_set_is_big_and_bilingual() -> None:
    assert len(LABELLED) >= 300
    langs = {r["lang"] for r in LABELLED}
    assert langs == {"en", "zh"}
    assert sum(r["lang"] == "zh" for r in LABELLED) >= 100
    for rule in HackRule:
        assert sum(rule.value in r["labels"] for r in LABELLED) >= 6, rule
    assert sum(not r["labels"] for r in LABELLED) >= 120, "needs clean prompts (hard negatives)"


@pytest.mark.parametrize("lang", [None, "en", "zh"], ids=["all", "english", "chinese"])
def test_overall_precision_and_recall(lang: str | None) -> None:
    score = measure(LABELLED, lang)["any"]
    assert score.precision >= 0.95, score
    assert score.recall >= 0.95, score


def test_second_set_written_after_the_rules() -> None:
    """72 prompts written after the first version of the rules (first measured at
    precision 0.97 / recall 0.85, see the issue note); the rules were then widened."""
    assert len(HELD_OUT) >= 70
    score = measure(HELD_OUT)["any"]
    assert score.precision >= 0.95 and score.recall >= 0.95, score


@pytest.mark.parametrize("rule", [r.value for r in HackRule])
def test_per_rule_precision_and_recall(rule: str) -> None:
    score = measure(LABELLED)[rule]
    assert score.precision >= 0.85, score
    assert score.recall >= 0.85, score


@pytest.mark.parametrize(
    ("prompt", "answer", "expected"),
    [
        pytest.param(
            "Which is larger? (A) 2^10 (B) 10^3 (C) 3^6",
            "A",
            {"multiple_choice"},
            id="en_mcq_inline",
        ),
        pytest.param(
            "下列各式中正确的是（ ）\nA．1+1=3\nB．2×3=6\nC．5-7=2",
            "B",
            {"multiple_choice"},
            id="zh_mcq",
        ),
        pytest.param("True or false: 7 is prime.", "True", {"true_false"}, id="en_true_false"),
        pytest.param("判断对错：3是偶数。", "错", {"true_false"}, id="zh_true_false"),
        pytest.param("Is 221 prime?", "No", {"yes_no"}, id="en_yes_no"),
        pytest.param("方程x²=-1是否有实数解？", "否", {"yes_no"}, id="zh_yes_no"),
        pytest.param("Prove that 2^n > n for every n.", "", {"proof"}, id="en_proof"),
        pytest.param("求证：n²+n是偶数。", "略", {"proof"}, id="zh_proof"),
        pytest.param("(a) Find f(1). (b) Find f(2).", "1; 2", {"multi_part"}, id="en_multi_part"),
        pytest.param("（1）求a；（2）求b。", "1；2", {"multi_part"}, id="zh_multi_part"),
        pytest.param(
            "Explain the idea.",
            "It is a long explanation with many words in it",
            {"unverifiable"},
            id="free_text_gold",
        ),
        pytest.param("Compute 12 * 13.", "156", set(), id="clean_arithmetic"),
        pytest.param(
            "In triangle ABC, AB = 3 and BC = 4. Find AC.",
            "5",
            set(),
            id="point_names_are_not_options",
        ),
        pytest.param(
            "Using equation (1) x+y=3 and (2) x-y=1, find x.",
            "2",
            set(),
            id="equation_references_are_not_parts",
        ),
        pytest.param("We improve the bound. Compute 3^4.", "81", set(), id="improve_is_not_prove"),
        pytest.param("计算：(1+2)×3。", "9", set(), id="zh_clean_with_parentheses"),
    ],
)
def test_pinned_cases(prompt: str, answer: str, expected: set[str]) -> None:
    assert {f.rule.value for f in detect(prompt, answer)} == expected


def test_every_flag_has_evidence() -> None:
    for row in LABELLED:
        for flag in detect(row["prompt"], row["answer"]):
            assert flag.reason, row["id"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.text(max_size=60))
def test_never_raises_on_arbitrary_text(prompt: str, answer: str) -> None:
    assert isinstance(detect(prompt, answer), list)


def test_hackable_command_drops_with_rules_and_keeps_clean(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "clean.jsonl"
    result = CliRunner().invoke(
        app, ["hackable", str(data_dir / "hackable_labelled.jsonl"), "-o", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    kept = read_jsonl(out)
    dropped = read_jsonl(tmp_path / "clean.dropped.jsonl")
    quarantined = read_jsonl(tmp_path / "clean.quarantine.jsonl")
    assert len(kept) + len(dropped) + len(quarantined) == len(LABELLED)
    assert {r["quarantine_reason"] for r in quarantined} == {"missing or empty answer"}
    assert all(r["drop_rule"] in {h.value for h in HackRule} and r["drop_reason"] for r in dropped)
    assert sum(bool(r["labels"]) for r in kept) <= 3


def test_check_verifier_flags_golds_math_cannot_read(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "ok", "prompt": "Compute 2+2.", "answer": "4"}\n'
        '{"id": "junk", "prompt": "Compute it.", "answer": "\\\\frac{"}\n'
        '{"id": "no-verifier", "prompt": "Compute 3+3.", "answer": "6", "task": "astrology"}\n'
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app, ["hackable", str(source), "-o", str(out), "--check-verifier", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_jsonl(out)] == ["ok"]
    dropped = {r["id"]: r for r in read_jsonl(tmp_path / "out.dropped.jsonl")}
    assert dropped["junk"]["drop_rule"] == "unverifiable"
    assert "no registered verifier named 'astrology'" in dropped["no-verifier"]["drop_reason"]
