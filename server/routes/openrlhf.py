"""POST /get_reward: OpenRLHF's remote reward shape (``--remote_rm_url``, ``--reward.remote_url``).

OpenRLHF cannot send a task or a spec, so they come from the URL's query
string (``/get_reward?task=math&spec=r1``) or the server defaults.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from server.clients.openrlhf import reply
from server.clients.plain import unwrap_label
from server.clients.scorer import prompt_context
from server.edge_guards import check_batch_size
from server.query import split_query
from server.routes.common import SafeJSONResponse, get_service, item_result
from server.schemas import OpenRLHFRequest, OpenRLHFResponse
from server.service import RewardService
from verifiers.core.reward_batch import RewardItem

router = APIRouter(tags=["openrlhf"])


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
    """``rewards`` are the spec totals (0.0 for a bad gold); ``scores`` are 1/0 accuracy
    when the spec has an accuracy term (what OpenRLHF's dynamic filtering expects)."""
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
    # The same reply as the in-process hook (server.clients.openrlhf.reward_func).
    return SafeJSONResponse(reply([item_result(x) for x in scored], found))
