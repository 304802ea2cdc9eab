"""Typed reward specifications and the published presets.

A reward is a sum of components; each component runs one verifier and maps its
verdict to a number. Presets reproduce the published schemes with their exact
numbers (see the README's table), and a user's own scheme is the same model
loaded from YAML or JSON, so there is one code path for both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from verifiers.core.options import OptionsError

if TYPE_CHECKING:
    from verifiers.core.registry import Registry

TASK_VERIFIER = "task"
# The role of the term that says whether the answer is right: OpenRLHF ``scores``, verl
# ``acc``, curation's ``correct`` and the length penalty's correctness all read it.
ACCURACY = "accuracy"


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
    role: str | None = Field(
        None,
        description="what the term means to trainers and curation: 'accuracy' marks the term "
        "whose verdict is the answer's correctness (at most one per role)",
    )
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="passed to the verifier; validated against its options model "
        "(an unknown key is an error)",
    )
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
    correctness_from: str | None = Field(
        None,
        description="component whose verdict decides correct vs wrong (default: the "
        "spec's accuracy-role component)",
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
        roles = [c.role for c in comps if c.role is not None]
        repeated = {r for r in roles if roles.count(r) > 1}
        if repeated:
            raise ValueError(f"at most one component per role; repeated: {sorted(repeated)}")
        return comps

    @model_validator(mode="after")
    def _options_known(self, info: ValidationInfo) -> RewardSpec:
        # Against the loader's registry (validation context ``registry``) or the
        # process's: concrete verifiers strictly, task terms against every verifier
        # (the task's own check comes when the task is known).
        from verifiers.core.registry import default_registry

        registry = (info.context or {}).get("registry") or default_registry
        self.check_options(registry, task=None)
        lp = self.length_penalty.correctness_from
        if lp is not None and lp not in {c.name for c in self.components}:
            raise ValueError(f"length_penalty.correctness_from names unknown component {lp!r}")
        return self

    @property
    def accuracy(self) -> ComponentSpec | None:
        """The component whose verdict is the answer's correctness (role ``accuracy``).

        A spec written before roles existed declares none; its component named
        ``accuracy`` then holds the role.
        """
        for comp in self.components:
            if comp.role == ACCURACY:
                return comp
        if any(c.role is not None for c in self.components):
            return None
        return next((c for c in self.components if c.name == ACCURACY), None)

    def correctness_component(self) -> str | None:
        """Name of the component the length penalty reads correctness from."""
        if self.length_penalty.correctness_from is not None:
            return self.length_penalty.correctness_from
        acc = self.accuracy
        return acc.name if acc is not None else None

    def verifier_names(self, task: str | None) -> list[str]:
        """Verifiers of the enabled components, ``task`` standing for task terms."""
        names: list[str] = []
        for comp in self.components:
            if not comp.enabled:
                continue
            name = task if comp.verifier == TASK_VERIFIER else comp.verifier
            if name is not None and name not in names:
                names.append(name)
        return names

    def check_options(self, registry: Registry, task: str | None) -> None:
        """``OptionsError`` naming the component, the verifier, the bad key and the valid keys.

        With ``task=None`` a ``task`` term's options must be known to at least one
        registered verifier; with a task, to that task's verifier. Verifiers the
        registry does not know are skipped here (the server and the runner refuse
        unknown names separately).
        """
        known = set(registry.available())
        for comp in self.components:
            name = task if comp.verifier == TASK_VERIFIER else comp.verifier
            if name is not None:
                if name in known:
                    registry.check_options(
                        name,
                        comp.options,
                        where=f"component {comp.name!r} (verifier {name!r})",
                    )
                continue
            if not comp.options:
                continue
            # Untyped custom verifiers (no options model) do not widen the set: one such
            # registration must not switch the check off for every spec of the process.
            infos = registry.records()
            valid = set().union(*(set(i.options.model_fields) for i in infos if i.options))
            unknown = sorted(set(comp.options) - valid)
            if unknown:
                raise OptionsError(
                    f"component {comp.name!r} (verifier 'task'): unknown option "
                    f"{unknown[0]!r}, an option of no registered verifier; valid options: "
                    f"{', '.join(sorted(valid))} (for a custom verifier without an options "
                    "model, name it in the component's 'verifier' instead of 'task')"
                )

    def failure_total(self) -> float:
        """The total a response gets when it cannot be judged at all (e.g. a timeout)."""
        return sum(c.failure_value() for c in self.components if c.enabled)

    def with_length_penalty(self, enabled: bool = True) -> RewardSpec:
        return self.model_copy(
            update={"length_penalty": self.length_penalty.model_copy(update={"enabled": enabled})}
        )

    @classmethod
    def from_file(cls, path: str | Path, *, registry: Registry | None = None) -> RewardSpec:
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
            return cls.model_validate(data, context={"registry": registry})
        except ValidationError as exc:
            raise ValueError(f"{path}: invalid reward spec:\n{_errors(exc)}") from None


_BINARY = OutcomeScores(correct=1.0, wrong=0.0, no_answer=0.0)

PRESETS: dict[str, RewardSpec] = {
    "r1_zero": RewardSpec(
        name="r1_zero",
        components=[
            ComponentSpec(name="accuracy", role=ACCURACY, scores=_BINARY),
            ComponentSpec(name="format", verifier="format", scores=_BINARY),
        ],
    ),
    "r1": RewardSpec(
        name="r1",
        components=[
            ComponentSpec(name="accuracy", role=ACCURACY, scores=_BINARY),
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
                role=ACCURACY,
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
                role=ACCURACY,
                scores=OutcomeScores(correct=1.0, wrong=-0.5, no_answer=-1.0),
                options={"require_boxed": True},
            ),
        ],
    ),
}


def _errors(exc: ValidationError) -> str:
    """One line per problem, ``at: message``, without pydantic's echo of the input."""
    lines = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"  {where}: {msg}" if where else f"  {msg}")
    return "\n".join(lines)


def load_spec(
    spec: str | Path | RewardSpec | dict[str, Any], *, registry: Registry | None = None
) -> RewardSpec:
    """A ``RewardSpec`` from a preset name, a file path, a dict or a spec.

    Component options are validated against the verifiers of ``registry`` (default:
    the process's): an unknown option is a ``ValueError`` naming the component,
    the verifier, the key and the valid keys.
    """
    if isinstance(spec, RewardSpec):
        return spec
    if isinstance(spec, dict):
        try:
            return RewardSpec.model_validate(spec, context={"registry": registry})
        except ValidationError as exc:
            raise ValueError(f"invalid reward spec:\n{_errors(exc)}") from None
    if isinstance(spec, Path) or (isinstance(spec, str) and spec not in PRESETS):
        path = Path(spec)
        if path.suffix in {".yaml", ".yml", ".json"}:
            return RewardSpec.from_file(path, registry=registry)
        raise ValueError(f"unknown reward preset {str(spec)!r}; presets: {', '.join(PRESETS)}")
    return PRESETS[spec]
