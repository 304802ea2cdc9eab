"""Options and record of the ``math`` verifier (light: no sympy is imported here)."""

from __future__ import annotations

from pydantic import Field

from verifiers.core.options import RewardContext
from verifiers.core.registry import VerifierInfo


class MathOptions(RewardContext):
    """How the final answer is found; the shared reward context is accepted too."""

    require_boxed: bool = Field(
        False, description="only a \\boxed{} answer counts (SimpleRL: no box is no answer)"
    )


INFO = VerifierInfo(
    name="math",
    target="verifiers.math:verify",
    options=MathOptions,
    answer_only=True,
    preload=("verifiers.math", "sympy"),
    expected_cost_s=0.002,
    answer_template="\\boxed{{{answer}}}",
    description="math answer equivalence against a gold answer",
)
