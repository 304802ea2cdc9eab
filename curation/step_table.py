"""Every curation step in one table: its name, its options model and the function that runs it.

``curate run recipe.yaml`` (``recipe.py``), ``commands.run_named`` and the CLI read
this table; nothing else lists the steps. A recipe is validated against it at load,
completely, so a typo in step 5 fails before step 1 runs.

Adding a step is one row here, an options model (frozen, ``extra="forbid"``, fields
documented with ``Field(description=...)``) and a run function with the signature
``run(input_path, output, options, context) -> RunSummary``, plus a test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from curation.config import (
    NO_COT_MAX_TOKENS,
    ColumnMap,
    FilterConfig,
    GenerationConfig,
    RunConfig,
    ScoreConfig,
    TemplateName,
)
from curation.curriculum import CurriculumConfig
from curation.decontaminate import DecontaminationConfig
from curation.gen_tests.config import GenTestsConfig
from curation.hackable import HackRule
from curation.rejection import RejectionConfig
from verifiers.core.options import describe_error


class _Options(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class NoOptions(_Options):
    """A step configured only by the recipe's shared settings (generation, score...)."""


class HackableOptions(_Options):
    rules: list[HackRule] | None = Field(None, description="rules to apply (default: all)")
    check_verifier: bool = Field(
        False, description="also drop rows whose gold the verifier cannot check"
    )
    judge: bool = Field(False, description="ask a model whether the prompt is hackable")


class DecontaminateOptions(DecontaminationConfig):
    against: list[str] = Field(description="benchmark files/folders to decontaminate against")


class FilterStepOptions(FilterConfig):
    pass_at: int | None = Field(None, ge=1, description="alias of k (the CLI's --pass-at)")
    regenerate: bool | None = Field(
        None, description="sample again even when responses exist (default: when generating)"
    )


class ReportOptions(_Options):
    title: str | None = Field(None, description="title of the HTML report")


@dataclass(frozen=True)
class StepContext:
    """What a recipe (or the CLI) gives every step besides its own options."""

    generation: GenerationConfig | None
    score: ScoreConfig
    columns: ColumnMap
    run: RunConfig


Runner = Callable[[str | Path, str | Path, Any, StepContext], Any]


@dataclass(frozen=True)
class StepInfo:
    """One curation step: ``name`` (as written in recipes), its options model, its runner."""

    name: str
    config: type[BaseModel]
    run: Runner
    description: str = ""
    # Reads every earlier output (the report), not just the previous step's.
    whole_pipeline: bool = False

    def validate(self, options: dict[str, Any] | None, *, where: str = "") -> BaseModel:
        """The step's options model; ``ValueError`` naming the step, the key and valid keys."""
        try:
            return self.config.model_validate(options or {})
        except ValidationError as exc:
            step = f"{where}: step {self.name!r}" if where else f"step {self.name!r}"
            raise ValueError(describe_error(self.config, exc, step)) from None


# -- runners: options model -> the library command ---------------------------------------


def _common(ctx: StepContext) -> dict[str, Any]:
    return {"columns": ctx.columns, "run": ctx.run}


def _hackable(inp: str | Path, out: str | Path, opts: HackableOptions, ctx: StepContext) -> Any:
    from curation import commands

    rules = [r.value for r in opts.rules] if opts.rules else None
    return commands.hackable(
        inp,
        out,
        rules=rules,
        check_verifier=opts.check_verifier,
        judge=opts.judge,
        score=ctx.score,
        generation=ctx.generation,
        **_common(ctx),
    )


def _dedup(inp: str | Path, out: str | Path, opts: DecontaminationConfig, ctx: StepContext) -> Any:
    from curation import commands

    return commands.dedup(inp, out, opts, **_common(ctx))


def _decontaminate(
    inp: str | Path, out: str | Path, opts: DecontaminateOptions, ctx: StepContext
) -> Any:
    from curation import commands

    cfg = DecontaminationConfig(**opts.model_dump(exclude={"against"}))
    return commands.decontaminate(inp, out, list(opts.against), cfg, **_common(ctx))


