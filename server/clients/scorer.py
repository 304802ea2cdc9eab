"""Where rewards come from for an adapter: the HTTP server, or in-process (local mode).

Both backends take items in the server's native shape (``response``,
``reference``, ``prompt``, ``task``, ``spec``, ``group``, ``length``,
``context``) and return the same result dicts, so an adapter is written once
and a user switches with one argument: a URL, or ``"local"``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from server.clients.http import RewardClient
from verifiers.core.registry import DEFAULT_TASK

LOCAL = "local"
URL_ENV = "RLVR_SERVER_URL"
TOKEN_ENV = "RLVR_API_TOKEN"
# Trainers that load a hook by name (OpenRLHF, slime, AReaL) cannot pass arguments to
# it: the hooks read the task and the spec from these, next to the URL and the token.
TASK_ENV = "RLVR_TASK"
SPEC_ENV = "RLVR_SPEC"


def env_option(name: str) -> str | None:
    """``$name`` when set and not blank."""
    value = os.environ.get(name, "").strip()
    return value or None


def trainer_reward(result: Mapping[str, Any]) -> float:
    """The number a trainer that cannot skip a sample gets for ``result``.

    A missing or unreadable gold (``reference_error``) is the dataset's fault: every
    response of that prompt gets 0.0, so a group-relative advantage is zero and the
    policy learns nothing from it (rather than format points for a broken row).
    """
    return 0.0 if result["status"] == "reference_error" else float(result["total"])


class Scorer(Protocol):
    def score(self, items: Sequence[Mapping[str, Any]], **batch: Any) -> list[dict[str, Any]]: ...

    async def score_async(
        self, items: Sequence[Mapping[str, Any]], **batch: Any
    ) -> list[dict[str, Any]]: ...


def prompt_context(prompt: str | None, context: Mapping[str, Any]) -> dict[str, Any]:
    """Verifier options from a prompt: the prompt itself, and ``prefilled_think``.

    R1-style templates end the prompt with ``<think>``, so the response starts
    inside the thought; the format verifier must then not ask for an opening
    tag. The server applies the same rule (it imports this function).
    """
    merged = dict(context)
    if prompt is not None:
        merged.setdefault("prompt", prompt)
        if prompt.rstrip().endswith("<think>"):
            merged.setdefault("prefilled_think", True)
    return merged


class LocalScorer:
    """Verify in this process's own worker pool, no server: the same results as the server.

    Uses ``verifiers.compute_rewards`` on a process-wide bounded runner, so
    the per-item hard time limit holds here too. Scripts that use it need an
    ``if __name__ == "__main__":`` guard (worker processes re-import it).
    """

    def __init__(
        self,
        *,
        workers: int | None = None,
        timeout_s: float = 10.0,
        default_spec: str = "r1_zero",
        default_task: str = DEFAULT_TASK,
    ) -> None:
        self.workers = workers
        self.timeout_s = timeout_s
        self.default_spec = default_spec
        self.default_task = default_task

    def _reward_items(self, items: Sequence[Mapping[str, Any]], batch: Mapping[str, Any]) -> list:
        from verifiers.core.reward_batch import RewardItem
        from verifiers.core.spec import load_spec

        out = []
        for item in items:
            spec = load_spec(item.get("spec") or batch.get("spec") or self.default_spec)
            if batch.get("length_penalty") is not None:
                spec = spec.with_length_penalty(bool(batch["length_penalty"]))
            task = item.get("task") or item.get("verifier") or batch.get("task")
            out.append(
                RewardItem(
                    response=item["response"],
                    reference=item.get("reference"),
                    spec=spec,
                    task=task or self.default_task,
                    context=prompt_context(item.get("prompt"), item.get("context") or {}),
                    group=item.get("group"),
                    length=item.get("length"),
                )
            )
        return out

    def _timeout(self, batch: Mapping[str, Any]) -> float:
        return float(batch.get("timeout_s") or self.timeout_s)

    def score(self, items: Sequence[Mapping[str, Any]], **batch: Any) -> list[dict[str, Any]]:
        from verifiers.core.reward_batch import compute_rewards

        results = compute_rewards(
            self._reward_items(items, batch), timeout_s=self._timeout(batch), workers=self.workers
        )
        return [_as_dict(r) for r in results]

    async def score_async(
        self, items: Sequence[Mapping[str, Any]], **batch: Any
    ) -> list[dict[str, Any]]:
        from verifiers.core.reward_batch import compute_rewards_async

        results = await compute_rewards_async(
            self._reward_items(items, batch), timeout_s=self._timeout(batch), workers=self.workers
        )
        return [_as_dict(r) for r in results]


def _as_dict(result: Any) -> dict[str, Any]:
    return {**result.to_dict(), "correct": result.correct, "cached": False}


_SCORERS: dict[tuple[Any, ...], Scorer] = {}
_SCORERS_LOCK = threading.Lock()


def make_scorer(url: str | None = None, *, token: str | None = None, **options: Any) -> Scorer:
    """A scorer for ``url``; ``None`` reads ``$RLVR_SERVER_URL`` and falls back to local mode.

    Scorers are cached per (url, token, options) so that a function called
    once per sample (verl's ``compute_score``) reuses one connection pool.
    ``options`` go to ``RewardClient`` or ``LocalScorer``.
    """
    url = url or os.environ.get(URL_ENV) or LOCAL
    token = token or os.environ.get(TOKEN_ENV) or None
    key = (url, token, tuple(sorted(options.items())))
    with _SCORERS_LOCK:
        scorer = _SCORERS.get(key)
        if scorer is None:
            if url == LOCAL:
                scorer = LocalScorer(**options)
            else:
                scorer = RewardClient(url, token=token, **options)
            _SCORERS[key] = scorer
        return scorer
