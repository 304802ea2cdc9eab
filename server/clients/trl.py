"""TRL adapter: reward-function classes for ``GRPOTrainer(reward_funcs=[...])``.

    from server.clients.trl import TRLReward
    trainer = GRPOTrainer(..., reward_funcs=[TRLReward("http://rm:8100", spec="r1")])

TRL calls ``f(prompts, completions, completion_ids, **columns)`` where the
columns are the dataset's other fields, one list entry per completion. The
reference comes from ``reference_column`` (default: the first of
``solution``, ``answer``, ``ground_truth``, ``reference``, ``label`` that the
dataset has), the task from a ``task`` column when present. Completions may
be plain strings or chat messages. A completion whose verifier fails
(``status="error"``: a bug or a misconfiguration, not the model's fault) or
whose gold is missing or unreadable (``reference_error``: the dataset's fault)
gets ``None``, which TRL reads as "not scorable" rather than a 0 reward;
a timeout is the model's fault (a CAS bomb, an endless program) and gets the
spec's failure score. ``url=None`` reads ``$RLVR_SERVER_URL`` and falls back
to in-process verification (local mode).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from server.clients.plain import unwrap_label
from server.clients.scorer import make_scorer
from verifiers.format import message_content, prompt_text

REFERENCE_COLUMNS = ("solution", "answer", "ground_truth", "reference", "label", "reward_model")
NOT_SCORABLE = frozenset({"error", "reference_error"})


def message_text(value: Any, role: str) -> str:
    """The text of a completion: a string, or the last ``role`` message of a conversation.

    Prompts are read with ``verifiers.format.prompt_text`` (the one prompt reader).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        value = [value]
    if isinstance(value, Sequence):
        messages = [m for m in value if isinstance(m, Mapping) and m.get("role") == role]
        if not messages:
            messages = [m for m in value if isinstance(m, Mapping)]
        if messages:
            return message_content(messages[-1].get("content"))
    return "" if value is None else str(value)


class TRLReward:
    """A synchronous TRL reward function that scores completions on the reward server."""

    def __init__(
        self,
        url: str | None = None,
        *,
        spec: str | None = None,
        task: str | None = None,
        reference_column: str | None = None,
        task_column: str = "task",
        timeout_s: float | None = None,
        length_penalty: bool | None = None,
        token: str | None = None,
        name: str = "rlvr_reward",
        **client_options: Any,
    ) -> None:
        self.scorer = make_scorer(url, token=token, **client_options)
        self.spec = spec
        self.task = task
        self.reference_column = reference_column
        self.task_column = task_column
        self.timeout_s = timeout_s
        self.length_penalty = length_penalty
        self.__name__ = name  # TRL logs each reward function under its name

    def _reference_column(self, columns: Mapping[str, Any], n: int) -> str | None:
        names = [self.reference_column] if self.reference_column else REFERENCE_COLUMNS
        for name in names:
            value = columns.get(name)
            if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == n:
                return name
        if self.reference_column:
            raise KeyError(
                f"reference column {self.reference_column!r} is not among the dataset columns "
                f"{sorted(k for k, v in columns.items() if isinstance(v, list))}"
            )
        return None

    def items(
        self,
        prompts: Sequence[Any],
        completions: Sequence[Any],
        completion_ids: Sequence[Sequence[int]] | None,
        columns: Mapping[str, Any],
    ) -> list[dict[str, Any]]:
        """Native request items for one TRL call (public so it can be inspected in tests)."""
        n = len(completions)
        ref_col = self._reference_column(columns, n)
        tasks = columns.get(self.task_column)
        items = []
        for i, completion in enumerate(completions):
            prompt = prompt_text(prompts[i]) if i < len(prompts) else None
            item: dict[str, Any] = {
                "response": message_text(completion, "assistant"),
                "reference": unwrap_label(columns[ref_col][i]) if ref_col else None,
            }
            if prompt is not None:
                item["prompt"] = prompt
                # GRPO samples a group of completions per prompt; the length penalty needs it.
                item["group"] = hashlib.sha1(prompt.encode("utf-8", "replace")).hexdigest()
            if completion_ids is not None and i < len(completion_ids):
                item["length"] = len(completion_ids[i])
            task = tasks[i] if isinstance(tasks, Sequence) and len(tasks) == n else self.task
            if task:
                item["task"] = task
            items.append(item)
        return items

    def _batch(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "timeout_s": self.timeout_s,
            "length_penalty": self.length_penalty,
        }

    @staticmethod
    def rewards(results: Sequence[Mapping[str, Any]]) -> list[float | None]:
        # A verifier failure or a bad gold is nobody's reward: TRL skips ``None``.
        return [None if r["status"] in NOT_SCORABLE else float(r["total"]) for r in results]

    def report(self, results: Sequence[Mapping[str, Any]], columns: Mapping[str, Any]) -> None:
        """Send statuses to TRL's logs when it offers the hooks (``log_metric``, ``log_extra``).

        A climbing timeout or error rate is the first sign of a CAS bomb or a broken
        verifier; it belongs next to the reward curve, not only in the server's metrics.
        """
        log_metric, log_extra = columns.get("log_metric"), columns.get("log_extra")
        if results and callable(log_metric):
            n = len(results)
            for status in ("timeout", "error", "reference_error", "no_answer", "format_error"):
                share = sum(r["status"] == status for r in results) / n
                log_metric(f"{self.__name__}/{status}_frac", share)
            log_metric(
                f"{self.__name__}/accuracy", sum(r.get("correct") is True for r in results) / n
            )
        if callable(log_extra):
            log_extra(f"{self.__name__}_status", [r["status"] for r in results])

    def __call__(
        self,
        prompts: Sequence[Any],
        completions: Sequence[Any],
        completion_ids: Sequence[Sequence[int]] | None = None,
        **columns: Any,
    ) -> list[float | None]:
        items = self.items(prompts, completions, completion_ids, columns)
        results = self.scorer.score(items, **self._batch())
        self.report(results, columns)
        return self.rewards(results)


class AsyncTRLReward(TRLReward):
    """The async variant: TRL awaits it on its event loop, alongside other async rewards."""

    # override: TRL awaits a reward whose __call__ is async (trl is_async_callable)
    async def __call__(  # type: ignore[override]
        self,
        prompts: Sequence[Any],
        completions: Sequence[Any],
        completion_ids: Sequence[Sequence[int]] | None = None,
        **columns: Any,
    ) -> list[float | None]:
        items = self.items(prompts, completions, completion_ids, columns)
        results = await self.scorer.score_async(items, **self._batch())
        self.report(results, columns)
        return self.rewards(results)
