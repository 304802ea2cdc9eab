"""Probes and metrics: /healthz (process up), /readyz (workers up), /metrics (Prometheus)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse

from server.routes.common import get_service
from server.schemas import Health
from server.service import RewardService

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health, summary="liveness")
async def healthz() -> Health:
    """200 while the process serves HTTP; restart the container when this fails."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    summary="readiness",
    responses={503: {"model": Health, "description": "workers not up"}},
)
async def readyz(service: RewardService = Depends(get_service)) -> Response:
    """200 once the worker pool answers; a load balancer sends traffic only then."""
    runner = service.runner
    detail = {
        "workers": runner.workers if runner else 0,
        # Killed or recycled workers are restarted on their next job, so this may dip.
        "live_workers": len(runner.worker_pids()) if runner else 0,
        "queue_depth": runner.queue_depth() if runner else 0,
        "pending_items": service.pending,
    }
    if service.ready:
        return JSONResponse(Health(status="ready", detail=detail).model_dump())
    return JSONResponse(Health(status="starting", detail=detail).model_dump(), status_code=503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(service: RewardService = Depends(get_service)) -> Response:
    return Response(service.metrics.render(), media_type=service.metrics.content_type)
