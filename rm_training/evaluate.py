"""``rm-train eval``: a judge against the labels, against the rules, on the master-key suite.

What the report answers: is the judge right (accuracy, precision, recall, F1,
overall and per category), where does it differ from the rule verifier (the
rules are very precise, so disagreement on rule-decided items is a warning
and agreement on rule misses is the judge's value), can it be fooled (FPR on
the master-key suite, which gates the cascade), and can P(Yes) be read as a
probability (ECE and reliability bins). Baselines in the same run: the
majority class of the train split and the rule verifier itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rm_training.metrics import binary_scores, calibration
from verifiers.model_judge.master_key import suite

Item = tuple[str, str, str]  # question, reference, response
Scorer = Callable[[Sequence[Item]], list[tuple[float, str]]]


class JudgeKind(str, Enum):
    SFT = "sft"
    CLASSIFIER = "classifier"


class EvalConfig(BaseModel):
    """Which judge to evaluate and how."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(description="trained model directory (an `rm-train train` output/model)")
    kind: JudgeKind = Field(JudgeKind.SFT, description="generative judge or classifier")
    split: str = Field("eval", description="dataset split to evaluate")
    threshold: float = Field(0.5, gt=0, lt=1, description="P(Yes) at or above = correct")
    think: bool = Field(True, description="generative judge writes its check before the verdict")
    max_new_tokens: int = Field(96, ge=1, description="room for the generated check")
    batch_size: int = Field(16, ge=1)
    limit: int | None = Field(None, ge=1, description="evaluate only the first N rows")
    master_key: bool = Field(True, description="also run the master-key suite")
    max_fpr: float = Field(0.05, ge=0, le=1, description="master-key FPR above this fails")


def make_scorer(cfg: EvalConfig) -> Scorer:
    if cfg.kind == JudgeKind.CLASSIFIER:
        from rm_training.classifier import ClassifierJudge

        clf = ClassifierJudge(cfg.model, batch_size=cfg.batch_size)
        return lambda items: [(p, "") for p in clf.p_yes(items)]
    from verifiers.model_judge.local import LocalJudge

    judge = LocalJudge(
        cfg.model, think=cfg.think, max_new_tokens=cfg.max_new_tokens, batch_size=cfg.batch_size
    )
    return lambda items: [(o.p_yes, o.text) for o in judge.judge(items)]


def _by(rows: Sequence[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(str(row[key]), []).append(row)
    return dict(sorted(out.items()))


def master_key_report(scorer: Scorer, threshold: float, max_fpr: float) -> dict[str, Any]:
    """FPR of the judge on every master-key case, overall and per category (all are wrong)."""
    cases = suite()
    scored = scorer([(c.question, c.reference, c.response) for c in cases])
    rows: list[dict[str, Any]] = [
        {"category": c.category, "response": c.response, "p_yes": p, "accepted": p >= threshold}
        for c, (p, _) in zip(cases, scored, strict=True)
    ]
    fpr = sum(r["accepted"] for r in rows) / len(rows)
    return {
        "n": len(rows),
        "fpr": fpr,
        "max_fpr": max_fpr,
        "passed": fpr <= max_fpr,
        "by_category": {
            k: sum(r["accepted"] for r in v) / len(v) for k, v in _by(rows, "category").items()
        },
        "accepted": [r for r in rows if r["accepted"]][:20],
    }


def score_rows(
    rows: Sequence[dict[str, Any]], scorer: Scorer, threshold: float
) -> list[dict[str, Any]]:
    scored = scorer([(r["question"], r["reference"], r["response"]) for r in rows])
    return [
        {**r, "p_yes": p, "judge_text": text, "predicted": p >= threshold}
        for r, (p, text) in zip(rows, scored, strict=True)
    ]


def summarise(
    rows: Sequence[dict[str, Any]], majority_label: bool, master_key: dict[str, Any] | None
) -> dict[str, Any]:
    """Every figure of the report from scored rows (pure, so it is tested without a model)."""
    labels = [bool(r["label"]) for r in rows]
    predicted = [bool(r["predicted"]) for r in rows]
    rules = [r["rule_correct"] is True for r in rows]
    misses = [r for r in rows if (r["rule_correct"] is True) != bool(r["label"])]
    return {
        "n": len(rows),
        "judge": binary_scores(predicted, labels).to_dict(),
        "majority": binary_scores([majority_label] * len(rows), labels).to_dict(),
        "rules": binary_scores(rules, labels).to_dict(),
        "majority_label": majority_label,
        "agreement_with_rules": sum(p == q for p, q in zip(predicted, rules, strict=True))
        / max(1, len(rows)),
        "on_rule_misses": binary_scores(
            [bool(r["predicted"]) for r in misses], [bool(r["label"]) for r in misses]
        ).to_dict(),
        "by_category": {
            name: {
                "judge": binary_scores(
                    [bool(r["predicted"]) for r in part], [bool(r["label"]) for r in part]
                ).to_dict(),
                "rules": binary_scores(
                    [r["rule_correct"] is True for r in part], [bool(r["label"]) for r in part]
                ).to_dict(),
                "agreement_with_rules": sum(
                    bool(r["predicted"]) == (r["rule_correct"] is True) for r in part
                )
                / len(part),
            }
            for name, part in _by(rows, "category").items()
        },
        "calibration": calibration([float(r["p_yes"]) for r in rows], labels).to_dict(),
        "master_key": master_key,
    }


def evaluate(dataset: str | Path, cfg: EvalConfig, output: str | Path) -> dict[str, Any]:
    """Score the split, write ``metrics.json``, ``predictions.parquet`` and ``report.html``."""
    import polars as pl

    from rm_training.data import load_split
    from rm_training.report import write_report

    frame = load_split(dataset, cfg.split)
    if cfg.limit:
        frame = frame.head(cfg.limit)
    train = load_split(dataset, "train")
    mean = train["label"].cast(pl.Float64).mean() if train.height else None
    majority = isinstance(mean, float) and mean >= 0.5
    scorer = make_scorer(cfg)
    rows = score_rows(frame.to_dicts(), scorer, cfg.threshold)
    mk = master_key_report(scorer, cfg.threshold, cfg.max_fpr) if cfg.master_key else None
    summary = {"config": cfg.model_dump(mode="json"), **summarise(rows, majority, mk)}
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    pl.DataFrame(rows).write_parquet(out / "predictions.parquet")
    write_report(summary, rows, out / "report.html")
    return summary
