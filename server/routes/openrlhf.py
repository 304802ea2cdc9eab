"""POST /get_reward: OpenRLHF's remote reward shape (``--remote_rm_url``, ``--reward.remote_url``).

OpenRLHF cannot send a task or a spec, so they come from the URL's query
string (``/get_reward?task=math&spec=r1``) or the server defaults.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from server.clients.scorer import prompt_context
from server.edge_guards import check_batch_size
from server.query import split_query
from server.routes.common import (
    SafeJSONResponse,
    get_service,
    unwrap_label,
)
from server.schemas import OpenRLHFRequest, OpenRLHFResponse
from server.service import RewardService, Scored
from verifiers.core.reward_batch import RewardItem
from verifiers.core.verdict import Status

router = APIRouter(tags=["openrlhf"])


def _extra_logs(scored: list[Scored], prompt_found: list[bool]) -> dict[str, list[float]]:
    """Numbers only, and the same keys for every item: OpenRLHF stacks them into tensors."""
    logs: dict[str, list[float]] = {
        f"status_{s.value}": [float(x.result.status == s) for x in scored] for s in Status
    }
    logs["correct"] = [float(x.result.correct is True) for x in scored]
    logs["prompt_not_found"] = [float(not found) for found in prompt_found]
    names = sorted({name for x in scored for name in x.result.components})
    for name in names:
        logs[f"reward_{name}"] = [x.result.components.get(name, 0.0) for x in scored]
    return logs


@router.post(
    "/get_reward",
    response_model=OpenRLHFResponse,
    summary="OpenRLHF remote reward",
    responses={413: {"description": "too large"}, 429: {"description": "saturated"}},
)
async def get_reward(
    body: OpenRLHFRequest,
    task: str | None = Query(None, description="task verifier (default: the server's)"),
    spec: str | None = Query(None, description="preset or server-named spec"),
    service: RewardService = Depends(get_service),
) -> SafeJSONResponse:
    """``rewards`` are the spec totals; ``scores`` are 1/0 accuracy when the spec has an
    accuracy term (what OpenRLHF's dynamic filtering expects), else the totals."""
    queries = body.queries()
    check_batch_size(len(queries), service.settings.max_batch_items)
    reward_spec = service.resolve_spec(spec, ("query", "spec"))
    task_name = task or service.settings.default_task
    service.check_task(task_name, reward_spec, ("query", "task"))
    items, found = [], []
    for query, prompt, label in zip(queries, body.prompt_list(), body.label_list(), strict=True):
        split = split_query(query, prompt, service.settings.strip_tokens)
        found.append(split.prompt_found)
        items.append(
            RewardItem(
                response=split.response,
                reference=unwrap_label(label),
                spec=reward_spec,
                task=task_name,
                context=prompt_context(prompt, {}),
            )
        )
    scored = await service.score(items)
    totals = [x.result.total for x in scored]
    accuracy = reward_spec.accuracy
    has_accuracy = accuracy is not None and accuracy.enabled
    scores = [float(x.result.correct is True) for x in scored] if has_accuracy else totals
    return SafeJSONResponse(
        {
            "rewards": totals,
            "scores": scores,
            "extra_logs": _extra_logs(scored, found),
            "statuses": [x.result.status.value for x in scored],
            "reasons": [x.result.reason for x in scored],
        }
    )
