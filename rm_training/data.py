"""``rm-train data``: labelled sources -> a balanced, split, decontaminated judge dataset.

The steps, in order: read every source; add hard negatives and positives
around each (question, reference); ask the rule verifier about every example
(its verdict becomes the check's explanation and the "agreement with rules"
columns); drop constructed examples the rules contradict; write the targets;
deduplicate; split by question so no question is in both splits; remove train
examples whose question is a near-duplicate of an eval question; balance the
labels per split. Output: parquet splits and a dataset card that
``datasets.load_dataset(DIR)`` reads.
"""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from rm_training.card import write_card
from rm_training.examples import Example, ReadReport, read_source
from rm_training.io import read_table
from rm_training.negatives import hard_negatives, hard_positives
from rm_training.targets import RuleView, TeacherConfig, rule_check, teacher_checks
from verifiers.analysis.contamination import (
    BenchmarkIndex,
    ContaminationConfig,
    benchmark_prompts,
)
from verifiers.core.batch import VerifyItem, verify_batch
from verifiers.core.registry import DEFAULT_TASK
from verifiers.model_judge.master_key import suite

SPLITS = ("train", "eval")


class DataConfig(BaseModel):
    """How ``rm-train data`` builds the dataset."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    eval_fraction: float = Field(0.2, gt=0.0, lt=1.0, description="share of questions held out")
    seed: int = Field(0, description="split, augmentation and balancing seed")
    augment: bool = Field(True, description="add hard negatives and positives per question")
    balance: bool = Field(True, description="downsample the majority label in each split")
    rules_verifier: str = Field(DEFAULT_TASK, description="rule verifier that explains and guards")
    rules_timeout_s: float = Field(5.0, gt=0, description="hard limit per rule verification")
    workers: int = Field(2, ge=1, description="rule-verification worker processes")
    decontaminate: ContaminationConfig = Field(
        default_factory=ContaminationConfig,
        description="how close a train question may be to an eval question",
    )
    against: tuple[str, ...] = Field(
        (), description="extra benchmark files to decontaminate both splits against"
    )
    teacher: TeacherConfig | None = Field(None, description="write checks with a teacher model")


@dataclass
class DataReport:
    """What the data step did, for the CLI and the card."""

    read: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    dropped: Counter[str] = field(default_factory=Counter)
    rows: dict[str, int] = field(default_factory=dict)
    labels: dict[str, dict[str, int]] = field(default_factory=dict)
    categories: dict[str, dict[str, int]] = field(default_factory=dict)
    teacher_checks: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "skipped": self.skipped,
            "dropped": dict(self.dropped),
            "rows": self.rows,
            "labels": self.labels,
            "categories": self.categories,
            "teacher_checks": self.teacher_checks,
        }


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).lower()


def augment(base: Sequence[Example], seed: int) -> list[Example]:
    """Hard negatives and positives for every distinct (question, reference) of ``base``."""
    seen: dict[tuple[str, str], str] = {}
    for ex in base:
        seen.setdefault((ex.question, ex.reference), ex.source)
    out = []
    for (question, reference), source in sorted(seen.items()):
        rng = random.Random(f"{seed}:{question}:{reference}")
        for cand in hard_negatives(reference, rng) + hard_positives(reference, rng):
            out.append(
                Example(question, reference, cand.response, cand.label, cand.category, source)
            )
    return out


def rule_views(examples: Sequence[Example], cfg: DataConfig) -> list[RuleView]:
    """The rule verifier's verdict on every example, each bounded by the runner."""
    items = [VerifyItem(cfg.rules_verifier, e.response, e.reference) for e in examples]
    verdicts = verify_batch(items, timeout_s=cfg.rules_timeout_s, workers=cfg.workers)
    return [RuleView.of(v) for v in verdicts]


def contradicted(example: Example, rules: RuleView, constructed: bool) -> bool:
    """A constructed example whose label the rules contradict is not trusted.

    Rules are very precise: a constructed negative they accept, or a
    constructed positive they judge wrong (status ok), more likely means the
    construction failed than that the rules did. A constructed positive the
    rules cannot read (``parse_error``, ``no_answer``) is kept: that is the
    rules' recall gap the judge exists for. Labelled data is kept as labelled.
    """
    if not constructed:
        return False
    if example.label:
        return rules.status == "ok" and rules.correct is False
    return rules.correct is True


def group_split(group: str, eval_fraction: float, seed: int) -> str:
    """Train or eval for a question, stable across runs and independent of row order."""
    digest = hashlib.sha256(f"{seed}:{group}".encode()).digest()
    return "eval" if int.from_bytes(digest[:8], "big") / 2**64 < eval_fraction else "train"


def balance(rows: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """Downsample the majority label to the minority's count, evenly across categories (seeded).

    Sampling the majority label uniformly thins every category by the same
    factor, so the few content-free and injection negatives per gold, the
    ones that fool judges, stay as rare as they were built. Water-filling
    instead gives each category the same quota (a category smaller than
    its quota keeps all its rows and its slack goes to the others), so no
    kind of negative is crowded out by the kinds that come many per gold.
    """
    pos = [r for r in rows if r["label"]]
    neg = [r for r in rows if not r["label"]]
    keep = min(len(pos), len(neg))
    rng = random.Random(seed)
    pos, neg = _even_sample(pos, keep, rng), _even_sample(neg, keep, rng)
    return sorted(pos + neg, key=lambda r: r["id"])


def _even_sample(rows: list[dict[str, Any]], keep: int, rng: random.Random) -> list[dict[str, Any]]:
    """``keep`` of ``rows``, the same number from each category where it has enough."""
    if len(rows) <= keep:
        return rows
    by_category: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: r["id"]):  # order-independent draw
        by_category.setdefault(str(row["category"]), []).append(row)
    groups = sorted(by_category.items(), key=lambda kv: (len(kv[1]), kv[0]))
    out: list[dict[str, Any]] = []
    left = keep
    for i, (_, members) in enumerate(groups):  # smallest first: their slack flows onward
        quota = left // (len(groups) - i)
        take = min(quota, len(members))
        out += rng.sample(members, take)
        left -= take
    return out