def _rollouts(inp: str | Path, out: str | Path, opts: NoOptions, ctx: StepContext) -> Any:
    from curation import commands

    if ctx.generation is None:
        raise ValueError("the rollouts step needs generation settings")
    return commands.rollouts(inp, out, ctx.generation, **_common(ctx))


def _score(inp: str | Path, out: str | Path, opts: NoOptions, ctx: StepContext) -> Any:
    from curation import commands

    return commands.score_rollouts(inp, out, ctx.score, ctx.generation, **_common(ctx))


def _filter(inp: str | Path, out: str | Path, opts: FilterStepOptions, ctx: StepContext) -> Any:
    from curation import commands

    fields = opts.model_dump(exclude={"pass_at", "regenerate"}, exclude_unset=True)
    if opts.pass_at is not None:
        fields["k"] = opts.pass_at
    cfg = FilterConfig(**fields)
    generation = ctx.generation
    regenerate = opts.regenerate if opts.regenerate is not None else generation is not None
    if generation is not None and cfg.no_cot:
        generation = generation.model_copy(
            update={
                "template": TemplateName.NO_COT,
                "max_tokens": min(generation.max_tokens, NO_COT_MAX_TOKENS),
            }
        )
    if generation is not None and ("n" not in generation.model_fields_set or generation.n < cfg.k):
        generation = generation.model_copy(update={"n": cfg.k})  # pass@k needs k samples
    return commands.filter_pass_rate(
        inp, out, cfg, ctx.score, generation, regenerate=regenerate, **_common(ctx)
    )


def _curriculum(inp: str | Path, out: str | Path, opts: CurriculumConfig, ctx: StepContext) -> Any:
    from curation import commands

    return commands.curriculum(inp, out, opts, **_common(ctx))


def _rejection(inp: str | Path, out: str | Path, opts: RejectionConfig, ctx: StepContext) -> Any:
    from curation import commands

    return commands.rejection_sample(inp, out, opts, ctx.score, **_common(ctx))


def _gen_tests(inp: str | Path, out: str | Path, opts: GenTestsConfig, ctx: StepContext) -> Any:
    from curation.gen_tests.command import gen_tests

    return gen_tests(inp, out, opts, generation=ctx.generation, **_common(ctx))


def _report(inp: Any, out: str | Path, opts: ReportOptions, ctx: StepContext) -> Any:
    from curation import commands

    return commands.report(inp, out, opts.title)


STEPS: dict[str, StepInfo] = {
    step.name: step
    for step in (
        StepInfo("hackable", HackableOptions, _hackable, "drop prompts a policy can game"),
        StepInfo("dedup", DecontaminationConfig, _dedup, "exact and near duplicates"),
        StepInfo("decontaminate", DecontaminateOptions, _decontaminate, "benchmark overlap"),
        StepInfo("rollouts", NoOptions, _rollouts, "sample n responses per prompt"),
        StepInfo("score", NoOptions, _score, "verify every response"),
        StepInfo("filter", FilterStepOptions, _filter, "keep the useful pass-rate band"),
        StepInfo("curriculum", CurriculumConfig, _curriculum, "difficulty bins and weights"),
        StepInfo("rejection_sample", RejectionConfig, _rejection, "R1 SFT data"),
        StepInfo("gen_tests", GenTestsConfig, _gen_tests, "Kimi's generated test cases"),
        StepInfo("report", ReportOptions, _report, "HTML report", whole_pipeline=True),
    )
}


def get_step(name: str) -> StepInfo:
    """The step called ``name`` (``-`` and ``_`` are the same); ``ValueError`` lists the steps."""
    step = STEPS.get(name.replace("-", "_"))
    if step is None:
        raise ValueError(f"unknown step {name!r}; known: {', '.join(STEPS)}")
    return step
