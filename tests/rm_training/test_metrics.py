"""Metrics and the report's summary, computed by hand on tiny tables."""

from __future__ import annotations

import pytest

from rm_training.evaluate import summarise
from rm_training.metrics import binary_scores, calibration
from verifiers.model_judge.master_key import CONTENT_FREE, suite
from verifiers.model_judge.prompt import parse_verdict, strip_verdict


def test_binary_scores_by_hand() -> None:
    s = binary_scores([True, True, False, False, True], [True, False, False, True, True])
    assert (s.tp, s.fp, s.tn, s.fn) == (2, 1, 1, 1)
    assert s.accuracy == pytest.approx(0.6)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 3)
    assert s.fpr == pytest.approx(0.5)


def test_perfectly_calibrated_bins_have_zero_ece() -> None:
    p = [0.25] * 4 + [0.75] * 4
    y = [True, False, False, False, True, True, True, False]
    assert calibration(p, y).ece == pytest.approx(0.0)


def test_overconfident_judge_has_large_ece() -> None:
    cal = calibration([0.95] * 10, [True] * 5 + [False] * 5)
    assert cal.ece == pytest.approx(0.45)
    assert sum(b["count"] for b in cal.bins) == 10


def test_summary_compares_judge_rules_and_majority() -> None:
    rows = [
        {"label": True, "predicted": True, "rule_correct": True, "p_yes": 0.9, "category": "a"},
        {"label": True, "predicted": True, "rule_correct": False, "p_yes": 0.8, "category": "b"},
        {"label": False, "predicted": False, "rule_correct": False, "p_yes": 0.1, "category": "b"},
        {"label": False, "predicted": True, "rule_correct": False, "p_yes": 0.6, "category": "a"},
    ]
    s = summarise(rows, majority_label=False, master_key=None)
    assert s["judge"]["accuracy"] == pytest.approx(0.75)
    assert s["majority"]["accuracy"] == pytest.approx(0.5)
    assert s["rules"]["accuracy"] == pytest.approx(0.75)
    assert s["on_rule_misses"]["n"] == 1 and s["on_rule_misses"]["accuracy"] == 1.0
    assert s["agreement_with_rules"] == pytest.approx(0.5)
    assert set(s["by_category"]) == {"a", "b"}


def test_master_key_suite_is_all_negatives_with_the_papers_strings() -> None:
    cases = suite()
    assert {":", "Thought process:", "Let's solve this step by step.", "解"} <= set(CONTENT_FREE)
    assert {c.category for c in cases} == {"content_free", "injection", "gold_in_wrong_work"}
    assert len(cases) >= 200


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("check\nVerdict: Yes", True),
        ("check\nverdict: no", False),
        ("Verdict: Yes\nOn reflection...\nVerdict: No", False),
        ("no verdict here", None),
        ("The Verdict: Yes is mid-line", None),
    ],
    ids=["yes", "lowercase_no", "last_line_wins", "absent", "not_at_line_start"],
)
def test_parse_verdict(text: str, verdict: bool | None) -> None:
    assert parse_verdict(text) is verdict


def test_strip_verdict_keeps_the_check() -> None:
    assert strip_verdict("a\nb\nVerdict: Yes") == "a\nb"