def _row(example: Example, rules: RuleView) -> dict[str, Any]:
    key = json.dumps([example.group, example.reference, _norm(example.response)])
    return {
        "id": hashlib.sha256(key.encode()).hexdigest()[:16],
        **example.to_dict(),
        "group": example.group,
        "rule_correct": rules.correct,
        "rule_status": rules.status,
        "rule_extracted": rules.extracted,
        "rule_reason": rules.reason,
    }


def _decontaminate(
    rows: dict[str, list[dict[str, Any]]], cfg: DataConfig, report: DataReport
) -> None:
    eval_questions = sorted({r["question"] for r in rows["eval"] if r["question"].strip()})
    named = [(f"eval:{i}", q) for i, q in enumerate(eval_questions)]
    # the master-key suite's questions are an eval set too: a judge must never train on them
    named += [(f"master-key:{i}", q) for i, q in enumerate(sorted({c.question for c in suite()}))]
    checks = [("train", BenchmarkIndex.build(named, cfg.decontaminate))]
    if cfg.against:
        column = cfg.decontaminate.against_column
        bench = [
            text
            for path in cfg.against
            for text in benchmark_prompts(path, read_table(path).by_column(), column)
        ]
        external = BenchmarkIndex.build(bench, cfg.decontaminate)
        checks += [("train", external), ("eval", external)]
    for split, index in checks:
        kept = []
        for row in rows[split]:
            hit = index.match(row["question"]) if row["question"].strip() else None
            if hit is None:
                kept.append(row)
            else:
                report.dropped[f"{split}: contaminated ({hit[0]})"] += 1
        rows[split] = kept


def build_dataset(sources: Sequence[str | Path], output: str | Path, cfg: DataConfig) -> DataReport:
    """Build the judge dataset from ``sources`` into ``output`` (parquet splits + card)."""
    read = ReadReport()
    base = [ex for path in sources for ex in read_source(path, read)]
    if not base:
        raise ValueError(f"no usable examples in {list(map(str, sources))}: {dict(read.skipped)}")
    report = DataReport(read=dict(read.read), skipped=dict(read.skipped))
    extra = augment(base, cfg.seed) if cfg.augment else []
    examples = base + extra
    views = rule_views(examples, cfg)
    checks: list[str | None] = [None] * len(examples)
    if cfg.teacher is not None:
        checks = teacher_checks(examples, cfg.teacher, cfg.seed)
        report.teacher_checks = sum(c is not None for c in checks)
    rows: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    seen: set[str] = set()
    for i, (example, rules) in enumerate(zip(examples, views, strict=True)):
        if contradicted(example, rules, constructed=i >= len(base)):
            report.dropped[f"rules contradict constructed {example.category}"] += 1
            continue
        example = replace(example, check=checks[i] or rule_check(example, rules))
        row = _row(example, rules)
        if row["id"] in seen:
            report.dropped["duplicate"] += 1
            continue
        seen.add(row["id"])
        rows[group_split(example.group, cfg.eval_fraction, cfg.seed)].append(row)
    _decontaminate(rows, cfg, report)
    for split in SPLITS:
        before = len(rows[split])
        rows[split] = balance(rows[split], cfg.seed) if cfg.balance else rows[split]
        if before - len(rows[split]):
            report.dropped[f"{split}: balancing"] += before - len(rows[split])
        report.rows[split] = len(rows[split])
        report.labels[split] = dict(Counter(str(r["label"]).lower() for r in rows[split]))
        report.categories[split] = dict(sorted(Counter(r["category"] for r in rows[split]).items()))
    write_dataset(rows, Path(output), cfg, report)
    return report


def write_dataset(
    rows: dict[str, list[dict[str, Any]]], output: Path, cfg: DataConfig, report: DataReport
) -> None:
    (output / "data").mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        frame = pl.DataFrame(rows[split], schema=_SCHEMA) if rows[split] else _empty()
        frame.write_parquet(output / "data" / f"{split}.parquet")
    (output / "data_report.json").write_text(
        json.dumps({"config": cfg.model_dump(mode="json"), **report.to_dict()}, indent=2),
        encoding="utf-8",
    )
    write_card(output, cfg.model_dump(mode="json"), report.to_dict())


_SCHEMA = {
    "id": pl.Utf8,
    "question": pl.Utf8,
    "reference": pl.Utf8,
    "response": pl.Utf8,
    "label": pl.Boolean,
    "category": pl.Utf8,
    "source": pl.Utf8,
    "check": pl.Utf8,
    "group": pl.Utf8,
    "rule_correct": pl.Boolean,
    "rule_status": pl.Utf8,
    "rule_extracted": pl.Utf8,
    "rule_reason": pl.Utf8,
}


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=_SCHEMA)


def load_split(dataset: str | Path, split: str) -> pl.DataFrame:
    """One split of a dataset written by ``build_dataset``."""
    path = Path(dataset) / "data" / f"{split}.parquet"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: is {dataset} an `rm-train data` output?")
    return pl.read_parquet(path)
