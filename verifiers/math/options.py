"""Options and record of the ``math`` verifier (light: no sympy is imported here).

One frozen model beside what it configures: a spec is validated against it when
it is loaded (an unknown key is an ``OptionsError`` naming it), and the shared
reward context (prompt, target, prefilled_think) is accepted too.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from pydantic import Field

from verifiers.core.options import RewardContext
from verifiers.core.registry import VerifierInfo


class MathOptions(RewardContext):
    """How the final answer is found and compared; the shared reward context is accepted too."""

    require_boxed: bool = Field(
        False, description="only a \\boxed{} answer counts (SimpleRL: no box is no answer)"
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
        """Validated options of one call (an unknown key raises ``OptionsError``)."""
        return cls.parse(options, where="verifier 'math'")


INFO = VerifierInfo(
    needs_reference=True,
    name="math",
    target="verifiers.math:verify",
    options=MathOptions,
    answer_only=True,
    preload=("verifiers.math", "sympy"),
    expected_cost_s=0.002,
    answer_template="\\boxed{{{answer}}}",
    description="math answer equivalence against a gold answer",
)

# The options of the verification in progress. The comparison is a deep recursion over
# readings; the few rules that depend on options (decimal digits) read them here instead
# of every comparison function taking an argument that only two of them use.
CURRENT: ContextVar[MathOptions | None] = ContextVar("math_options", default=None)
DEFAULT = MathOptions()


def current() -> MathOptions:
    """The options of the verification in progress (the defaults outside one)."""
    return CURRENT.get() or DEFAULT
