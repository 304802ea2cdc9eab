"""``rm-train data``: sources, hard negatives/positives, targets, splits, decontamination, card."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest

from rm_training.data import DataConfig, balance, build_dataset, group_split, load_split
from rm_training.examples import Example, ReadReport, read_source
from rm_training.negatives import (
    CONTENT_FREE_PER_GOLD,
    CONTENT_FREE_TRAIN,
    INJECTIONS,
    equivalent_forms,
    hard_negatives,
    near_misses,
)
from rm_training.targets import RuleView, rule_check
from verifiers import verify
from verifiers.model_judge.master_key import QUESTIONS, suite
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


def test_card_loads_with_datasets(dataset: Path, tmp_path: Path) -> None:
    from datasets import load_dataset

    loaded = load_dataset(str(dataset), cache_dir=str(tmp_path))  # no stale cache of a tmp path
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


def test_every_gold_gets_several_distinct_master_key_negatives() -> None:
    negatives = hard_negatives("12", random.Random(0))
    free = [c.response for c in negatives if c.category == "content_free"]
    assert len(set(free)) == len(free) == CONTENT_FREE_PER_GOLD
    assert set(free) <= set(CONTENT_FREE_TRAIN)
    injected = [c.response for c in negatives if c.category == "injection"]
    assert len([r for r in injected if r in INJECTIONS]) >= 2


def test_training_keeps_some_master_key_strings_held_out() -> None:
    held_out = {c.response for c in suite() if c.category == "content_free"}
    held_out -= set(CONTENT_FREE_TRAIN)
    assert len(held_out) >= 5  # the eval measures generalisation, not memorised strings


def _rows(label: bool, category: str, n: int) -> list[dict[str, object]]:
    return [{"id": f"{category}{label}{i:04d}", "label": label, "category": category}
            for i in range(n)]  # fmt: skip


def test_balancing_spreads_the_majority_label_evenly_across_categories() -> None:
    rows = _rows(True, "notation", 300)
    rows += _rows(False, "near_miss", 500) + _rows(False, "hedged", 500)
    rows += _rows(False, "content_free", 40) + _rows(False, "injection", 200)
    kept = balance(rows, seed=0)
    counts = {c: sum(1 for r in kept if r["category"] == c and not r["label"])
              for c in ("near_miss", "hedged", "content_free", "injection")}  # fmt: skip
    assert sum(counts.values()) == 300 == sum(1 for r in kept if r["label"])
    assert counts["content_free"] == 40  # smaller than its quota: every row kept
    rest = [counts["near_miss"], counts["hedged"], counts["injection"]]
    assert max(rest) - min(rest) <= 1  # the other 260 split evenly, not 1:1:0.4 as drawn
    assert balance(rows, seed=0) == kept  # seeded


def test_master_key_questions_never_reach_the_train_split(tmp_path: Path) -> None:
    question, reference, _ = QUESTIONS[0]
    rows = [{"question": question, "reference": reference, "response": f"\\boxed{{{reference}}}",
             "label": True}]  # fmt: skip
    rows += [
        {"question": f"Farmer {i} plants {i} rows of {i} trees; how many trees are planted?",
         "reference": str(i * i), "response": f"\\boxed{{{i * i}}}", "label": True}
        for i in range(2, 30)
    ]  # fmt: skip
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n".join(json.dumps(r) for r in rows))
    cfg = DataConfig(workers=1, balance=False, eval_fraction=0.01)
    assert group_split(question, cfg.eval_fraction, cfg.seed) == "train"  # would be trained on
    report = build_dataset([pairs], tmp_path / "out", cfg)
    train = load_split(tmp_path / "out", "train")
    assert question not in set(train["question"])
    assert train.height > 20
    assert any("contaminated" in k for k in report.dropped)
