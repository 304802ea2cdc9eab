"""The FastAPI app: ``create_app(settings)`` wires routes, guards, metrics and the worker pool.

The app is stateless across requests apart from its verdict cache, so any
number of replicas can sit behind a load balancer. Its one ``BoundedRunner``
is created and warmed in the lifespan (``/readyz`` turns 200 after that) and
closed after uvicorn has let in-flight requests finish on shutdown.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.docs_assets import install_docs
from server.edge_guards import BearerAuth, BodySizeLimit
from server.metrics import Metrics
from server.routes import native, openrlhf, ops, slime
from server.routes.common import SafeJSONResponse
from server.service import InvalidItem, NotReady, RewardService, Saturated
from server.settings import ServerSettings
from server.slow_clients import BodyGuard


class RequestMetrics:
    """Count and time every request by route (unknown paths share one label)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: frozenset[str]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = scope["path"] if scope["path"] in self.routes else "other"
        code = 500
        start = time.perf_counter()

        async def recording_send(message: Message) -> None:
            nonlocal code
            if message["type"] == "http.response.start":
                code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            self.metrics.requests.labels(route, str(code)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - start)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Saturated)
    async def saturated(_: Request, exc: Saturated) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc)}, status_code=429, headers={"Retry-After": str(exc.retry_after_s)}
        )

    @app.exception_handler(NotReady)
    async def not_ready(_: Request, exc: NotReady) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> SafeJSONResponse:
        # FastAPI's own handler echoes the input with a strict JSON encoder: a NaN or a
        # lone surrogate in a malformed body would turn the 422 into a 500.
        return SafeJSONResponse({"detail": [_brief(e) for e in exc.errors()]}, status_code=422)

    @app.exception_handler(InvalidItem)
    async def invalid_item(_: Request, exc: InvalidItem) -> JSONResponse:
        # The same shape as FastAPI's own validation errors, so clients parse one format.
        detail = [{"type": "value_error", "loc": list(exc.field), "msg": str(exc)}]
        return JSONResponse({"detail": detail}, status_code=422)


def _brief(error: dict[str, Any]) -> dict[str, Any]:
    """A validation error with its ``input`` kept only when small (never echo a 16 MB body)."""
    brief = {k: v for k, v in error.items() if k not in ("input", "url")}
    value = error.get("input")
    if (
        value is None
        or isinstance(value, (bool, int, float))
        or (isinstance(value, str) and len(value) <= 200)
    ):
        brief["input"] = value
    return brief


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """A reward server app for ``settings`` (default: ``ServerSettings.load()``)."""
    settings = settings or ServerSettings.load()
    metrics = Metrics()
    service = RewardService(settings, metrics)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(
        title="rlvr-kit reward server",
        description="Rule-based rewards (math, format, language, code) for verl, OpenRLHF, "
        "TRL and slime. Every item has a hard time limit; a stuck item gets its spec's "
        "failure score with status 'timeout'.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # replaced by install_docs: the same pages, assets served locally
        redoc_url=None,
    )
    install_docs(app)
    app.state.settings = settings
    app.state.service = service
    routers = (native, openrlhf, slime, ops)
    for module in routers:
        app.include_router(module.router)
    _install_error_handlers(app)
    # Known paths label the request metrics; anything else shares "other" (bounded labels).
    routes = frozenset(
        [getattr(r, "path", "") for m in routers for r in m.router.routes]
        + [p for p in (app.openapi_url, "/docs", "/redoc") if p]
    )
    # Added innermost first: metrics see every reply, auth runs before the body is read.
    app.add_middleware(
        BodyGuard,
        body_timeout_s=settings.body_timeout_s,
        max_slow_bodies=settings.max_slow_bodies,
        max_batch_items=settings.max_batch_items,
        refusal=service.refusal,
        on_refused=metrics.rejected.inc,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    if settings.api_token is not None:
        app.add_middleware(BearerAuth, token=settings.api_token.get_secret_value())
    app.add_middleware(RequestMetrics, metrics=metrics, routes=routes)
    return app


SETTINGS_ENV = "REWARD_SERVER_SETTINGS_JSON"


def create_app_from_env() -> FastAPI:
    """The app factory of each uvicorn worker process when ``http_workers`` > 1.

    The CLI resolves the settings once (file, env, flags) and hands them to the
    workers through ``REWARD_SERVER_SETTINGS_JSON``, so every process serves
    exactly the same configuration.
    """
    payload = os.environ.get(SETTINGS_ENV)
    if payload is None:
        return create_app()
    return create_app(ServerSettings.from_env(payload))
