"""OpenRLHF in-process hook: ``reward_func(queries, prompts, labels)``, and its reply shape.

OpenRLHF (0.11) loads a reward function instead of calling a URL when
``--reward.remote_url`` names a ``.py`` file: it imports that file and calls
``reward_func(queries, prompts, labels)`` from a thread, one query per call,
and reads ``rewards``, ``scores`` and ``extra_logs`` from the dict it returns,
exactly as from the HTTP reply of ``/get_reward``:

    --reward.remote_url $(python -c "import server.clients.openrlhf as m; print(m.__file__)")

The hook scores on the server named by ``$RLVR_SERVER_URL`` (else in-process),
with ``$RLVR_TASK`` / ``$RLVR_SPEC`` (else the defaults); keyword arguments
``server_url``, ``token``, ``task``, ``spec`` override them for direct calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from server.clients.plain import unwrap_label
from server.clients.scorer import SPEC_ENV, TASK_ENV, env_option, make_scorer, trainer_reward
from server.query import split_query
from server.settings import DEFAULT_STRIP_TOKENS
from verifiers.core.verdict import Status


def reply(results: Sequence[Mapping[str, Any]], prompt_found: Sequence[bool]) -> dict[str, Any]:
    """The ``/get_reward`` body for native results: what OpenRLHF reads from either path.

    ``rewards`` are the spec totals; ``scores`` the 1/0 judgement where the spec has an
    accuracy-role term (``accuracy`` names it; what ``--dynamic_filtering`` expects), else
    the totals. ``extra_logs``
    holds numbers only, with the same keys for every item: OpenRLHF stacks each into a
    tensor.
    """
    rewards = [trainer_reward(r) for r in results]
    scores = [
        float(r.get("correct") is True) if r.get("accuracy") else total
        for r, total in zip(results, rewards, strict=True)
    ]
    logs: dict[str, list[float]] = {
        f"status_{s.value}": [float(r["status"] == s.value) for r in results] for s in Status
    }
    logs["correct"] = [float(r.get("correct") is True) for r in results]
    logs["prompt_not_found"] = [float(not found) for found in prompt_found]
    for name in sorted({n for r in results for n in r.get("components", {})}):
        logs[f"reward_{name}"] = [float(r["components"].get(name, 0.0)) for r in results]
    return {
        "rewards": rewards,
        "scores": scores,
        "extra_logs": logs,
        "statuses": [r["status"] for r in results],
        "reasons": [r.get("reason", "") for r in results],
    }


def reward_func(
    queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any], **options: Any
) -> dict[str, Any]:
    """OpenRLHF's ``reward_func``: the same reply as ``POST /get_reward``."""
    items, found = [], []
    task = options.get("task") or env_option(TASK_ENV)
    for query, prompt, label in zip(queries, prompts, labels, strict=True):
        split = split_query(query, prompt, DEFAULT_STRIP_TOKENS)
        found.append(split.prompt_found)
        item: dict[str, Any] = {
            "response": split.response,
            "reference": unwrap_label(label),
            "prompt": prompt,
        }
        if task:
            item["task"] = task
        items.append(item)
    scorer = make_scorer(options.get("server_url"), token=options.get("token"))
    results = scorer.score(items, spec=options.get("spec") or env_option(SPEC_ENV))
    return reply(results, found)
