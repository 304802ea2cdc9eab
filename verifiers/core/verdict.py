"""The one result type every verifier returns.

A reward that cannot explain itself cannot be debugged at RL scale, so every
verdict carries a status from a small closed set and a human-readable reason.
Verdicts are plain frozen dataclasses: they pickle across worker processes and
serialise to JSON for the reward server without any adapter.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any


class Status(str, Enum):
    """Why a verdict came out the way it did.

    - ``ok``: the verifier reached a judgement (``correct`` is True or False).
    - ``no_answer``: nothing gradable was found (no boxed answer, truncated output).
    - ``parse_error``: an answer was found but could not be understood.
    - ``format_error``: the response breaks the required template.
    - ``timeout``: the bounded runner killed the verification at its time limit.
    - ``error``: the verifier itself failed (a bug or a misconfiguration); the
      reason holds the exception so it is never swallowed silently.
    - ``reference_error``: the gold (reference) is missing or unreadable. The
      dataset's fault, not the model's: trainers should skip the sample rather
      than punish the response, curation quarantines the row.
    """

    OK = "ok"
    NO_ANSWER = "no_answer"
    PARSE_ERROR = "parse_error"
    FORMAT_ERROR = "format_error"
    TIMEOUT = "timeout"
    ERROR = "error"
    REFERENCE_ERROR = "reference_error"

    @property
    def judged(self) -> bool:
        """Whether the response itself was judged (False: the verifier or the gold failed)."""
        return self not in (Status.ERROR, Status.REFERENCE_ERROR)


@dataclasses.dataclass(frozen=True)
class Verdict:
    """A verifier's judgement of one response.

    ``score`` is what a trainer would use as the reward of this verifier alone;
    ``correct`` is the binary judgement where one exists (``None`` when the
    verifier grades on a scale, e.g. language consistency, or could not decide).
    """

    score: float
    correct: bool | None
    status: Status = Status.OK
    extracted: str | None = None
    reason: str = ""
    details: dict[str, Any] = dataclasses.field(default_factory=dict)
    elapsed_s: float = 0.0
    verifier: str = ""

    @classmethod
    def failure(
        cls, status: Status, reason: str, *, score: float = 0.0, verifier: str = "", **details: Any
    ) -> Verdict:
        """A verdict for a response that could not be judged correct."""
        return cls(
            score=score,
            correct=False if status.judged else None,
            status=status,
            reason=reason,
            details=details,
            verifier=verifier,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (status as its string value)."""
        data = dataclasses.asdict(self)
        data["status"] = self.status.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        fields = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in fields}
        kwargs["status"] = Status(kwargs.get("status", "ok"))
        return cls(**kwargs)
