"""Ask the judge model: P(Yes), its check text, how it was scored, how long it took.

The OpenAI-compatible path sends the judge prompt to ``/chat/completions`` with
``n = samples`` and, when asked, ``logprobs`` + ``top_logprobs``. P(Yes) comes
from the verdict token: the first "Yes"/"No" token after the last "Verdict:" in
each sample, renormalised over the two (GenRM). Where an endpoint returns no
logprobs, P(Yes) is the share of samples whose verdict line says Yes (the vote
over k). Failures raise ``JudgeUnavailable`` with a reason; the verifiers turn
it into a verdict, never into an exception for the caller.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from verifiers.model_judge.config import JudgeBackend, JudgeConfig
from verifiers.model_judge.local import p_yes_from_logprobs
from verifiers.model_judge.prompt import NO, VERDICT_PREFIX, YES, judge_messages, parse_verdict

MISSING_LOGPROB = -30.0
"""Log-probability assumed for a verdict word absent from the top logprobs (~1e-13)."""
TRANSIENT_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
"""Statuses of an overloaded or restarting endpoint: worth asking again later."""


class JudgeUnavailable(Exception):
    """The judge gave no usable answer; ``timeout`` tells a slow judge from a broken one.

    ``transient`` marks what may pass on a later try (a timeout, a dropped
    connection, a 429 or 5xx); the verifiers never retry (a verdict is due
    within the runner's limit), but a batch caller such as ``rm-train data``'s
    teacher does.
    """

    def __init__(
        self,
        reason: str,
        *,
        timeout: bool = False,
        transient: bool = False,
        retry_after: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.timeout = timeout
        self.transient = transient or timeout
        self.retry_after = retry_after  # the endpoint's Retry-After header, as sent


@dataclass(frozen=True)
class JudgeAnswer:
    p_yes: float
    texts: list[str]
    method: str  # "logprobs" | "vote"
    latency_s: float
    votes: list[bool | None] = field(default_factory=list)


def _verdict_logprobs(logprobs: Any) -> tuple[float, float] | None:
    """(log P(Yes), log P(No)) at the verdict token of one choice's ``logprobs.content``."""
    content = (logprobs or {}).get("content") or []
    text, start = "", None
    for i, entry in enumerate(content):
        text += entry.get("token", "")
        if text.rstrip().endswith(VERDICT_PREFIX):
            start = i + 1
    if start is None:
        return None
    for entry in content[start : start + 3]:
        if entry.get("token", "").strip().lower() not in (YES.lower(), NO.lower()):
            continue
        found = {YES: MISSING_LOGPROB, NO: MISSING_LOGPROB}
        for alt in [entry, *(entry.get("top_logprobs") or [])]:
            word = alt.get("token", "").strip().lower()
            for verdict in (YES, NO):
                if word == verdict.lower():
                    found[verdict] = max(found[verdict], float(alt.get("logprob", MISSING_LOGPROB)))
        return found[YES], found[NO]
    return None


def read_choices(choices: list[dict[str, Any]], want_logprobs: bool) -> tuple[float, str, list]:
    """(P(Yes), method, votes) from an OpenAI chat completion's choices."""
    texts = [((c.get("message") or {}).get("content") or "") for c in choices]
    votes = [parse_verdict(t) for t in texts]
    scored = [_verdict_logprobs(c.get("logprobs")) for c in choices] if want_logprobs else []
    if scored and all(s is not None for s in scored):
        ps = [p_yes_from_logprobs(*s) for s in scored if s is not None]
        return sum(ps) / len(ps), "logprobs", votes
    if all(v is None for v in votes):
        raise JudgeUnavailable("the judge wrote no verdict line ('Verdict: Yes|No')")
    return sum(v is True for v in votes) / len(votes), "vote", votes


class EndpointJudge:
    """A judge behind an OpenAI-compatible endpoint (``vllm serve``, ``rm-train serve``, ...)."""

    def __init__(self, cfg: JudgeConfig) -> None:
        self.cfg = cfg

    def _body(
        self, question: str, reference: str, response: str, seed: int | None = None
    ) -> dict[str, Any]:
        cfg = self.cfg
        body: dict[str, Any] = {
            "model": cfg.model,
            "messages": judge_messages(question, reference, response),
            "n": cfg.samples,
            "temperature": cfg.temperature,
            "max_tokens": cfg.max_tokens,
        }
        if seed is not None:
            body["seed"] = seed
        if cfg.logprobs:
            body.update(logprobs=True, top_logprobs=5)
        return body

    def ask(
        self, question: str, reference: str, response: str, *, seed: int | None = None
    ) -> JudgeAnswer:
        """One judge request; ``seed`` makes a sampled check repeatable (servers that honour it)."""
        import httpx

        cfg = self.cfg
        headers = (
            {"Authorization": f"Bearer {cfg.api_key.get_secret_value()}"} if cfg.api_key else {}
        )
        url = str(cfg.base_url).rstrip("/") + "/chat/completions"
        start = time.perf_counter()
        try:
            with httpx.Client(timeout=cfg.timeout_s) as client:
                reply = client.post(
                    url, json=self._body(question, reference, response, seed), headers=headers
                )
        except httpx.TimeoutException as exc:
            raise JudgeUnavailable(
                f"judge timed out after {cfg.timeout_s} s", timeout=True
            ) from exc
        except httpx.HTTPError as exc:
            raise JudgeUnavailable(
                f"judge unreachable: {type(exc).__name__}: {exc}", transient=True
            ) from exc
        latency = time.perf_counter() - start
        if reply.status_code != 200:
            raise JudgeUnavailable(
                f"judge answered HTTP {reply.status_code}: {reply.text[:200]}",
                transient=reply.status_code in TRANSIENT_STATUS,
                retry_after=reply.headers.get("retry-after"),
            )
        try:
            choices = reply.json()["choices"]
        except (ValueError, KeyError, TypeError) as exc:
            raise JudgeUnavailable(f"unreadable judge reply: {type(exc).__name__}: {exc}") from exc
        p_yes, method, votes = read_choices(choices, cfg.logprobs)
        texts = [((c.get("message") or {}).get("content") or "") for c in choices]
        if not math.isfinite(p_yes):
            raise JudgeUnavailable("judge returned a non-finite score")
        return JudgeAnswer(p_yes, texts, method, latency, votes)


_LOCAL: dict[str, Any] = {}
"""In-process models by directory: loaded once per process, on first use."""


class InProcessJudge:
    """The transformers backend: the model runs in the verifying process (small models)."""

    def __init__(self, cfg: JudgeConfig) -> None:
        self.cfg = cfg

    def ask(self, question: str, reference: str, response: str) -> JudgeAnswer:
        from verifiers.model_judge.local import LocalJudge

        start = time.perf_counter()
        try:
            judge = _LOCAL.get(self.cfg.model)
            if judge is None:
                judge = _LOCAL[self.cfg.model] = LocalJudge(
                    self.cfg.model, max_new_tokens=self.cfg.max_tokens, batch_size=1
                )
            out = judge.judge([(question, reference, response)])[0]
        except (OSError, RuntimeError, ValueError) as exc:
            raise JudgeUnavailable(f"in-process judge failed: {type(exc).__name__}: {exc}") from exc
        return JudgeAnswer(out.p_yes, [out.text], "logprobs", time.perf_counter() - start)


def make_client(cfg: JudgeConfig) -> EndpointJudge | InProcessJudge:
    return InProcessJudge(cfg) if cfg.backend == JudgeBackend.TRANSFORMERS else EndpointJudge(cfg)
