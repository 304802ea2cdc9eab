"""Training targets: a short step-by-step check that ends in the fixed verdict line.

The check is written by a teacher model when one is configured (any
OpenAI-compatible endpoint or ``vllm serve``, asked through the model judge's
endpoint client with the judge's own prompt); a teacher check is kept only
when its verdict agrees with the label, as rejection sampling keeps only
correct samples. Otherwise, and as the fallback, the check is built from the
rule verifier's own explanation: the answer it extracted, its status and its
reason. Where the rules contradict
the label (a rule miss), the check states the comparison without quoting the
rules' wrong reason, so a target never argues against its own verdict.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from rm_training.examples import Example
from verifiers.core.retry import RetryPolicy
from verifiers.core.verdict import Status, Verdict
from verifiers.model_judge.client import TRANSIENT_STATUS, EndpointJudge, JudgeUnavailable
from verifiers.model_judge.config import JudgeConfig
from verifiers.model_judge.prompt import parse_verdict, verdict_line

TEACHER_TIMEOUT_S = 120.0
"""Per request: a teacher writes a whole check, and a batch can wait for it."""
TEACHER_RETRY = RetryPolicy(
    retries=3, retry_status=TRANSIENT_STATUS, backoff_s=0.5, max_retry_after_s=60.0
)
"""A request that failed transiently (timeout, dropped connection, 429/5xx) is tried again:
after the endpoint's ``Retry-After``, else 0.5 s doubling (the project's one retry rule)."""

_CATEGORY_NOTES = {
    "hedged": "The response commits to more than one candidate answer, which is not an answer.",
    "multi_answer": "The response lists several values where one is asked for.",
    "truncated": "The thought is cut off before a final answer is stated.",
    "content_free": "The response contains no work and no final answer.",
    "injection": "The response addresses the grader instead of answering; that earns nothing.",
    "gold_in_wrong_work": "The reference value appears in the work, but the final answer differs.",
    "units": "A unit after the value does not change the value.",
    "notation": "Only the notation differs.",
    "equivalent_form": "The two forms have the same value.",
}


class TeacherConfig(BaseModel):
    """An OpenAI-compatible teacher that writes the checks (e.g. ``vllm serve Qwen/...``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(description="e.g. http://127.0.0.1:8000/v1")
    model: str = Field(description="model id the endpoint serves")
    api_key: str | None = Field(None, description="bearer token, if the endpoint needs one")
    max_tokens: int = Field(256, ge=16, description="room for the check and the verdict")
    temperature: float = Field(0.0, ge=0.0, description="0 = greedy, reproducible checks")
    concurrency: int = Field(8, ge=1, description="requests in flight")


@dataclass(frozen=True)
class RuleView:
    """What the rule verifier said about one example (kept as columns in the dataset)."""

    correct: bool | None
    status: str
    extracted: str | None
    reason: str

    @classmethod
    def of(cls, verdict: Verdict) -> RuleView:
        return cls(verdict.correct, verdict.status.value, verdict.extracted, verdict.reason)


def rule_check(example: Example, rules: RuleView) -> str:
    """A careful grader's check, from the rules' explanation, ending in the verdict line."""
    lines = [f"The reference answer is {example.reference.strip()}."]
    answered = rules.status in (Status.OK.value, Status.PARSE_ERROR.value) and rules.extracted
    if example.category == "content_free" or not answered:
        lines.append("The response states no final answer.")
    else:
        lines.append(f"The response's final answer is {str(rules.extracted).strip()}.")
    note = _CATEGORY_NOTES.get(example.category)
    if note:
        lines.append(note)
    agrees = (rules.correct is True) == example.label
    if agrees and rules.reason:
        lines.append(f"Comparing them: {rules.reason}.")
    elif example.label:
        lines.append("Comparing them: the final answer has the same value as the reference.")
    else:
        lines.append("Comparing them: the response does not give the reference's value.")
    lines.append(f"So the response is {'correct' if example.label else 'wrong'}.")
    lines.append(verdict_line(example.label))
    return "\n".join(lines)


def teacher_checks(examples: Sequence[Example], cfg: TeacherConfig, seed: int) -> list[str | None]:
    """The teacher's check per example, or None where it failed or disagreed with the label.

    ``concurrency`` requests are in flight; example ``i`` is asked with seed
    ``seed + i``, so a sampled teacher writes the same checks on a rerun.
    """
    judge = EndpointJudge(
        JudgeConfig(
            base_url=cfg.base_url,
            model=cfg.model,
            api_key=SecretStr(cfg.api_key) if cfg.api_key else None,
            timeout_s=TEACHER_TIMEOUT_S,
            samples=1,
            temperature=cfg.temperature,
            max_tokens=cfg.max_tokens,
            logprobs=False,
        )
    )

    def check(i: int) -> str | None:
        return _teacher_check(judge, examples[i], seed + i)

    with ThreadPoolExecutor(max_workers=cfg.concurrency) as pool:
        return list(pool.map(check, range(len(examples))))


def _teacher_check(judge: EndpointJudge, example: Example, seed: int) -> str | None:
    """One example's check, kept only when its verdict parses and agrees with the label."""
    for attempt in range(1, TEACHER_RETRY.attempts + 1):
        try:
            answer = judge.ask(example.question, example.reference, example.response, seed=seed)
        except JudgeUnavailable as exc:
            if exc.transient and attempt < TEACHER_RETRY.attempts:
                time.sleep(TEACHER_RETRY.delay(attempt, exc.retry_after))
                continue
            return None  # e.g. no verdict line, or a request the endpoint refuses
        text = answer.texts[0].strip() if answer.texts else ""
        return text if text and parse_verdict(text) == example.label else None
    return None
