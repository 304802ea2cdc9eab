"""OpenAI-compatible HTTP backend (``vllm serve``, SGLang, TGI, hosted APIs).

Requests run concurrently (``concurrency`` in flight, asyncio + httpx) and
are retried with exponential backoff on connection errors, 429 and 5xx,
honouring ``Retry-After``. Text prompts go to ``/completions``, chat messages
to ``/chat/completions``; ``n`` samples come back in one request. A prompt
that still fails after the retries becomes a ``GenerationError`` (quarantined
by the caller), so a flaky server never kills a long run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx

from curation.backends.base import GenerationError, Samples
from curation.config import GenerationConfig
from curation.templates import Rendered
from verifiers.core.retry import RetryPolicy

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
BACKOFF_S = 0.5
"""First retry delay; doubles per attempt unless the server sends Retry-After."""


class OpenAIBackend:
    """Client of an OpenAI-compatible server."""

    def __init__(
        self, cfg: GenerationConfig, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        assert cfg.base_url is not None
        self.cfg = cfg
        self.transport = transport  # tests inject httpx.MockTransport
        self.base_url = cfg.base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {cfg.api_key}"} if cfg.api_key else {}

    def _body(self, prompt: Rendered, seed: int) -> tuple[str, dict[str, Any]]:
        cfg = self.cfg
        body: dict[str, Any] = {
            "model": cfg.model,
            "n": cfg.n,
            "temperature": cfg.temperature,
            "top_p": cfg.top_p,
            "max_tokens": cfg.max_tokens,
            "seed": seed,
        }
        if cfg.ignore_eos:
            body["ignore_eos"] = True  # a vLLM/SGLang extension; other servers ignore it
        if isinstance(prompt, str):
            return "/completions", {**body, "prompt": prompt}
        return "/chat/completions", {**body, "messages": prompt}

    @staticmethod
    def _texts(payload: dict[str, Any]) -> list[str]:
        choices = sorted(payload["choices"], key=lambda c: c.get("index", 0))
        return [
            c["text"] if "text" in c else (c.get("message") or {}).get("content") or ""
            for c in choices
        ]

    async def _one(
        self, client: httpx.AsyncClient, sem: asyncio.Semaphore, prompt: Rendered, seed: int
    ) -> Samples:
        path, body = self._body(prompt, seed)
        policy = self._policy
        last, retry_after = "", None
        for attempt in range(policy.attempts):
            if attempt:
                await asyncio.sleep(policy.delay(attempt, retry_after))
            async with sem:
                try:
                    resp = await client.post(self.base_url + path, json=body, headers=self.headers)
                except httpx.HTTPError as exc:
                    last, retry_after = f"{type(exc).__name__}: {exc}", None
                    continue
            if resp.status_code in policy.retry_status:
                last = f"HTTP {resp.status_code}: {resp.text[:200]}"
                retry_after = resp.headers.get("retry-after")
                continue
            if resp.status_code != 200:
                return GenerationError(f"HTTP {resp.status_code}: {resp.text[:300]}")
            try:
                return self._texts(resp.json())
            except (ValueError, KeyError, TypeError) as exc:
                return GenerationError(f"unreadable response: {type(exc).__name__}: {exc}")
        return GenerationError(f"gave up after {policy.attempts} attempts: {last}"[:500])

    @property
    def _policy(self) -> RetryPolicy:
        return RetryPolicy(
            retries=self.cfg.retries,
            retry_status=RETRY_STATUS,
            backoff_s=BACKOFF_S,
            max_retry_after_s=60.0,
        )

    async def agenerate(self, prompts: Sequence[Rendered], seeds: Sequence[int]) -> list[Samples]:
        sem = asyncio.Semaphore(self.cfg.concurrency)
        limits = httpx.Limits(max_connections=self.cfg.concurrency)
        async with httpx.AsyncClient(
            timeout=self.cfg.request_timeout_s, limits=limits, transport=self.transport
        ) as client:
            return list(
                await asyncio.gather(
                    *(self._one(client, sem, p, s) for p, s in zip(prompts, seeds, strict=True))
                )
            )

    def generate(self, prompts: Sequence[Rendered], seeds: Sequence[int]) -> list[Samples]:
        return asyncio.run(self.agenerate(prompts, seeds))

    def close(self) -> None:
        return None
