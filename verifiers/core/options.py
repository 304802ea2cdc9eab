"""Typed verifier options and the shared reward context.

Every verifier declares a frozen options model (``extra="forbid"``) beside it, so a
misspelt option (``require_boxd``) is an error naming the key and the valid keys,
never a silent change of the reward. All built-in options models derive from
``RewardContext``: the facts about one item that a trainer or a dataset row supplies
(the prompt, a language target, whether the prompt opened ``<think>``), accepted by
every verifier so that one context can feed every term of a reward.

Who may set what is declared on the model, not copied elsewhere: ``operator_only``
names the fields only the server operator may set (a sandbox backend, resource
limits, endpoints). The reward server refuses them in requests by default
(``ServerSettings.blocked_options`` is derived from these declarations).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

OptionsT = TypeVar("OptionsT", bound="VerifierOptions")


class OptionsError(ValueError):
    """A verifier was given an option it does not know, or a value of the wrong type.

    A configuration mistake (a spec, a request, a recipe), never a property of a
    response: raised at load time, a 422 over HTTP.
    """


class VerifierOptions(BaseModel):
    """Base of every verifier's options model: frozen, unknown keys are errors.

    ``operator_only``: fields a request may not set (the operator's choice, e.g.
    the sandbox backend and its limits). Declared per model as a class variable.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    operator_only: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def parse(
        cls: type[OptionsT], options: Mapping[str, Any] | OptionsT, *, where: str = ""
    ) -> OptionsT:
        """``options`` validated; ``OptionsError`` names the bad key and the valid keys.

        ``where`` prefixes the message (e.g. ``component 'accuracy' (verifier 'math')``).
        """
        if isinstance(options, cls):
            return options
        try:
            return cls.model_validate(dict(options))
        except ValidationError as exc:
            raise OptionsError(describe_error(cls, exc, where)) from None

    @classmethod
    def valid_keys(cls) -> list[str]:
        return sorted(cls.model_fields)


def describe_error(model: type[BaseModel], exc: ValidationError, where: str = "") -> str:
    """One readable line per problem: the bad key, what is wrong, the valid keys."""
    problems = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(options)"
        if err["type"] == "extra_forbidden":
            problems.append(f"unknown option {key!r}")
        else:
            problems.append(f"option {key!r}: {err['msg']}")
    prefix = f"{where}: " if where else ""
    valid = ", ".join(sorted(model.model_fields)) or "(none)"
    return f"{prefix}{'; '.join(problems)}; valid options: {valid}"


class RewardContext(VerifierOptions):
    """Facts about one item, accepted by every built-in verifier (each reads what it needs).

    A request's or a row's context is validated against this model plus the
    options of the verifiers its reward runs; a key none of them knows is an error.
    """

    prompt: Any = Field(
        None,
        description="the prompt: text, chat messages or a trainer's prompt shape "
        "(read with verifiers.format.prompt_text; the language verifier detects its language)",
    )
    target: str | None = Field(
        None, description="the language the thought should be in (language verifier)"
    )
    prefilled_think: bool = Field(
        False, description="the prompt already opened <think>: the response starts in the thought"
    )


def context_keys() -> frozenset[str]:
    """The keys of the shared reward context."""
    return frozenset(RewardContext.model_fields)


def operator_only_union(models: Iterable[type[VerifierOptions] | None]) -> frozenset[str]:
    """Every operator-only option of ``models`` (the server's default blocked options)."""
    out: set[str] = set()
    for model in models:
        if model is not None:
            out |= model.operator_only
    return frozenset(out)
