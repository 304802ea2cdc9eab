"""Easy-to-hard order and Kimi k1.5's prioritized sampling weights.

Kimi orders RL prompts from easy to hard (curriculum) and samples prompt i
with probability proportional to ``1 - success_rate_i``; a floor keeps
nearly-always-solved prompts from vanishing entirely. ``difficulty_bin``
splits [0, 1] difficulty into equal-width bins (0 = easiest) so a trainer can
schedule stages. Rows without a pass rate go to quarantine: they need
``curate filter`` first.
"""

from __future__ import annotations

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
        bad = df.with_columns(
            pl.lit("no pass_rate column: run curate filter first").alias(QUARANTINE_REASON)
        )
        return StepResult(df.clear(), df.clear(), bad)
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
    total = good["sampling_weight"].sum() if good.height else 0.0
    good = good.with_columns((pl.col("sampling_weight") / (total or 1.0)).alias("sampling_prob"))
    if cfg.order:
        good = (
            good.with_columns(pl.col("id").cast(pl.Utf8).alias("_id"))
            .sort(["difficulty", "_id"], maintain_order=True)
            .drop("_id")
        )
    bad = missing.with_columns(pl.lit("pass_rate is null").alias(QUARANTINE_REASON))
    good, over = _balance(good, cfg.max_per_source)
    if over.height:  # weights are over the kept rows only
        good = good.with_columns(
            (pl.col("sampling_weight") / good["sampling_weight"].sum()).alias("sampling_prob")
        )
    return StepResult(good, over, bad)


def _balance(df: pl.DataFrame, cap: int | None) -> tuple[pl.DataFrame, pl.DataFrame]:
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
