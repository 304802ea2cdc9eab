"""``rm-train data``: sources, hard negatives/positives, targets, splits, decontamination, card."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest

from rm_training.data import DataConfig, build_dataset, group_split, load_split
from rm_training.examples import Example, ReadReport, read_source
from rm_training.negatives import equivalent_forms, hard_negatives, near_misses
from rm_training.targets import RuleView, rule_check
from verifiers import verify
from verifiers.model_judge.prompt import parse_verdict, verdict_line

HARD_NEGATIVES = {
    "near_miss", "hedged", "multi_answer", "truncated", "content_free",
    "gold_in_wrong_work", "injection",
}  # fmt: skip


def test_splits_never_share_a_question(dataset: Path) -> None:
    train, test = load_split(dataset, "train"), load_split(dataset, "eval")
    assert train.height > 100 and test.height > 20
    assert not set(train["group"]) & set(test["group"])


@pytest.mark.parametrize("split", ["train", "eval"])
def test_labels_are_balanced(dataset: Path, split: str) -> None:
    labels = load_split(dataset, split)["label"]
    assert labels.sum() == labels.len() - labels.sum()


def test_every_check_ends_in_the_verdict_of_its_label(dataset: Path) -> None:
    for row in load_split(dataset, "train").iter_rows(named=True):
        assert row["check"].splitlines()[-1] == verdict_line(row["label"])
        assert parse_verdict(row["check"]) == row["label"]


def test_hard_negatives_and_positives_are_present(dataset: Path) -> None:
    train = load_split(dataset, "train")
    categories = set(train["category"])
    assert categories >= HARD_NEGATIVES
    assert categories & {"equivalent_form", "units", "notation"}
    negatives = train.filter(pl.col("category").is_in(sorted(HARD_NEGATIVES)))
    assert not negatives["label"].any()


def test_no_duplicate_rows(dataset: Path) -> None:
    train = load_split(dataset, "train")
    assert train["id"].n_unique() == train.height


def test_card_loads_with_datasets(dataset: Path) -> None:
    from datasets import load_dataset

    loaded = load_dataset(str(dataset))
    assert set(loaded) == {"train", "eval"}
    assert loaded["train"].num_rows == load_split(dataset, "train").height
    assert "Verdict: Yes" in (dataset / "README.md").read_text()


def test_rollouts_become_one_example_per_response(tmp_path: Path) -> None:
    rollouts = tmp_path / "scored.jsonl"
    rows = [
        {"prompt": [{"role": "user", "content": "What is 2+2?"}], "answer": "4",
         "responses": ["\\boxed{4}", "\\boxed{5}"], "correct": [True, False]},
        {"prompt": [{"role": "user", "content": "What is 3+3?"}], "answer": "6",
         "responses": ["\\boxed{6}", "x"], "correct": [True, None]},
    ]  # fmt: skip
    rollouts.write_text("\n".join(json.dumps(r) for r in rows))
    report = ReadReport()
    examples = read_source(rollouts, report)
    assert [(e.question, e.label) for e in examples] == [
        ("What is 2+2?", True), ("What is 2+2?", False), ("What is 3+3?", True)
    ]  # fmt: skip
    assert sum(report.skipped.values()) == 1  # the unlabelled response, with a reason


def test_structured_golds_are_skipped_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "code.jsonl"
    row = {"prompt": "p", "answer": {"tests": ["t"]}, "responses": ["x"], "correct": [False]}
    path.write_text(json.dumps(row))
    report = ReadReport()
    assert read_source(path, report) == []
    assert any("structured" in k for k in report.skipped)


def test_unusable_table_is_reported_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "hello"}))
    report = ReadReport()
    assert read_source(path, report) == []
    assert any("needs a reference" in k for k in report.skipped)


def test_decontamination_drops_questions_of_a_benchmark(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    questions = [f"How many apples does farmer number {i} have after the harvest of year {i}?"
                 for i in range(30)]  # fmt: skip
    rows = [
        {"question": q, "reference": str(i), "response": f"\\boxed{{{i}}}", "label": True}
        for i, q in enumerate(questions)
    ]
    pairs.write_text("\n".join(json.dumps(r) for r in rows))
    bench = tmp_path / "bench.jsonl"
    bench.write_text(json.dumps({"question": questions[3]}))
    cfg = DataConfig(against=(str(bench),), workers=1, balance=False)
    report = build_dataset([pairs], tmp_path / "out", cfg)
    kept = pl.concat([load_split(tmp_path / "out", s) for s in ("train", "eval")])
    assert questions[3] not in set(kept["question"])
    assert questions[4] in set(kept["question"])
    assert any("contaminated" in k for k in report.dropped)


def test_group_split_is_stable_and_near_the_fraction() -> None:
    groups = [f"q{i}" for i in range(2000)]
    first = [group_split(g, 0.2, 0) for g in groups]
    assert first == [group_split(g, 0.2, 0) for g in groups]
    assert 0.17 < first.count("eval") / len(groups) < 0.23


@pytest.mark.parametrize("reference", ["12", "-3", "\\frac{3}{4}", "0.25", "7/8"])
def test_near_misses_are_wrong_and_equivalent_forms_right(reference: str) -> None:
    for miss in near_misses(reference):
        assert verify("math", f"\\boxed{{{miss}}}", reference).correct is False, miss
    for form, _ in equivalent_forms(reference):
        assert verify("math", f"\\boxed{{{form}}}", reference).correct is True, form


def test_hard_negatives_cover_the_master_key_shapes() -> None:
    kinds = {c.category for c in hard_negatives("12", random.Random(0))}
    assert kinds == HARD_NEGATIVES


def test_rule_check_never_argues_against_its_label() -> None:
    example = Example("q", "(-1, 4]", "the answer is (-1, 4].", True, "notation", "s")
    miss = RuleView(False, "parse_error", "(-1, 4]", "the answer could not be read as math")
    check = rule_check(example, miss)
    assert "could not be read" not in check
    assert check.endswith(verdict_line(True))
    agree = RuleView(True, "ok", "(-1, 4]", "equivalent to the gold")
    assert "equivalent to the gold" in rule_check(example, agree)
