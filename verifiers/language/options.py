"""Options and record of the ``language`` verifier (light: no detector is loaded here)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from verifiers.core.options import RewardContext
from verifiers.core.registry import VerifierInfo


class LanguageOptions(RewardContext):
    """What text is scored; ``target`` and ``prompt`` come from the shared context."""

    scope: Literal["thought", "response"] = Field(
        "thought", description="score the thought (default) or the whole response"
    )


INFO = VerifierInfo(
    name="language",
    target="verifiers.language:verify",
    options=LanguageOptions,
    preload=("verifiers.language",),
    expected_cost_s=0.002,
    description="share of the thought's units in the target language (R1's language reward)",
)
