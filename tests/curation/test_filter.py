"""Pass-rate filter rules: every drop has a rule and a reason."""

from __future__ import annotations

import polars as pl
import pytest

from curation.config import FilterConfig
from curation.filter import add_pass_stats, apply_filter


def _frame(correct: dict[str, list[bool | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"id": list(correct), "correct": list(correct.values())},
        schema={"id": pl.Utf8, "correct": pl.List(pl.Boolean)},
    )


ROWS = {
    "all": [True] * 8,
    "none": [False] * 8,
    "one": [True] + [False] * 7,
    "half": [True, False] * 4,
    "seven": [True] * 7 + [False],
    "undecided": [None] * 4 + [True] * 4,
    "empty": [],
}


def _decide(cfg: FilterConfig) -> dict[str, str | None]:
    split = apply_filter(add_pass_stats(_frame(ROWS), cfg), cfg)
    out: dict[str, str | None] = dict.fromkeys(split.kept["id"].to_list())
    assert split.dropped["drop_reason"].null_count() == 0
    out.update(
        dict(zip(split.dropped["id"].to_list(), split.dropped["drop_rule"].to_list(), strict=True))
    )
    assert len(out) == len(ROWS), "a row was lost"
    return out


@pytest.mark.parametrize(
    ("cfg", "expected"),
    [
        pytest.param(
            FilterConfig(),
            {
                "all": "all_solved",
                "none": "never_solved",
                "one": None,
                "half": None,
                "seven": None,
                "undecided": None,
                "empty": "no_samples",
            },
            id="default_drops_all_and_never_solved",
        ),
        pytest.param(
            FilterConfig(keep_unsolved=True),
            {
                "all": "all_solved",
                "none": None,
                "one": None,
                "half": None,
                "seven": None,
                "undecided": None,
                "empty": "no_samples",
            },
            id="keep_unsolved_keeps_never_solved",
        ),
        pytest.param(
            FilterConfig(min_pass_rate=0.2, max_pass_rate=0.8),
            {
                "all": "above_max_pass_rate",
                "none": "below_min_pass_rate",
                "one": "below_min_pass_rate",
                "half": None,
                "seven": "above_max_pass_rate",
                "undecided": None,
                "empty": "no_samples",
            },
            id="band_replaces_the_default",
        ),
        pytest.param(
            FilterConfig(min_pass_rate=0.5),
            {
                "all": None,
                "none": "below_min_pass_rate",
                "one": "below_min_pass_rate",
                "half": None,
                "seven": None,
                "undecided": None,
                "empty": "no_samples",
            },
            id="band_is_inclusive_and_one_sided",
        ),
        pytest.param(
            FilterConfig(no_cot=True, k=8),
            {
                "all": "no_cot_guessable",
                "none": None,
                "one": "no_cot_guessable",
                "half": "no_cot_guessable",
                "seven": "no_cot_guessable",
                "undecided": "no_cot_guessable",
                "empty": "no_samples",
            },
            id="no_cot_drops_any_right_guess",
        ),
        pytest.param(
            FilterConfig(no_cot=True, k=1),
            {
                "all": "no_cot_guessable",
                "none": None,
                "one": "no_cot_guessable",
                "half": "no_cot_guessable",
                "seven": "no_cot_guessable",
                "undecided": None,
                "empty": "no_samples",
            },
            id="no_cot_only_looks_at_first_k",
        ),
    ],
)
def test_filter_rules(cfg: FilterConfig, expected: dict[str, str | None]) -> None:
    assert _decide(cfg) == expected


def test_stats_columns_and_null_correct_counts_as_wrong() -> None:
    stats = add_pass_stats(_frame(ROWS), FilterConfig(k=2)).filter(pl.col("id") == "undecided")
    row = stats.row(0, named=True)
    assert (row["n_samples"], row["n_correct"], row["pass_rate"]) == (8, 4, 0.5)
    assert row["pass_at_k"] == pytest.approx(1 - (4 * 3) / (8 * 7))
    assert row["k"] == 2


def test_band_validation() -> None:
    with pytest.raises(ValueError, match="above max_pass_rate"):
        FilterConfig(min_pass_rate=0.9, max_pass_rate=0.1)


def test_user_supplied_integer_correct_lists_are_read_as_booleans() -> None:
    df = pl.DataFrame({"id": ["a"], "correct": [[1, 0, 0, 1]]})
    row = add_pass_stats(df, FilterConfig(k=2)).row(0, named=True)
    assert (row["n_samples"], row["n_correct"]) == (4, 2)
