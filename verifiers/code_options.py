"""Options and record of the ``code`` verifier (light: the sandbox is not imported here)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from verifiers.core.options import RewardContext
from verifiers.core.registry import VerifierInfo

# Options that pick the sandbox or raise its limits: the operator's, never a request's.
SANDBOX_OPTIONS = frozenset(
    {"backend", "limits", "time_s", "wall_s", "memory_mb", "output_mb", "pids"}
)


class CodeOptions(RewardContext):
    """How the program is found, judged and confined (see ``verifiers.code``)."""

    operator_only: ClassVar[frozenset[str]] = SANDBOX_OPTIONS

    language: str | None = Field(
        None, description="language of a program whose fence names none (default python)"
    )
    all_or_nothing: bool = Field(False, description="1/0 instead of the pass fraction")
    allow_unfenced: bool = Field(
        False, description="use the whole answer when it has no fenced code block"
    )
    float_tolerance: float | None = Field(
        1e-6, description="tolerance of float tokens in outputs (None: exact text)"
    )
    backend: str | None = Field(None, description="sandbox backend: local or docker")
    limits: dict[str, Any] | None = Field(None, description="SandboxLimits fields")
    time_s: float | None = Field(None, description="CPU seconds per test")
    wall_s: float | None = Field(None, description="wall seconds per test")
    memory_mb: int | None = Field(None, description="memory per test (MiB)")
    output_mb: int | None = Field(None, description="output per test (MiB)")
    pids: int | None = Field(None, description="processes and threads per test")


INFO = VerifierInfo(
    needs_reference=True,
    name="code",
    target="verifiers.code:verify",
    options=CodeOptions,
    data_sources=(
        "*code*",
        "*apps*",
        "*taco*",
        "*leetcode*",
        "*livecodebench*",
        "*primeintellect*",
    ),
    expected_cost_s=1.0,
    description="run the answer's program against the reference tests in the sandbox",
)
