"""Glue shared by the routes: the service of the app, result conversion, JSON rendering."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from server.service import RewardService, Scored
from verifiers.core.verdict import Verdict

_VERDICT_FIELDS = tuple(f.name for f in dataclasses.fields(Verdict))


async def get_service(request: Request) -> RewardService:
    """The app's service (async: FastAPI would run a sync dependency in a thread pool)."""
    return request.app.state.service


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """A verdict as JSON-ready data (shallow: ``details`` is encoded by ``SafeJSONResponse``)."""
    data = {name: getattr(verdict, name) for name in _VERDICT_FIELDS}
    data["status"] = verdict.status.value
    return data


def item_result(scored: Scored) -> dict[str, Any]:
    """One item of the native response (the ``ItemResult`` schema)."""
    result = scored.result
    return {
        "total": result.total,
        "components": result.components,
        "verdicts": {name: verdict_json(v) for name, v in result.verdicts.items()},
        "status": result.status.value,
        "reason": result.reason,
        "correct": result.correct,
        "accuracy": result.accuracy,
        "cached": scored.cached,
    }


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: unknown objects become their repr, NaN/inf become null."""
    return json.loads(json.dumps(value, default=repr), parse_constant=lambda _: None)


class SafeJSONResponse(JSONResponse):
    """JSON that always encodes: one fast ``json.dumps`` in the common case.

    Routes return plain dicts through it instead of pydantic models, so the
    reply is encoded once (FastAPI would validate a returned model against the
    response model a second time). Verdict details are free-form, so a value
    JSON cannot hold (a tuple key, a set, NaN) falls back to ``jsonable``
    rather than failing the whole batch with a 500. ASCII escapes keep a lone
    surrogate echoed from the request valid JSON.
    """

    def render(self, content: Any) -> bytes:
        try:
            return json.dumps(content, allow_nan=False, separators=(",", ":")).encode()
        except (TypeError, ValueError):
            return json.dumps(jsonable(content), allow_nan=False, separators=(",", ":")).encode()
