"""The map steps the sharded commands run: rollouts, score, filter.

Each step is a small object with a name, a config fingerprint (for resume)
and ``__call__(shard) -> Split``; heavy resources (a model, a worker pool)
are opened lazily on first use and closed by ``close()``. ``FilterStep``
chains the others: with no ``responses`` column and a backend configured it
generates first, with no ``correct`` column it scores first, so one command
does the whole job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from curation.backends.base import Backend, make_backend
from curation.config import FilterConfig, GenerationConfig, ScoreConfig
from curation.filter import STAT_COLUMNS, add_pass_stats, apply_filter, equivalence_pairs
from curation.hackable import Flag, HackRule, flag_frame
from curation.rollouts import generate_frame
from curation.schema import StepResult, split_by_rule, split_valid
from curation.score import (
    answer_template_of,
    equivalence_table,
    gold_checks,
    score_frame,
    split_scorable,
)
from verifiers.core.runner import BoundedRunner

ROLLOUT_COLUMNS = (
    "responses",
    "correct",
    "scores",
    "extracted",
    "verdicts",
    *STAT_COLUMNS,
    "k",
)
"""Columns a fresh generation replaces (a recipe's second filter must not reuse the first's)."""


@dataclass
class Resources:
    """Lazily opened engines shared by the steps of one command."""

    generation: GenerationConfig | None = None
    score: ScoreConfig = field(default_factory=ScoreConfig)
    _backend: Backend | None = None
    _runner: BoundedRunner | None = None

    def backend(self) -> Backend:
        if self.generation is None:
            raise ValueError("no generation backend configured (give --backend and --model)")
        if self._backend is None:
            self._backend = make_backend(self.generation)
        return self._backend

    def runner(self) -> BoundedRunner | None:
        if self.score.server:
            return None
        if self._runner is None:
            self._runner = BoundedRunner(self.score.workers, memory_mb=self.score.memory_mb)
        return self._runner

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
        if self._runner is not None:
            self._runner.close()
        self._backend = self._runner = None


def _merge(*splits: StepResult) -> StepResult:
    """Combine the drops and quarantines of consecutive sub-steps; ``kept`` is the last one's."""
    dropped = [s.dropped for s in splits if s.dropped.height]
    bad = [s.quarantined for s in splits if s.quarantined.height]
    return StepResult(
        kept=splits[-1].kept,
        dropped=pl.concat(dropped, how="diagonal_relaxed") if dropped else splits[-1].dropped,
        quarantined=pl.concat(bad, how="diagonal_relaxed") if bad else pl.DataFrame(),
    )


def _fp(*configs: Any) -> str:
    return "-".join(c.fingerprint() if c is not None else "none" for c in configs)


@dataclass
class RolloutStep:
    """``curate rollouts``: add ``responses``."""

    resources: Resources
    name: str = "rollouts"

    def fingerprint(self) -> str:
        return _fp(self.resources.generation)

    def __call__(self, shard: pl.DataFrame) -> StepResult:
        good, bad = split_valid(shard, need_answer=False)
        if self.resources.generation is None:
            raise ValueError("the rollouts step needs generation settings (--model/--backend)")
        out = generate_frame(good, self.resources.generation, self.resources.backend())
        return _merge(StepResult(good, good.clear(), bad), out)


@dataclass
class ScoreStep:
    """``curate score``: add ``correct``, ``scores``, ``extracted``, ``verdicts``."""

    resources: Resources
    name: str = "score"

    def fingerprint(self) -> str:
        return _fp(self.resources.score, self.resources.generation)

    def __call__(self, shard: pl.DataFrame) -> StepResult:
        first = StepResult.keep_all(shard)
        if "responses" not in shard.columns:
            good, bad = split_valid(shard, need_prompt=True)
            first = _merge(StepResult(good, good.clear(), bad), RolloutStep(self.resources)(good))
        good, bad = split_valid(first.kept, need_prompt=False)
        good, unscorable = split_scorable(good, self.resources.score)
        bad = pl.concat([bad, unscorable], how="diagonal_relaxed")
        scored = score_frame(good, self.resources.score, self.resources.runner())
        return _merge(first, StepResult(scored, good.clear(), bad))


