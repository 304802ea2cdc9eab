"""POST /v1/rewards: the native batch shape, with full verdicts per item."""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends

from server.clients.scorer import prompt_context
from server.edge_guards import check_batch_size
from server.routes.common import SafeJSONResponse, get_service, item_result
from server.schemas import RewardRequestItem, RewardsRequest, RewardsResponse
from server.service import InvalidItem, RewardService
from verifiers.core.registry import Registry
from verifiers.core.reward_batch import RewardItem
from verifiers.core.spec import RewardSpec
from verifiers.format import prompt_text

router = APIRouter(tags=["rewards"])


def _needs_reference(registry: Registry, name: str) -> bool:
    """The verifier's record says it grades against a gold (unknown names: 422 later)."""
    try:
        return registry.info(name).needs_reference
    except KeyError:
        return False


def _check_reference(
    item: RewardRequestItem,
    spec: RewardSpec,
    task: str,
    here: tuple[str | int, ...],
    registry: Registry,
) -> None:
    """422 for an item that leaves out ``reference`` when the spec grades against one.

    Without it every response would be judged against nothing: the client's bug, said
    at once rather than as a batch of ``reference_error`` verdicts. An explicit
    ``null`` is data and gets the ``reference_error`` verdict.
    """
    if "reference" in item.model_fields_set:
        return
    # The task's term or a component naming its verifier (a spec's `verifier: code`).
    graded = next((n for n in spec.verifier_names(task) if _needs_reference(registry, n)), None)
    if graded is not None:
        raise InvalidItem(
            (*here, "reference"),
            f"missing reference: the verifier {graded!r} grades against a gold answer; "
            "send it as 'reference'",
        )


def _scoring_item(
    service: RewardService,
    body: RewardsRequest,
    index: int,
    item: RewardRequestItem,
    resolved: dict[object, RewardSpec],
) -> RewardItem:
    here: tuple[str | int, ...] = ("body", "items", index)
    field = (*here, "spec") if item.spec is not None else ("body", "spec")
    requested = item.spec if item.spec is not None else body.spec
    # One resolved spec object per distinct request spec: checks, the length-penalty
    # switch and the cache fingerprint then run once per spec, not once per item.
    memo_key = requested if isinstance(requested, str | None) else id(requested)
    spec = resolved.get(memo_key)
    if spec is None:
        spec = service.resolve_spec(requested, field)
        if body.length_penalty is not None and spec.length_penalty.enabled != body.length_penalty:
            spec = spec.with_length_penalty(body.length_penalty)
        resolved[memo_key] = spec
    task = item.task_name() or body.task or service.settings.default_task
    task_field = (*here, "task") if item.task_name() else ("body", "task")
    service.check_task(task, spec, task_field)
    service.check_options(item.context, (*here, "context"), spec=spec, task=task)
    _check_reference(item, spec, task, here, service.registry)
    return RewardItem(
        response=item.response,
        reference=item.reference,
        spec=spec,
        task=task,
        context=prompt_context(
            prompt_text(item.prompt) if item.prompt is not None else None, item.context
        ),
        group=item.group,
        length=item.length,
    )


@router.post(
    "/v1/rewards",
    response_model=RewardsResponse,
    summary="Score a batch of responses",
    responses={
        413: {"description": "body or batch too large"},
        429: {"description": "saturated; retry after the Retry-After header"},
    },
)
async def rewards(
    body: RewardsRequest, service: RewardService = Depends(get_service)
) -> SafeJSONResponse:
    """Each item gets its spec's total, every component and every verdict.

    A stuck item (CAS bomb, endless program) gets its spec's failure score
    with status ``timeout``; the rest of the batch is unaffected.
    """
    start = time.perf_counter()
    check_batch_size(len(body.items), service.settings.max_batch_items)
    resolved: dict[object, RewardSpec] = {}
    items = [_scoring_item(service, body, i, item, resolved) for i, item in enumerate(body.items)]
    scored = await service.score(items, timeout_s=body.timeout_s, deadline_s=body.deadline_s)
    return SafeJSONResponse(
        {"results": [item_result(s) for s in scored], "elapsed_s": time.perf_counter() - start}
    )
