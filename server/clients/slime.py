"""slime hooks: ``--custom-rm-path server.clients.slime.reward`` (one sample) and
``--group-rm --custom-rm-path server.clients.slime.group_reward`` (a prompt's group).

slime imports the function by its dotted path and awaits ``f(args, sample)``
(``f(args, samples)`` with ``--group-rm``); the reward it stores is the dict
below, read with ``--reward-key score`` like the ``/v1/reward`` route's reply.
The sample's prompt (text or chat messages), response and label are sent; the
task comes from ``sample.metadata["task"]``, else the verifier claiming
``metadata["data_source"]``, else ``$RLVR_TASK``. The server is
``$RLVR_SERVER_URL`` (else in-process), the spec ``$RLVR_SPEC``.
The group variant sends the group in one request with the response lengths,
so a spec with Kimi's length penalty gets it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from server.clients.plain import unwrap_label
from server.clients.routing import task_for_data_source
from server.clients.scorer import SPEC_ENV, TASK_ENV, env_option, make_scorer, trainer_reward
from server.clients.trl import message_text


def reply(result: Mapping[str, Any]) -> dict[str, Any]:
    """What slime stores as ``sample.reward`` (read with ``--reward-key score``)."""
    return {
        "score": trainer_reward(result),
        "correct": result.get("correct"),
        "status": result["status"],
        "reason": result.get("reason", ""),
        "components": dict(result.get("components", {})),
    }


def _item(sample: Any, group: str | None) -> dict[str, Any]:
    metadata = sample.metadata if isinstance(sample.metadata, Mapping) else {}
    item: dict[str, Any] = {
        "response": sample.response or "",
        "reference": unwrap_label(sample.label),
        "prompt": message_text(sample.prompt, "user"),
    }
    task = (
        metadata.get("task")
        or task_for_data_source(metadata.get("data_source"))
        or env_option(TASK_ENV)
    )
    if task:
        item["task"] = task
    if group is not None:
        item["group"] = group
        if getattr(sample, "response_length", 0):
            item["length"] = int(sample.response_length)
    return item


async def _score(samples: Sequence[Any], group: str | None) -> list[dict[str, Any]]:
    items = [_item(sample, group) for sample in samples]
    results = await make_scorer().score_async(items, spec=env_option(SPEC_ENV))
    return [reply(r) for r in results]


async def reward(args: Any, sample: Any, **kwargs: Any) -> dict[str, Any]:
    """slime's per-sample custom reward (``async_rm`` awaits ``f(args, sample)``)."""
    (result,) = await _score([sample], None)
    return result


async def group_reward(args: Any, samples: Sequence[Any], **kwargs: Any) -> list[dict[str, Any]]:
    """slime's group reward (``--group-rm``: ``batched_async_rm`` awaits ``f(args, samples)``)."""
    if not samples:
        return []
    index = getattr(samples[0], "group_index", None)
    return await _score(samples, f"slime-group-{index if index is not None else id(samples)}")
