"""Verifiers that only the server tests use (module-level, so workers can import them)."""

from __future__ import annotations

from typing import Any, ClassVar

from verifiers.core.options import RewardContext
from verifiers.core.registry import VerifierInfo
from verifiers.core.verdict import Verdict


def raises(response: str, reference: Any = None, **options: Any) -> Verdict:
    raise RuntimeError("a verifier bug")


def nan_score(response: str, reference: Any = None, **options: Any) -> Verdict:
    """A buggy verifier: a NaN score and details JSON cannot hold."""
    return Verdict(score=float("nan"), correct=None, details={"seen": {1, 2}, "inf": float("inf")})


class EndpointOptions(RewardContext):
    """A stand-in judge's options: its endpoint is the operator's, never a request's."""

    operator_only: ClassVar[frozenset[str]] = frozenset({"judge_url"})

    judge_url: str | None = None
    strict: bool = False


def endpoint_echo(response: str, reference: Any = None, **options: Any) -> Verdict:
    """Correct when the response ends with the gold; says which endpoint "judged"."""
    opts = EndpointOptions.parse(options)
    ok = response.strip().endswith(str(reference))
    return Verdict(score=float(ok), correct=ok, reason=f"judged by {opts.judge_url}")


ENDPOINT_ECHO = VerifierInfo(
    name="t_endpoint",
    target="tests.server.verifiers_for_tests:endpoint_echo",
    options=EndpointOptions,
    needs_reference=True,
)
