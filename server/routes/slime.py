"""POST /v1/reward: slime's per-sample shape (``--rm-url``, read with ``--reward-key score``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from server.clients.plain import unwrap_label
from server.clients.scorer import prompt_context
from server.clients.slime import reply
from server.routes.common import SafeJSONResponse, get_service, item_result
from server.schemas import SlimeRequest, SlimeResponse
from server.service import RewardService
from verifiers.core.reward_batch import RewardItem
from verifiers.format import prompt_text

router = APIRouter(tags=["slime"])


@router.post(
    "/v1/reward",
    response_model=SlimeResponse,
    summary="slime remote reward (one sample)",
    responses={413: {"description": "too large"}, 429: {"description": "saturated"}},
)
async def reward(
    body: SlimeRequest,
    task: str | None = Query(None, description="task verifier (default: the server's)"),
    spec: str | None = Query(None, description="preset or server-named spec"),
    service: RewardService = Depends(get_service),
) -> SafeJSONResponse:
    """The reward of one sample; slime reads ``score`` from it (``--reward-key score``)."""
    reward_spec = service.resolve_spec(spec, ("query", "spec"))
    task_name = task or service.settings.default_task
    service.check_task(task_name, reward_spec, ("query", "task"))
    item = RewardItem(
        response=body.response,
        reference=unwrap_label(body.label),
        spec=reward_spec,
        task=task_name,
        context=prompt_context(prompt_text(body.prompt) if body.prompt is not None else None, {}),
    )
    (scored,) = await service.score([item])
    # The same reply as the in-process hook (server.clients.slime.reward).
    return SafeJSONResponse(reply(item_result(scored)))
