"""The library face of every ``curate`` command: file in, files out, a summary back.

The CLI and ``curate run recipe.yaml`` both call these; so can a user's own
Python. Each function reads the input, normalises column names, runs its step
over shards (resumable) and writes the output plus the ``.dropped`` and
``.quarantine`` side files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, Unpack

import polars as pl

from curation import row_validation
from curation.config import (
    ColumnMap,
    FilterConfig,
    GenerationConfig,
    RunConfig,
    ScoreConfig,
)
from curation.curriculum import CurriculumConfig
from curation.curriculum import curriculum as curriculum_split
from curation.decontaminate import DecontaminateStep, DecontaminationConfig
from curation.dedup import DedupStep
from curation.hackable import HackRule
from curation.io import read_table
from curation.rejection import RejectionConfig, RejectionStep
from curation.report import build_report
from curation.schema import StepResult, resolve_columns, to_canonical
from curation.shards import RunSummary, ShardStep, run_sharded
from curation.steps import FilterStep, HackableStep, Resources, RolloutStep, ScoreStep

Progress = Callable[[int, int], None]


class WholeStepOptions(TypedDict, total=False):
    """``run_step``'s keywords that a command passes through (``run``: the command's own)."""

    columns: ColumnMap | None
    split: str
    on_shard: Progress | None


class StepOptions(WholeStepOptions, total=False):
    """``run_step``'s keywords that a sharded command passes through unchanged."""

    run: RunConfig | None


def run_step(
    step: ShardStep,
    input_path: str | Path,
    output: str | Path,
    *,
    columns: ColumnMap | None = None,
    run: RunConfig | None = None,
    split: str = "train",
    on_shard: Progress | None = None,
) -> RunSummary:
    """Read ``input_path``, run ``step`` over its shards and write the results."""
    columns = columns or ColumnMap()
    df, unreadable = read_table(
        input_path,
        split=split,
        check=lambda rows, lines: row_validation.split_rows(rows, columns, lines),
    )
    columns = resolve_columns(df, columns)  # verl's schema, dotted paths
    df = to_canonical(df, columns) if df.width else df
    df, empty_prompts = row_validation.split_frame(df)
    if empty_prompts.height:
        unreadable = pl.concat([unreadable, empty_prompts], how="diagonal_relaxed")
    return run_sharded(
        df, step, output, run=run, columns=columns, quarantined=unreadable, on_shard=on_shard
    )


def _with_resources(
    make: Callable[[Resources], ShardStep],
    generation: GenerationConfig | None,
    score: ScoreConfig | None,
    input_path: str | Path,
    output: str | Path,
    **kwargs: Unpack[StepOptions],
) -> RunSummary:
    resources = Resources(generation=generation, score=score or ScoreConfig())
    try:
        return run_step(make(resources), input_path, output, **kwargs)
    finally:
        resources.close()


def rollouts(
    input_path: str | Path,
    output: str | Path,
    generation: GenerationConfig,
    **kwargs: Unpack[StepOptions],
) -> RunSummary:
    """``curate rollouts``: add a ``responses`` column of ``n`` samples per prompt."""
    return _with_resources(RolloutStep, generation, None, input_path, output, **kwargs)


def score_rollouts(
    input_path: str | Path,
    output: str | Path,
    score: ScoreConfig | None = None,
    generation: GenerationConfig | None = None,
    **kwargs: Unpack[StepOptions],
) -> RunSummary:
    """``curate score``: verify every response (generating them first if needed)."""
    return _with_resources(ScoreStep, generation, score, input_path, output, **kwargs)


def filter_pass_rate(
    input_path: str | Path,
    output: str | Path,
    config: FilterConfig | None = None,
    score: ScoreConfig | None = None,
    generation: GenerationConfig | None = None,
    *,
    regenerate: bool = False,
    **kwargs: Unpack[StepOptions],
) -> RunSummary:
    """``curate filter --pass-at k``: generate and score if needed, then keep the useful band."""
    cfg = config or FilterConfig()
    return _with_resources(
        lambda r: FilterStep(r, cfg, regenerate=regenerate),
        generation,
        score,
        input_path,
        output,
        **kwargs,
    )


