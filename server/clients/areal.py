"""AReaL hook: ``reward_fn(prompt, completions, prompt_ids, completion_ids, answer, **kw)``.

AReaL's RLVR workflows take a reward function object (``RLVRWorkflow(reward_fn=...)``
or its dotted path) and run it in a process pool through ``AsyncRewardWrapper``,
with the dataset's other columns as keyword arguments; it must return a float.
This one is a module-level function (picklable), scoring on ``$RLVR_SERVER_URL``
(else in-process) with ``$RLVR_SPEC``. The task comes from a ``task`` column,
else the verifier claiming the ``data_source`` column, else ``$RLVR_TASK``; the
gold from ``answer``, else a verl-style ``reward_model`` column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from server.clients.plain import unwrap_label
from server.clients.routing import task_for_data_source
from server.clients.scorer import SPEC_ENV, TASK_ENV, env_option, make_scorer, trainer_reward
from server.clients.trl import message_text


def reward_fn(
    prompt: Any,
    completions: str,
    prompt_ids: Sequence[int] | None = None,
    completion_ids: Sequence[int] | None = None,
    answer: Any = None,
    **kwargs: Any,
) -> float:
    """The reward of one AReaL completion (0.0 for a missing or unreadable gold)."""
    gold = answer if answer is not None else kwargs.get("reward_model")
    item: dict[str, Any] = {
        "response": completions if isinstance(completions, str) else str(completions),
        "reference": unwrap_label(gold),
        "prompt": message_text(prompt, "user"),
    }
    task = kwargs.get("task") or task_for_data_source(kwargs.get("data_source"))
    task = task or env_option(TASK_ENV)
    if task:
        item["task"] = task
    if completion_ids is not None:
        item["length"] = len(completion_ids)
    (result,) = make_scorer().score([item], spec=env_option(SPEC_ENV))
    return trainer_reward(result)
