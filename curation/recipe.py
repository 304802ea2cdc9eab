"""``curate run recipe.yaml``: a whole curation pipeline from one YAML file.

A recipe is an ordered list of steps, each the name of a ``curate`` command
with its options; every step reads the previous step's output and writes its
own (plus side files) into ``workdir``, so a failed run restarts where it
stopped (finished steps are skipped when their output exists and the recipe
is unchanged; the sharded steps also resume inside a step). Example::

    name: kimi
    workdir: curated
    steps:
      - hackable: {}
      - dedup: {}
      - filter: {pass_at: 8, no_cot: true, generation: {backend: vllm, model: M}}
      - filter: {pass_at: 10, generation: {backend: vllm, model: M, n: 10}}
      - curriculum: {floor: 0.05}
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from curation.config import ColumnMap, GenerationConfig, RunConfig, ScoreConfig, one_line_error
from curation.step_table import STEPS, get_step

STEP_NAMES = tuple(STEPS)
RECIPES = Path(__file__).with_name("recipes")


class Recipe(BaseModel):
    """A parsed recipe file."""

    model_config = ConfigDict(extra="forbid")

    name: str = "recipe"
    workdir: str = Field(
        "curation-work", description="where step outputs go (relative to the recipe's cwd)"
    )
    format: str = Field("jsonl", description="format of intermediate outputs: jsonl or parquet")
    columns: ColumnMap = Field(default_factory=ColumnMap)
    run: RunConfig = Field(default_factory=RunConfig)
    generation: dict[str, Any] | None = Field(
        None, description="default generation settings of steps"
    )
    score: ScoreConfig = Field(default_factory=ScoreConfig)
    steps: list[dict[str, dict[str, Any]]]

    @model_validator(mode="after")
    def _steps_known(self) -> Recipe:
        for i, step in enumerate(self.steps):
            if not isinstance(step, dict) or len(step) != 1:
                raise ValueError(
                    f"step {i} must be a mapping with one key (the step name), got {step}"
                )
            (name,) = step
            if name.replace("-", "_") not in STEPS:
                raise ValueError(f"step {i}: unknown step {name!r}; known: {', '.join(STEPS)}")
        return self

    def check_steps(self, where: str = "") -> None:
        """Every step's options (and generation settings) valid, before anything runs.

        Raises a one-line ``ConfigError``: ``FILE: steps[4] (curriculum): flor: unknown
        key (valid: ...)``; a typo in the last step fails before the first one runs.
        """
        prefix = f"{where}: " if where else ""
        for i, step in enumerate(self.steps):
            ((name, raw),) = step.items()
            options = dict(raw or {})
            step_generation = options.pop("generation", None)
            try:
                get_step(name).config.model_validate(options)
            except ValidationError as exc:
                raise one_line_error(exc, f"{prefix}steps[{i}] ({name}):") from None
            merged = {**(self.generation or {}), **(step_generation or {})}
            if merged:
                try:  # the model may come from --model at run time
                    GenerationConfig.model_validate({"model": "(from --model)", **merged})
                except ValidationError as exc:
                    raise one_line_error(exc, f"{prefix}steps[{i}] ({name}) generation:") from None


def load_recipe(path_or_name: str | Path) -> Recipe:
    """A recipe from a YAML path, or a shipped one by name (``kimi``)."""
    path = Path(path_or_name)
    if not path.exists() and (RECIPES / f"{path_or_name}.yaml").exists():
        path = RECIPES / f"{path_or_name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a recipe is a YAML mapping with a 'steps' list")
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as exc:
        raise one_line_error(exc, f"{path}:") from None
    recipe.check_steps(str(path))
    return recipe


def _generation(
    recipe: Recipe,
    options: dict[str, Any],
    model: str | None,
    overrides: dict[str, Any] | None = None,
) -> GenerationConfig | None:
    """A step's generation settings: the recipe's, the step's, then the command line's
    (``--model``, ``--backend``, ``--base-url``, ``--template``) for every generating step."""
    merged = {**(recipe.generation or {}), **(options.pop("generation", None) or {})}
    if not merged:
        return None
    if model:
        merged["model"] = model
    merged.update({k: v for k, v in (overrides or {}).items() if v is not None})
    if "model" not in merged:
        raise ValueError("a generating step needs generation.model (in the recipe or --model)")
    return GenerationConfig.model_validate(merged)


def run_recipe(
    recipe: Recipe,
    input_path: str | Path,
    output: str | Path,
    *,
    model: str | None = None,
    generation_overrides: dict[str, Any] | None = None,
    on_step: Callable[[int, str, Any], None] | None = None,
) -> list[Any]:
    """Run every step in order; the last step's output is copied to ``output``."""
    from curation import commands

    recipe.check_steps()
    workdir = Path(recipe.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    current = Path(input_path)
    summaries: list[Any] = []
    outputs: list[Path] = []
    for index, step in enumerate(recipe.steps):
        ((raw_name, raw_options),) = step.items()
        name = get_step(raw_name).name
        options = dict(raw_options or {})
        digest = hashlib.sha256(
            json.dumps(
                [recipe.model_dump(mode="json"), index, str(current)], sort_keys=True
            ).encode()
        ).hexdigest()[:10]
        if get_step(name).whole_pipeline:  # the report: drops per step, final pass rates
            target = workdir / f"{index:02d}-{name}.html"
            summaries.append(
                # a whole-pipeline step reads every output so far (a list), which the
                # step table's one-input Runner type does not spell; its runner takes Any
                commands.run_named(
                    name,
                    outputs or [current],  # type: ignore[arg-type]
                    target,
                    options,
                    generation=None,
                    score=recipe.score,
                    columns=recipe.columns,
                    run=recipe.run,
                )
            )
            continue
        target = workdir / f"{index:02d}-{name}.{recipe.format}"
        stamp = target.with_name(target.name + ".recipe")
        if target.exists() and stamp.exists() and stamp.read_text() == digest:
            outputs.append(target)
            note = f"{target}: done earlier with this recipe, skipped"
            summaries.append(note)
            if on_step:
                on_step(index, name, note)
            current = target
            continue
        try:
            summary = commands.run_named(
                name,
                current,
                target,
                options,
                generation=_generation(recipe, options, model, generation_overrides),
                score=recipe.score,
                columns=recipe.columns,
                run=recipe.run,
            )
        except ValidationError as exc:  # a typo in the step's options: one line, the key
            raise one_line_error(exc, f"steps[{index}] ({raw_name}):") from None
        stamp.write_text(digest)
        outputs.append(target)
        summaries.append(summary)
        if on_step:
            on_step(index, name, summary)
        current = target
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if current.suffix != output.suffix:
        from curation.io import read_table, write_table

        write_table(read_table(current)[0], output)
    else:
        shutil.copyfile(current, output)
    return summaries
