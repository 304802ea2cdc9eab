"""The ``judge`` verifier: a served model's check and verdict as a ``Verdict``.

Bound to a ``JudgeConfig`` by whoever registers it (the server from its
settings, or a user's code), so a request can pass options and context but
can never choose the endpoint. Never raises on a bad response or a failing
model: an unreachable, slow or incoherent judge is a ``timeout`` or ``error``
verdict with the reason, and the spec's failure score follows.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from verifiers.core.verdict import Status, Verdict
from verifiers.format import prompt_text
from verifiers.model_judge.client import JudgeUnavailable, make_client
from verifiers.model_judge.config import JudgeConfig
from verifiers.model_judge.options import JudgeOptions

MAX_TEXT_CHARS = 4000


def reference_text(reference: Any) -> str | None:
    if reference is None or isinstance(reference, dict | list):
        return None
    text = str(reference).strip()
    return text or None


@dataclasses.dataclass(frozen=True)
class JudgeVerifier:
    """``fn(response, reference, **options) -> Verdict`` with the model behind ``config``.

    ``score`` is P(Yes) (GenRM's score, usable as a soft reward); ``correct``
    is P(Yes) >= the configured threshold. ``details`` holds the model's text.
    """

    config: JudgeConfig

    def __call__(self, response: str, reference: Any, /, **options: Any) -> Verdict:
        gold = reference_text(reference)
        if gold is None:
            return Verdict.failure(  # the dataset's fault, not the model's: never asked
                Status.REFERENCE_ERROR, "the judge needs a text reference answer", verifier="judge"
            )
        question = prompt_text(JudgeOptions.parse(options, where="verifier 'judge'").prompt)
        try:
            answer = make_client(self.config).ask(question, gold, response)
        except JudgeUnavailable as exc:
            status = Status.TIMEOUT if exc.timeout else Status.ERROR
            return Verdict.failure(status, str(exc), verifier="judge", model=self.config.model)
        correct = answer.p_yes >= self.config.threshold
        return Verdict(
            score=answer.p_yes,
            correct=correct,
            reason=f"judge P(Yes) = {answer.p_yes:.3f} by {answer.method}",
            details={
                "p_yes": answer.p_yes,
                "method": answer.method,
                "votes": answer.votes,
                "text": answer.texts[0][:MAX_TEXT_CHARS] if answer.texts else "",
                "latency_s": answer.latency_s,
                "model": self.config.model,
            },
            verifier="judge",
        )
