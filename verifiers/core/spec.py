"""Typed reward specifications and the published presets.

A reward is a sum of components; each component runs one verifier and maps its
verdict to a number. Presets reproduce the published schemes with their exact
numbers (see the README's table), and a user's own scheme is the same model
loaded from YAML or JSON, so there is one code path for both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

TASK_VERIFIER = "task"


class OutcomeScores(BaseModel):
    """Points for each outcome of a binary verifier.

    ``no_answer`` is also what a component is worth when the response breaks
    the format, the verifier times out or fails: the component's failure score.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    correct: float = Field(description="the verifier judged the answer right")
    wrong: float = Field(description="an answer was found and judged wrong")
    no_answer: float = Field(
        description="no gradable answer, a format error, a timeout or an error"
    )


class ComponentSpec(BaseModel):
    """One term of the reward."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="key of this term in RewardResult.components")
    verifier: str = Field(
        TASK_VERIFIER, description="registered verifier name; 'task' means the request's task"
    )
    weight: float = Field(1.0, description="multiplies the term's value")
    scores: OutcomeScores | None = Field(
        None, description="outcome -> points; None uses the verdict's own score (e.g. a ratio)"
    )
    options: dict[str, Any] = Field(default_factory=dict, description="passed to the verifier")
    requires: list[str] = Field(
        default_factory=list,
        description="components that must be judged correct first; otherwise this term "
        "scores its failure value without running (Logic-RL grades no answer of a badly "
        "formatted response)",
    )
    enabled: bool = Field(True, description="switch a term off without deleting it")

    def failure_value(self) -> float:
        return self.weight * (self.scores.no_answer if self.scores else 0.0)


class LengthPenaltySpec(BaseModel):
    """Kimi k1.5's group length reward; needs every response of a prompt's group."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = Field(False, description="Kimi turns it on after a warm-up phase")
    weight: float = Field(1.0, description="multiplies lambda")
    correctness_from: str = Field(
        "accuracy", description="component whose verdict decides correct vs wrong"
    )


class RewardSpec(BaseModel):
    """A whole reward: its components and the optional group length penalty."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "custom"
    components: list[ComponentSpec] = Field(min_length=1)
    length_penalty: LengthPenaltySpec = Field(default_factory=LengthPenaltySpec)

    @field_validator("components")
    @classmethod
    def _unique_names_and_known_requirements(
        cls, comps: list[ComponentSpec]
    ) -> list[ComponentSpec]:
        names = [c.name for c in comps]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"component names must be unique; repeated: {sorted(duplicates)}")
        for comp in comps:
            unknown = set(comp.requires) - set(names)
            if unknown:
                raise ValueError(f"component {comp.name!r} requires unknown {sorted(unknown)}")
        return comps

    def failure_total(self) -> float:
        """The total a response gets when it cannot be judged at all (e.g. a timeout)."""
        return sum(c.failure_value() for c in self.components if c.enabled)

    def with_length_penalty(self, enabled: bool = True) -> RewardSpec:
        return self.model_copy(
            update={"length_penalty": self.length_penalty.model_copy(update={"enabled": enabled})}
        )

    @classmethod
    def from_file(cls, path: str | Path) -> RewardSpec:
        """Load a spec from a ``.yaml``/``.yml`` or ``.json`` file.

        Raises ``ValueError`` naming the file and the field at fault.
        """
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        try:
            data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as exc:
            raise ValueError(
                f"{path}: not valid {path.suffix.lstrip('.') or 'YAML'}: {exc}"
            ) from exc
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ValueError(f"{path}: invalid reward spec:\n{exc}") from exc


_BINARY = OutcomeScores(correct=1.0, wrong=0.0, no_answer=0.0)

PRESETS: dict[str, RewardSpec] = {
    "r1_zero": RewardSpec(
        name="r1_zero",
        components=[
            ComponentSpec(name="accuracy", scores=_BINARY),
            ComponentSpec(name="format", verifier="format", scores=_BINARY),
        ],
    ),
    "r1": RewardSpec(
        name="r1",
        components=[
            ComponentSpec(name="accuracy", scores=_BINARY),
            ComponentSpec(name="format", verifier="format", scores=_BINARY),
            ComponentSpec(name="language", verifier="language"),
        ],
    ),
    "logic_rl": RewardSpec(
        name="logic_rl",
        components=[
            ComponentSpec(
                name="format",
                verifier="format",
                scores=OutcomeScores(correct=1.0, wrong=-1.0, no_answer=-1.0),
                options={"require_answer_tags": True},
            ),
            ComponentSpec(
                name="accuracy",
                scores=OutcomeScores(correct=2.0, wrong=-1.5, no_answer=-2.0),
                requires=["format"],
            ),
        ],
    ),
    "simplerl": RewardSpec(
        name="simplerl",
        components=[
            ComponentSpec(
                name="accuracy",
                scores=OutcomeScores(correct=1.0, wrong=-0.5, no_answer=-1.0),
                options={"require_boxed": True},
            ),
        ],
    ),
}


def load_spec(spec: str | Path | RewardSpec | dict[str, Any]) -> RewardSpec:
    """A ``RewardSpec`` from a preset name, a file path, a dict or a spec."""
    if isinstance(spec, RewardSpec):
        return spec
    if isinstance(spec, dict):
        try:
            return RewardSpec.model_validate(spec)
        except ValidationError as exc:
            raise ValueError(f"invalid reward spec:\n{exc}") from exc
    if isinstance(spec, Path) or (isinstance(spec, str) and spec not in PRESETS):
        path = Path(spec)
        if path.suffix in {".yaml", ".yml", ".json"}:
            return RewardSpec.from_file(path)
        raise ValueError(f"unknown reward preset {str(spec)!r}; presets: {', '.join(PRESETS)}")
    return PRESETS[spec]
