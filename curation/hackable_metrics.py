"""Precision and recall of the hackable-prompt detectors on a labelled set.

The labelled set (``datasets/curation/hackable_labelled.jsonl``) has one row
per prompt with ``prompt``, ``answer``, ``lang`` and ``labels`` (the rules a
person judged to apply; empty = a clean prompt). ``measure`` scores each rule
and the overall "flag or not" decision, per language and in total.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curation.hackable import HackRule, detect

LABELLED = Path(__file__).resolve().parents[1] / "datasets" / "curation" / "hackable_labelled.jsonl"


@dataclass(frozen=True)
class Score:
    """Counts and the two rates for one rule (or for the overall decision)."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_labelled(path: Path = LABELLED) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def measure(rows: Iterable[dict[str, Any]], lang: str | None = None) -> dict[str, Score]:
    """Per-rule scores and ``"any"`` (flagged by some rule vs labelled with some rule)."""
    counts: dict[str, list[int]] = {r.value: [0, 0, 0] for r in HackRule}
    counts["any"] = [0, 0, 0]
    for row in rows:
        if lang and row.get("lang") != lang:
            continue
        gold = set(row["labels"])
        found = {f.rule.value for f in detect(row["prompt"], row["answer"])}
        for rule in [r.value for r in HackRule]:
            _count(counts[rule], rule in gold, rule in found)
        _count(counts["any"], bool(gold), bool(found))
    return {rule: Score(*c) for rule, c in counts.items()}


def _count(cell: list[int], truth: bool, predicted: bool) -> None:
    if truth and predicted:
        cell[0] += 1
    elif predicted:
        cell[1] += 1
    elif truth:
        cell[2] += 1


def errors(rows: Iterable[dict[str, Any]]) -> list[tuple[str, set[str], set[str]]]:
    """(id, labels, detected) for every row where the two disagree: what to look at next."""
    out = []
    for row in rows:
        found = {f.rule.value for f in detect(row["prompt"], row["answer"])}
        if found != set(row["labels"]):
            out.append((row["id"], set(row["labels"]), found))
    return out