def hackable(
    input_path: str | Path,
    output: str | Path,
    *,
    rules: list[str] | None = None,
    check_verifier: bool = False,
    judge: bool = False,
    score: ScoreConfig | None = None,
    generation: GenerationConfig | None = None,
    **kwargs: Unpack[StepOptions],
) -> RunSummary:
    """``curate hackable``: drop MCQ, true/false, yes/no, proof, multi-part, uncheckable prompts."""
    chosen = tuple(HackRule(r) for r in rules) if rules else tuple(HackRule)
    if judge and generation is None:
        raise ValueError("--judge needs a generation backend (--backend/--model)")
    return _with_resources(
        lambda r: HackableStep(r, chosen, check_verifier, judge),
        generation,
        score,
        input_path,
        output,
        **kwargs,
    )


def _whole(run: RunConfig | None) -> RunConfig:
    """Steps that need every row at once run as a single shard."""
    base = run or RunConfig()
    return base.model_copy(update={"shard_size": 10**12})


def dedup(
    input_path: str | Path,
    output: str | Path,
    config: DecontaminationConfig | None = None,
    *,
    run: RunConfig | None = None,
    **kwargs: Unpack[WholeStepOptions],
) -> RunSummary:
    """``curate dedup``: exact and MinHash near-duplicates within the set (first copy kept)."""
    step = DedupStep(config or DecontaminationConfig())
    return run_step(step, input_path, output, run=_whole(run), **kwargs)


def decontaminate(
    input_path: str | Path,
    output: str | Path,
    against: list[str],
    config: DecontaminationConfig | None = None,
    **kwargs: Unpack[StepOptions],
) -> RunSummary:
    """``curate decontaminate --against ...``: n-gram overlap and MinHash near-duplicates."""
    if not against:
        raise ValueError("give at least one benchmark file with --against")
    cfg = config or DecontaminationConfig()
    step = DecontaminateStep.build(cfg, list(against))
    return run_step(step, input_path, output, **kwargs)


@dataclass
class _CurriculumStep:
    cfg: CurriculumConfig
    name: str = "curriculum"

    def fingerprint(self) -> str:
        return self.cfg.fingerprint()

    def __call__(self, shard: pl.DataFrame) -> StepResult:
        return curriculum_split(shard, self.cfg)

    def on_ray(self, shard: pl.DataFrame) -> StepResult:
        """The same result with the balance and the ordering done by Ray (``--engine ray``)."""
        from curation.engines.ray_whole import curriculum_on_ray

        return curriculum_on_ray(shard, self.cfg)


def curriculum(
    input_path: str | Path,
    output: str | Path,
    config: CurriculumConfig | None = None,
    *,
    run: RunConfig | None = None,
    **kwargs: Unpack[WholeStepOptions],
) -> RunSummary:
    """``curate curriculum``: difficulty bins, easy-to-hard order, ``sampling_weight``."""
    step = _CurriculumStep(config or CurriculumConfig())
    return run_step(step, input_path, output, run=_whole(run), **kwargs)


def rejection_sample(
    input_path: str | Path,
    output: str | Path,
    config: RejectionConfig | None = None,
    score: ScoreConfig | None = None,
    **kwargs: Unpack[StepOptions],
) -> RunSummary:
    """``curate rejection-sample``: correct rollouts that pass the quality predicates, <= m each."""
    cfg = config or RejectionConfig()
    return _with_resources(
        lambda r: RejectionStep(r, cfg), None, score, input_path, output, **kwargs
    )


def report(
    inputs: str | Path | Sequence[str | Path], output: str | Path, title: str | None = None
) -> Path:
    """``curate report``: HTML with plots of curate outputs (one, or a pipeline's in order)."""
    return build_report(inputs, output, title)


def run_named(
    name: str,
    input_path: str | Path,
    output: str | Path,
    options: dict[str, Any],
    *,
    generation: GenerationConfig | None,
    score: ScoreConfig,
    columns: ColumnMap,
    run: RunConfig,
) -> RunSummary:
    """Run the step ``name`` of the step table with recipe ``options`` (validated here)."""
    from curation.step_table import StepContext, get_step

    step = get_step(name)
    config = step.validate(options)
    context = StepContext(generation=generation, score=score, columns=columns, run=run)
    result: RunSummary = step.run(input_path, output, config, context)
    return result
