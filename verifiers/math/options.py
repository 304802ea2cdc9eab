"""The math verifier's options, typed: one frozen model beside what it configures.

The reward context hands every verifier the same keyword arguments; the math
verifier reads the fields below and leaves the rest (prompt, target, ...) to
the verifiers that use them, so a misspelt key is caught where specs are
validated against this model, not here.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class MathOptions(BaseModel):
    """What a reward spec may set for ``verifiers.math.verify``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    require_boxed: bool = Field(
        default=False, description="only a \\boxed{} answer counts (the SimpleRL rule)"
    )
    prefilled_think: bool = Field(
        default=False,
        description="the prompt already opened <think>: the response starts inside it",
    )
    min_decimal_digits: int = Field(
        default=6,
        ge=1,
        le=50,
        description=(
            "significant digits a decimal answer needs to match an exact gold it rounds to "
            "(1.41421 for \\sqrt{2}); shorter decimals (0.33 for 1/3) stay wrong"
        ),
    )
    decimal_comma: bool = Field(
        default=False,
        description=(
            "read 3,5 as 3.5 where no other reading exists (not a thousands group like 1,234)"
        ),
    )
    second_opinion: bool = Field(
        default=False,
        description=(
            "where our reader cannot read the gold or the answer (parse_error), ask math-verify "
            "in the same bounded worker; the verdict says details['decided_by']"
        ),
    )

    @classmethod
    def from_context(cls, options: dict[str, Any]) -> MathOptions:
        """The math fields of a shared reward context; other verifiers' keys are not ours."""
        return cls(**{k: v for k, v in options.items() if k in cls.model_fields})


# The options of the verification in progress. The comparison is a deep recursion over
# readings; the few rules that depend on options (decimal digits) read them here instead
# of every comparison function taking an argument that only two of them use.
CURRENT: ContextVar[MathOptions | None] = ContextVar("math_options", default=None)
DEFAULT = MathOptions()


def current() -> MathOptions:
    """The options of the verification in progress (the defaults outside one)."""
    return CURRENT.get() or DEFAULT
