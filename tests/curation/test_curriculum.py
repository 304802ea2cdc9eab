"""Curriculum order, difficulty bins and Kimi's prioritized sampling weights."""

from __future__ import annotations

import polars as pl
import pytest

from curation.curriculum import CurriculumConfig, curriculum


def test_order_bins_and_weights() -> None:
    df = pl.DataFrame(
        {"id": ["hard", "easy", "mid", "solved", "tie"], "pass_rate": [0.0, 0.9, 0.5, 1.0, 0.5]}
    )
    split = curriculum(df, CurriculumConfig(bins=4, floor=0.05))
    out = split.kept
    assert out["id"].to_list() == ["solved", "easy", "mid", "tie", "hard"]
    assert out["difficulty_bin"].to_list() == [0, 0, 2, 2, 3]
    assert out["sampling_weight"].to_list() == pytest.approx([0.05, 0.1, 0.5, 0.5, 1.0])
    assert out["sampling_prob"].sum() == pytest.approx(1.0)
    assert out["sampling_prob"][4] / out["sampling_prob"][2] == pytest.approx(2.0)


def test_rows_without_pass_rate_are_quarantined() -> None:
    split = curriculum(
        pl.DataFrame({"id": ["a", "b"], "pass_rate": [0.5, None]}), CurriculumConfig()
    )
    assert split.kept["id"].to_list() == ["a"]
    assert split.quarantined["quarantine_reason"].to_list() == ["pass_rate is null"]
    split = curriculum(pl.DataFrame({"id": ["a"]}), CurriculumConfig())
    assert "run curate filter first" in split.quarantined["quarantine_reason"][0]


def test_no_order_keeps_input_order() -> None:
    df = pl.DataFrame({"id": ["a", "b"], "pass_rate": [0.1, 0.9]})
    assert curriculum(df, CurriculumConfig(order=False)).kept["id"].to_list() == ["a", "b"]


def test_source_cap_keeps_the_most_informative_prompts() -> None:
    df = pl.DataFrame(
        {
            "id": ["a1", "a2", "a3", "b1"],
            "source": ["a", "a", "a", "b"],
            "pass_rate": [0.9, 0.5, 0.4, 0.1],
        }
    )
    split = curriculum(df, CurriculumConfig(max_per_source=2))
    assert sorted(split.kept["id"].to_list()) == ["a2", "a3", "b1"]
    assert split.dropped["id"].to_list() == ["a1"]
    assert split.dropped["drop_rule"].to_list() == ["source_cap"]
    assert split.kept["sampling_prob"].sum() == pytest.approx(1.0)
