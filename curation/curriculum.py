"""Easy-to-hard order and Kimi k1.5's prioritized sampling weights.

Kimi orders RL prompts from easy to hard (curriculum) and samples prompt i
with probability proportional to ``1 - success_rate_i``; a floor keeps
nearly-always-solved prompts from vanishing entirely. ``difficulty_bin``
splits [0, 1] difficulty into equal-width bins (0 = easiest) so a trainer can
schedule stages. Rows without a pass rate go to quarantine: they need
``curate filter`` first.
"""

from __future__ import annotations

import math

import polars as pl
from pydantic import Field

from curation.config import _Frozen
from curation.schema import DROP_REASON, DROP_RULE, QUARANTINE_REASON, StepResult


class CurriculumConfig(_Frozen):
    """Bins and weights."""

    bins: int = Field(5, ge=1, description="equal-width difficulty bins over [0, 1]")
    floor: float = Field(0.05, ge=0.0, le=1.0, description="minimum sampling weight")
    order: bool = Field(True, description="sort easy to hard (ties by id)")
    max_per_source: int | None = Field(
        None, ge=1, description="keep at most this many prompts per source (balance)"
    )


def curriculum(df: pl.DataFrame, cfg: CurriculumConfig) -> StepResult:
    """Add ``difficulty``, ``difficulty_bin``, ``sampling_weight`` and ``sampling_prob``."""
    if "pass_rate" not in df.columns:
        return no_pass_rate(df)
    good, bad = annotate(df, cfg)
    good, over = balance(good, cfg.max_per_source)
    if cfg.order:
        good, over = easy_to_hard(good), easy_to_hard(over)
    return StepResult(with_probabilities(good, total_weight(good)), over, bad)


def no_pass_rate(df: pl.DataFrame) -> StepResult:
    bad = df.with_columns(
        pl.lit("no pass_rate column: run curate filter first").alias(QUARANTINE_REASON)
    )
    return StepResult(df.clear(), df.clear(), bad)


def annotate(df: pl.DataFrame, cfg: CurriculumConfig) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per-row columns (a pure map: any block of rows at a time); rows without a pass rate
    are returned apart, with their quarantine reason."""
    df = df.with_columns(pl.col("pass_rate").cast(pl.Float64, strict=False))
    missing = df.filter(pl.col("pass_rate").is_null() | pl.col("pass_rate").is_nan())
    good = df.filter(pl.col("pass_rate").is_not_null() & pl.col("pass_rate").is_not_nan())
    difficulty = (1.0 - pl.col("pass_rate")).clip(0.0, 1.0)
    good = good.with_columns(
        difficulty.alias("difficulty"),
        (difficulty * cfg.bins)
        .floor()
        .cast(pl.Int64)
        .clip(0, cfg.bins - 1)
        .alias("difficulty_bin"),
        pl.max_horizontal(difficulty, pl.lit(cfg.floor)).alias("sampling_weight"),
    )
    return good, missing.with_columns(pl.lit("pass_rate is null").alias(QUARANTINE_REASON))


def total_weight(good: pl.DataFrame) -> float:
    """The exactly rounded sum of the kept rows' weights (``math.fsum``): the same value
    whatever order or grouping the rows are summed in, so every engine agrees to the bit."""
    return math.fsum(good["sampling_weight"].to_list()) if good.height else 0.0


def with_probabilities(good: pl.DataFrame, total: float) -> pl.DataFrame:
    """Kimi's prioritized sampling: probability proportional to the weight."""
    return good.with_columns((pl.col("sampling_weight") / (total or 1.0)).alias("sampling_prob"))


def easy_to_hard(df: pl.DataFrame) -> pl.DataFrame:
    """Sort by difficulty, ties by id (as text), stable."""
    if df.is_empty():
        return df
    return (
        df.with_columns(pl.col("id").cast(pl.Utf8).alias("_id"))
        .sort(["difficulty", "_id"], maintain_order=True)
        .drop("_id")
    )


def balance(df: pl.DataFrame, cap: int | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep at most ``cap`` prompts per source (SPEC: no source should dominate).

    Within a source the prompts kept are those nearest a 0.5 pass rate (the
    most informative for RL), ties by id, so the choice is deterministic.
    """
    if cap is None or "source" not in df.columns or df.is_empty():
        return df, df.clear()
    ranked = df.with_columns(
        (pl.col("pass_rate") - 0.5).abs().alias("_dist"), pl.col("id").cast(pl.Utf8).alias("_id")
    ).with_columns(
        pl.struct("_dist", "_id")
        .rank("ordinal")
        .over(pl.col("source").cast(pl.Utf8).fill_null(""))
        .alias("_rank")
    )
    keep = pl.col("_rank") <= cap
    helper = ["_dist", "_id", "_rank"]
    over = (
        ranked.filter(~keep)
        .drop(helper)
        .with_columns(
            pl.lit("source_cap").alias(DROP_RULE),
            pl.format("source {} already has {} prompts", pl.col("source"), pl.lit(cap)).alias(
                DROP_REASON
            ),
        )
    )
    return ranked.filter(keep).drop(helper), over
