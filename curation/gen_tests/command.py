"""The library face of ``curate gen-tests`` (the CLI and recipes call this)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from curation.config import ColumnMap, GenerationConfig, RunConfig
from curation.gen_tests.config import GenTestsConfig
from curation.gen_tests.step import GenTestsStep
from curation.shards import RunSummary


def gen_tests(
    input_path: str | Path,
    output: str | Path,
    config: GenTestsConfig | None = None,
    *,
    generation: GenerationConfig | None = None,
    columns: ColumnMap | None = None,
    run: RunConfig | None = None,
    split: str = "train",
    on_shard: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Read rows with tests and references, write them with the generated-test columns."""
    from curation.commands import run_step

    config = config or GenTestsConfig()
    if generation is not None and config.generation is None:
        config = config.model_copy(update={"generation": generation})
    step = GenTestsStep(config)
    try:
        return run_step(
            step, input_path, output, columns=columns, run=run, split=split, on_shard=on_shard
        )
    finally:
        step.close()


def from_options(options: dict[str, Any]) -> GenTestsConfig:
    """A recipe step's options (the config's field names) as a config; unknown keys fail."""
    return GenTestsConfig.model_validate(options)
