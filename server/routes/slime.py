"""POST /v1/reward: slime's per-sample shape (``--rm-url``, read with ``--reward-key score``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from server.clients.plain import unwrap_label
from server.clients.scorer import prompt_context
from server.clients.slime import reply
from server.routes.common import SafeJSONResponse, get_service, item_result
from server.schemas import SlimeRequest, SlimeResponse
from server.service import RewardService, ScoringItem

router = APIRouter(tags=["slime"])


def prompt_text(prompt: str | list[dict[str, Any]] | None) -> str | None:
    """The prompt as text; for chat messages, the last user turn (what a verifier needs)."""
    if prompt is None or isinstance(prompt, str):
        return prompt
    users = [m.get("content") for m in prompt if m.get("role") == "user"]
    texts = [c for c in users if isinstance(c, str)]
    return texts[-1] if texts else None


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
    item = ScoringItem(
        response=body.response,
        reference=unwrap_label(body.label),
        spec=reward_spec,
        task=task_name,
        context=prompt_context(prompt_text(body.prompt), {}),
    )
    (scored,) = await service.score([item])
    # The same reply as the in-process hook (server.clients.slime.reward).
    return SafeJSONResponse(reply(item_result(scored)))
