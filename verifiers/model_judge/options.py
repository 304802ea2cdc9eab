"""Options and records of the ``judge`` and ``cascade`` verifiers.

What a spec or a request may set is only this: the shared reward context
(the prompt is the judge's question) and, for the cascade, which rule
verifier decides first and its options. The endpoint, model and bounds are
not options at all: they are the ``JudgeConfig`` the verifier was built with.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from verifiers.core.options import OptionsError, RewardContext
from verifiers.core.registry import DEFAULT_TASK, VerifierInfo, default_registry
from verifiers.model_judge.config import JudgeConfig

MODEL_VERIFIERS = frozenset({"judge", "cascade"})


class JudgeOptions(RewardContext):
    """The judge reads the question from the reward context's ``prompt``."""


class CascadeOptions(RewardContext):
    """Which rule verifier decides first, and its options."""

    rules: str = Field(DEFAULT_TASK, description="the built-in rule verifier that decides first")
    rules_options: dict[str, Any] = Field(
        default_factory=dict, description="options of the rule verifier (validated by it)"
    )
    judge_no_answer: bool = Field(
        True,
        description="send a rules 'no_answer' whose final answer has content to the judge; "
        "turn off when no_answer is a format rule the judge must not overrule "
        "(e.g. rules_options require_boxed: an unboxed answer is no answer by definition)",
    )

    @model_validator(mode="after")
    def _rules_are_a_rule_verifier(self) -> CascadeOptions:
        if self.rules in MODEL_VERIFIERS:
            raise ValueError(f"rules must be a rule verifier, not {self.rules!r}")
        try:
            default_registry.check_options(self.rules, self.rules_options)
        except KeyError as exc:
            raise ValueError(str(exc).strip("'\"")) from None
        except OptionsError as exc:
            raise ValueError(f"rules_options: {exc}") from None
        return self

    def context(self) -> dict[str, Any]:
        """The shared reward context, passed on to the rule verifier."""
        return {name: getattr(self, name) for name in RewardContext.model_fields}


def judge_record(fn: Any, cfg: JudgeConfig) -> VerifierInfo:
    return VerifierInfo(
        name="judge",
        target="verifiers.model_judge.judge:JudgeVerifier",
        options=JudgeOptions,
        needs_reference=True,
        expected_cost_s=cfg.timeout_s / 4,
        description="a served model's check and verdict; score = P(Yes)",
        fn=fn,
    )


def cascade_record(fn: Any, cfg: JudgeConfig) -> VerifierInfo:
    return VerifierInfo(
        name="cascade",
        target="verifiers.model_judge.cascade:CascadeVerifier",
        options=CascadeOptions,
        needs_reference=True,
        expected_cost_s=0.05,
        description="rules first; the judge only where the rules cannot decide",
        fn=fn,
    )
