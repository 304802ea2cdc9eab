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
    """200 while jobs move through the worker pool; 503 when they cannot (route around it)."""
    ready, why, detail = await service.readiness()
    if ready:
        return JSONResponse(Health(status="ready", detail=detail).model_dump())
    status = "starting" if why == "starting" else "unavailable"
    if why != "starting":
        detail["reason"] = why
    return JSONResponse(Health(status=status, detail=detail).model_dump(), status_code=503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(service: RewardService = Depends(get_service)) -> Response:
    return Response(service.metrics.render(), media_type=service.metrics.content_type)