@dataclass
class FilterStep:
    """``curate filter --pass-at k``: pass statistics and the keep/drop decision."""

    resources: Resources
    config: FilterConfig = field(default_factory=FilterConfig)
    regenerate: bool = False
    name: str = "filter"

    def fingerprint(self) -> str:
        return _fp(self.config, self.resources.score, self.resources.generation) + str(
            self.regenerate
        )

    def _same(self, df: pl.DataFrame) -> Any:
        """maj@k's equivalence of two wrong answers, precomputed for the shard in one batch."""
        default_task = self.resources.score.task
        comparable = lambda verifier: answer_template_of(verifier) is not None  # noqa: E731
        pairs = equivalence_pairs(df, self.config.k, default_task, comparable)
        table = equivalence_table(pairs, self.resources.score, self.resources.runner())

        def same(task: str | None, a: str, b: str) -> bool:
            verifier = task or default_task
            if not comparable(verifier):
                return a.strip() == b.strip()
            return table.get((verifier, a, b), table.get((verifier, b, a), False))

        return same

    def __call__(self, shard: pl.DataFrame) -> StepResult:
        if self.regenerate and self.resources.generation is not None:
            shard = shard.drop(ROLLOUT_COLUMNS, strict=False)
        first = StepResult.keep_all(shard)
        if "correct" not in shard.columns:
            if "responses" not in shard.columns and self.resources.generation is None:
                good, bad = split_valid(shard)
                reason = "no responses column and no generation backend configured"
                bad = pl.concat(
                    [bad, good.with_columns(pl.lit(reason).alias("quarantine_reason"))],
                    how="diagonal_relaxed",
                )
                return StepResult(good.clear(), good.clear(), bad)
            first = ScoreStep(self.resources)(shard)
        scored, failed = _split_unscored(first.kept)
        stats = add_pass_stats(scored, self.config, self._same(scored))
        return _merge(
            first, StepResult(scored, scored.clear(), failed), apply_filter(stats, self.config)
        )


def _split_unscored(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows whose every verification failed or timed out (server down, verifier crash, a
    stuck sandbox) go to quarantine: counting them as "never solved" would drop good
    prompts for an infrastructure reason."""
    if "verdicts" not in df.columns or df.is_empty():
        return df, pl.DataFrame()
    status = pl.col("verdicts").list.eval(pl.element().struct.field("status"))
    failed = pl.element().is_in(["error", "timeout"]).cast(pl.Int64)
    errors = status.list.eval(failed).list.sum()
    df = df.with_columns(errors.fill_null(0).alias("n_errors"))
    broken = (pl.col("n_errors") > 0) & (pl.col("n_errors") == pl.col("verdicts").list.len())
    first_reason = pl.col("verdicts").list.first().struct.field("reason")
    # A bad gold is the dataset's fault: the row is quarantined, never counted unsolved.
    bad_gold = status.list.contains("reference_error").fill_null(False)
    gold_reason = (
        pl.col("verdicts")
        .list.eval(pl.element().filter(pl.element().struct.field("status") == "reference_error"))
        .list.first()
        .struct.field("reason")
    )
    reason = (
        pl.when(bad_gold)
        .then(pl.format("bad gold (reference_error): {}", gold_reason))
        .otherwise(pl.format("every verification failed or timed out: {}", first_reason))
    )
    failed = broken | bad_gold
    bad = df.filter(failed).with_columns(reason.alias("quarantine_reason"))
    return df.filter(~failed), bad


@dataclass
class HackableStep:
    """``curate hackable``: drop MCQ, true/false, yes/no, proof, multi-part, uncheckable prompts."""

    resources: Resources
    rules: tuple[HackRule, ...] = tuple(HackRule)
    check_verifier: bool = False
    judge: bool = False
    name: str = "hackable"

    def fingerprint(self) -> str:
        extra = f"{sorted(r.value for r in self.rules)}-{self.check_verifier}-{self.judge}"
        return _fp(self.resources.score, self.resources.generation if self.judge else None) + extra

    def __call__(self, shard: pl.DataFrame) -> StepResult:
        good, bad = split_valid(shard)
        flags = flag_frame(good["prompt"].to_list(), good["answer"].to_list(), list(self.rules))
        if self.check_verifier and HackRule.UNVERIFIABLE in self.rules:
            checks = gold_checks(good, self.resources.score, self.resources.runner())
            flags = [
                f
                if any(x.rule == HackRule.UNVERIFIABLE for x in f) or c is None
                else [*f, Flag(HackRule.UNVERIFIABLE, c)]
                for f, c in zip(flags, checks, strict=True)
            ]
        judged: list[str | None] = [None] * len(good)
        if self.judge and len(good):
            from curation.hackable_judge import judge_prompts
            from curation.rollouts import prompt_seed

            texts = [str(p) for p in good["prompt"].to_list()]
            seeds = [prompt_seed(0, i) for i in good["id"].to_list()]
            results = judge_prompts(texts, self.resources.backend(), seeds)
            judged = [label for label, _ in results]
            flags = [
                [*f, Flag(HackRule(label), f"model judge says {label}")]
                if label not in (None, "ok") and not any(x.rule.value == label for x in f)
                else f
                for f, label in zip(flags, judged, strict=True)
            ]
        good = good.with_columns(
            pl.Series(
                "hack_flags", [[x.rule.value for x in f] for f in flags], dtype=pl.List(pl.Utf8)
            )
        )
        if self.judge:
            good = good.with_columns(pl.Series("judge_label", judged, dtype=pl.Utf8))
        found = [
            (f[0].rule.value, "; ".join(f"{x.rule.value}: {x.reason}" for x in f)) if f else None
            for f in flags
        ]
        return split_by_rule(good, found, bad)
