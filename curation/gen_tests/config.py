"""``GenTestsConfig``: the settings of ``curate gen-tests``, beside the step they configure.

The defaults are Kimi k1.5's rule (keep a case when 7 of 10 references agree
on its output, keep a problem when 9 of 10 pass every kept case), written as
fractions so they apply to any number of references; see ``validate.py`` for
how a fraction becomes a count when fewer references exist.
"""

from __future__ import annotations

import enum

from pydantic import Field

from curation.config import GenerationConfig, _Frozen
from sandbox.limits import SandboxLimits


class InputSource(str, enum.Enum):
    """Where candidate inputs come from."""

    MUTATION = "mutation"  # (c) type-aware edits of the existing call arguments
    GENERATOR = "generator"  # (b) a generator program (shipped or synthesised, CYaRon), jailed
    MODEL = "model"  # (a) a model prompted with the problem and its tests


class GenTestsConfig(_Frozen):
    """How candidate tests are made, validated by reference solutions, and reported."""

    sources: tuple[InputSource, ...] = Field(
        (InputSource.MUTATION, InputSource.GENERATOR),
        description="candidate sources to combine (model needs a generation backend)",
    )
    agree_fraction: float = Field(
        0.7, gt=0, le=1, description="share of references that must agree on a case's output"
    )
    problem_pass_fraction: float = Field(
        0.9, gt=0, le=1, description="share of references that must pass every kept case"
    )
    max_new: int = Field(20, ge=0, description="cap on generated cases kept per problem")
    max_candidates: int = Field(120, ge=1, description="cap on candidate inputs tried per problem")
    max_per_output: int = Field(
        3, ge=1, description="generated cases kept per distinct expected output (diversity)"
    )
    max_output_chars: int = Field(
        2000, ge=16, description="longer expected outputs are not stored (a test file, not a dump)"
    )
    max_size: int = Field(
        200, ge=1, description="largest list/string length a mutation or generator produces"
    )
    generator_seeds: int = Field(12, ge=0, description="seeds each generator program runs with")
    mutations_per_input: int = Field(8, ge=0, description="mutated variants tried per original")
    model_samples: int = Field(1, ge=1, description="model completions asked per problem")
    mutants: int = Field(
        12, ge=0, description="mutants made from the first reference for the strength report"
    )
    strength: bool = Field(True, description="measure killed wrong programs (original vs all)")
    drop_rejected: bool = Field(
        True, description="drop problems whose references fail the kept cases (Kimi keeps none)"
    )
    seed: int = Field(0, description="seed of mutations and generator runs")
    limits: SandboxLimits = Field(
        default_factory=lambda: SandboxLimits(time_s=2.0),
        description="per-test sandbox limits, the same as grading",
    )
    sandbox_backend: str = Field("local", description="sandbox backend: local or docker")
    language: str = Field("python", description="language of references and generators")
    tests_column: str = Field("answer", description="column with the original tests")
    references_column: str = Field("references", description="list column of reference programs")
    generator_column: str = Field(
        "generator", description="optional column with an input-generator program"
    )
    wrong_column: str = Field(
        "wrong_solutions", description="optional list column of known wrong programs"
    )
    output_column: str = Field(
        "gen_tests", description="new column: original + generated tests, JSON text"
    )
    generation: GenerationConfig | None = Field(
        None, description="model backend for the model source (a)"
    )
