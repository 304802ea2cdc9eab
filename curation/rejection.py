"""R1's rejection sampling for SFT data: correct rollouts with clean thoughts, at most m each.

DeepSeek-R1 (stage 3) kept only correct samples and dropped those whose
chain of thought mixes languages, runs on in overlong paragraphs or contains
code blocks. The predicates are ``verifiers.analysis.quality``'s (shared with the
reward side); this module applies them per rollout and explodes the kept
ones into one row per (prompt, response). Every rejected rollout lands in the
dropped file with the rule that rejected it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from pydantic import Field

from curation.config import _Frozen
from curation.schema import QUARANTINE_REASON, StepResult, split_by_rule, split_valid
from curation.score import score_frame, split_scorable
from verifiers.analysis.quality import QualityConfig, QualityIssue, check_quality
from verifiers.format import prompt_text, split_response


class RejectionConfig(_Frozen):
    """Which rollouts become SFT samples."""

    max_per_prompt: int = Field(4, ge=1, description="m: at most this many samples per prompt")
    checks: tuple[QualityIssue, ...] | None = Field(
        None, description="quality predicates to apply (default: all of verifiers.analysis.quality)"
    )
    quality: QualityConfig = Field(
        default_factory=QualityConfig, description="thresholds of the quality predicates"
    )
    target: str | None = Field(
        None, description="language the thought must be in (default: the prompt's language)"
    )


def quality_issues(response: str, prompt: str, cfg: RejectionConfig) -> list[tuple[str, str]]:
    """(predicate, reason) for every selected quality predicate the response fails."""
    report = check_quality(response, target=cfg.target, prompt=prompt or None, config=cfg.quality)
    return [
        (c.name.value, c.reason)
        for c in report.failures
        if cfg.checks is None or c.name in cfg.checks
    ]


def _explode(df: pl.DataFrame) -> pl.DataFrame:
    keep = [
        c
        for c in df.columns
        if c not in ("responses", "correct", "scores", "extracted", "verdicts")
    ]
    return df.select(
        *keep,
        pl.col("responses").alias("response"),
        pl.col("correct").alias("response_correct"),
        pl.int_ranges(pl.col("responses").list.len()).alias("response_index"),
    ).explode(["response", "response_correct", "response_index"])


def rejection_sample(df: pl.DataFrame, cfg: RejectionConfig) -> StepResult:
    """One row per kept (prompt, response); rejected rollouts dropped with a rule each."""
    rows = _explode(df).filter(pl.col("response").is_not_null())
    found: list[tuple[str, str] | None] = []
    taken: dict[Any, int] = {}
    for row_id, prompt, response, ok in zip(
        rows["id"].to_list(),
        rows["prompt"].to_list(),
        rows["response"].to_list(),
        rows["response_correct"].to_list(),
        strict=True,
    ):
        rule: str | None = None
        reason: str | None = None
        if ok is not True:
            rule, reason = "incorrect", "the verifier did not judge this response correct"
        else:
            issues = quality_issues(response, prompt_text(prompt), cfg)
            if issues:
                rule = f"quality_{issues[0][0]}"
                reason = "; ".join(f"{name}: {why}" for name, why in issues)
            elif taken.get(row_id, 0) >= cfg.max_per_prompt:
                rule, reason = "over_limit", f"already {cfg.max_per_prompt} samples for this prompt"
        if rule is None:
            taken[row_id] = taken.get(row_id, 0) + 1
        found.append((rule, reason or "") if rule else None)
    thoughts = [split_response(r).thought for r in rows["response"].to_list()]
    return split_by_rule(rows.with_columns(pl.Series("thought", thoughts, dtype=pl.Utf8)), found)


@dataclass
class RejectionStep:
    """``curate rejection-sample``: scores first when the input has no ``correct`` column."""

    resources: Any
    config: RejectionConfig
    name: str = "rejection_sample"

    def fingerprint(self) -> str:
        return f"{self.config.fingerprint()}-{self.resources.score.fingerprint()}"

    def __call__(self, shard: pl.DataFrame) -> StepResult:
        if "responses" not in shard.columns:
            bad = shard.with_columns(
                pl.lit("no responses column: run curate rollouts first").alias(QUARANTINE_REASON)
            )
            return StepResult(shard.clear(), shard.clear(), bad)
        bad = pl.DataFrame()
        if "correct" not in shard.columns:
            shard, bad = split_valid(shard)
            shard, unscorable = split_scorable(shard, self.resources.score)
            bad = pl.concat([bad, unscorable], how="diagonal_relaxed")
            shard = score_frame(shard, self.resources.score, self.resources.runner())
        out = rejection_sample(shard, self.config)
        return StepResult(out.kept, out.dropped, bad)
