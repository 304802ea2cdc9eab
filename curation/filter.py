"""Difficulty filtering by pass rate (Kimi k1.5, Qwen3, open-r1, DAPO).

Per prompt: n samples, c correct, ``pass_rate = c / n``, unbiased pass@k and
maj@k. The default drops prompts solved by every sample (nothing to learn, the
advantage is zero in GRPO) and by none (no signal either; ``keep_unsolved``
keeps them for a stronger policy later). A band (``min_pass_rate`` /
``max_pass_rate``, inclusive) replaces that default when given. With answer-
only ("no-CoT") rollouts, any correct guess within k drops the prompt: Kimi's
test for prompts that can be answered without reasoning.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from curation.config import FilterConfig
from curation.passk import maj_at_k, normalise_answer, pass_at_k
from curation.schema import DROP_REASON, DROP_RULE, StepResult

STAT_COLUMNS = ("n_samples", "n_correct", "pass_rate", "pass_at_k", "maj_at_k")


def equivalence_pairs(
    df: pl.DataFrame, k: int, default_task: str, comparable: Callable[[str], bool]
) -> set[tuple[str, str, str]]:
    """``(verifier, a, b)``: distinct wrong answers whose equivalence could change a maj@k
    vote, for rows whose verifier can compare two answers (``comparable``)."""
    if "extracted" not in df.columns:
        return set()
    tasks = df["task"].to_list() if "task" in df.columns else [None] * len(df)
    pairs: set[tuple[str, str, str]] = set()
    for ex, ok, task in zip(df["extracted"].to_list(), df["correct"].to_list(), tasks, strict=True):
        verifier = task or default_task
        if not ok or ex is None or not comparable(verifier):
            continue
        votes = [(a, bool(c)) for a, c in zip(ex[:k], ok[:k], strict=True) if a is not None]
        right = sum(c for _, c in votes)
        wrong = sorted({normalise_answer(a): a for a, c in votes if not c}.values())
        if right == 0 or right > sum(1 for _, c in votes if not c):
            continue  # maj@k is decided without grouping the wrong answers
        pairs.update((verifier, a, b) for i, a in enumerate(wrong) for b in wrong[i + 1 :])
    return pairs


def add_pass_stats(
    df: pl.DataFrame,
    cfg: FilterConfig,
    same: Callable[[str, str, str], bool] | None = None,
) -> pl.DataFrame:
    """Add ``n_samples, n_correct, pass_rate, pass_at_k, maj_at_k`` (and ``k``) from ``correct``.

    ``same(task, a, b)`` decides whether two wrong answers are one vote for maj@k.
    ``correct`` entries that are null (the verifier could not decide) count as wrong.
    ``maj_at_k`` is 1.0 / 0.0 per prompt (its mean over prompts is the maj@k score), null
    when no sample has an extracted answer to vote with.
    """
    k = cfg.k
    if df.schema["correct"] != pl.List(pl.Boolean):  # user-supplied 0/1 lists
        df = df.with_columns(pl.col("correct").cast(pl.List(pl.Boolean), strict=False))
    df = df.with_columns(
        pl.col("correct").list.len().alias("n_samples"),
        pl.col("correct")
        .list.eval(pl.element().fill_null(False).cast(pl.Int64))
        .list.sum()
        .alias("n_correct"),
    ).with_columns(
        pl.when(pl.col("n_samples") > 0)
        .then(pl.col("n_correct") / pl.col("n_samples"))
        .otherwise(None)
        .alias("pass_rate"),
    )
    n_list, c_list = df["n_samples"].to_list(), df["n_correct"].to_list()
    passk = [pass_at_k(n, c, k) if n else None for n, c in zip(n_list, c_list, strict=True)]
    extracted = df["extracted"].to_list() if "extracted" in df.columns else [None] * len(df)
    tasks = df["task"].to_list() if "task" in df.columns else [None] * len(df)
    maj = []
    for ex, ok, task in zip(extracted, df["correct"].to_list(), tasks, strict=True):
        if not ok or ex is None:
            maj.append(None)
            continue
        flags = [bool(x) for x in ok]
        vote = (lambda a, b, t=task: same(t, a, b)) if same else None
        maj.append(float(maj_at_k(ex, flags, k, vote)))
    return df.with_columns(
        pl.Series("pass_at_k", passk, dtype=pl.Float64),
        pl.Series("maj_at_k", maj, dtype=pl.Float64),
        pl.lit(k).alias("k"),
    )


def _rules(cfg: FilterConfig) -> list[tuple[str, pl.Expr, pl.Expr]]:
    """(rule, drop condition, reason) in priority order: the first match names the drop."""
    rate = pl.col("pass_rate")
    solved = pl.format("solved {}/{} samples", pl.col("n_correct"), pl.col("n_samples"))
    rules: list[tuple[str, pl.Expr, pl.Expr]] = [
        ("no_samples", pl.col("n_samples") == 0, pl.lit("no responses to score")),
    ]
    if cfg.no_cot:
        first_k = (
            pl.col("correct").list.head(cfg.k).list.eval(pl.element().fill_null(False)).list.any()
        )
        reason = pl.format("answered right without reasoning within {} guesses", pl.lit(cfg.k))
        rules.append(("no_cot_guessable", first_k, reason))
        return rules
    if cfg.min_pass_rate is not None or cfg.max_pass_rate is not None:
        if cfg.min_pass_rate is not None:
            lo = cfg.min_pass_rate
            rules.append(
                (
                    "below_min_pass_rate",
                    rate < lo,
                    pl.format("pass rate {} < {}", rate.round(4), pl.lit(lo)),
                )
            )
        if cfg.max_pass_rate is not None:
            hi = cfg.max_pass_rate
            rules.append(
                (
                    "above_max_pass_rate",
                    rate > hi,
                    pl.format("pass rate {} > {}", rate.round(4), pl.lit(hi)),
                )
            )
        return rules
    if not cfg.keep_solved:
        rules.append(("all_solved", pl.col("n_correct") == pl.col("n_samples"), solved))
    if not cfg.keep_unsolved:
        rules.append(("never_solved", pl.col("n_correct") == 0, solved))
    return rules


def apply_filter(df: pl.DataFrame, cfg: FilterConfig) -> StepResult:
    """Split a frame with pass statistics into kept and dropped rows (each drop has a rule)."""
    rule_col = pl.lit(None, pl.Utf8)
    reason_col = pl.lit(None, pl.Utf8)
    for rule, cond, reason in reversed(_rules(cfg)):
        rule_col = pl.when(cond.fill_null(False)).then(pl.lit(rule)).otherwise(rule_col)
        reason_col = pl.when(cond.fill_null(False)).then(reason).otherwise(reason_col)
    tagged = df.with_columns(rule_col.alias(DROP_RULE), reason_col.alias(DROP_REASON))
    kept = tagged.filter(pl.col(DROP_RULE).is_null()).drop(DROP_RULE, DROP_REASON)
    return StepResult(kept, tagged.filter(pl.col(DROP_RULE).is_not_null()), pl.DataFrame())
