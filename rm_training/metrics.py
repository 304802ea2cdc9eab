"""Binary-judge metrics: confusion counts, accuracy/precision/recall/F1, calibration (ECE)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Scores:
    """Metrics of predictions against labels (positive = "the response is correct")."""

    n: int
    accuracy: float
    precision: float
    recall: float
    f1: float
    fpr: float
    tp: int
    fp: int
    tn: int
    fn: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def binary_scores(predicted: Sequence[bool], labels: Sequence[bool]) -> Scores:
    pairs = list(zip(predicted, labels, strict=True))
    tp = sum(p and y for p, y in pairs)
    fp = sum(p and not y for p, y in pairs)
    tn = sum(not p and not y for p, y in pairs)
    fn = sum(not p and y for p, y in pairs)
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(
        n=len(pairs),
        accuracy=_ratio(tp + tn, len(pairs)),
        precision=precision,
        recall=recall,
        f1=f1,
        fpr=_ratio(fp, fp + tn),
        tp=tp,
        fp=fp,
        tn=tn,
        fn=fn,
    )


@dataclass(frozen=True)
class Calibration:
    """Expected calibration error of P(Yes) and the reliability bins behind it."""

    ece: float
    bins: list[dict[str, float]]  # lo, hi, count, mean_p, frac_positive

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def calibration(p_yes: Sequence[float], labels: Sequence[bool], n_bins: int = 10) -> Calibration:
    """ECE with equal-width bins: sum over bins of |mean P(Yes) - fraction correct| x share."""
    bins = []
    ece = 0.0
    total = len(p_yes)
    for b in range(n_bins):
        lo, hi = b / n_bins, (b + 1) / n_bins
        members = [
            (p, y)
            for p, y in zip(p_yes, labels, strict=True)
            if lo <= p < hi or (b == n_bins - 1 and p == 1.0)
        ]
        if not members:
            bins.append({"lo": lo, "hi": hi, "count": 0, "mean_p": 0.0, "frac_positive": 0.0})
            continue
        mean_p = sum(p for p, _ in members) / len(members)
        frac = sum(y for _, y in members) / len(members)
        ece += abs(mean_p - frac) * len(members) / total
        bins.append(
            {"lo": lo, "hi": hi, "count": len(members), "mean_p": mean_p, "frac_positive": frac}
        )
    return Calibration(ece=ece, bins=bins)
