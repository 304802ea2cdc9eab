"""Guards at the edge: body and batch size (413) and bearer-token auth (401).

The third guard, the bound on pending items (429 + Retry-After), needs the
service's count and lives in ``server.service.RewardService.admit``.

Both middlewares are plain ASGI (no ``BaseHTTPMiddleware``): they add no task
per request and see the body as it streams, so an oversized chunked upload is
cut off at the limit instead of being buffered first.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from urllib.parse import parse_qsl

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUBLIC_PATHS = frozenset({"/healthz", "/readyz"})
# OpenRLHF (``--reward.remote_url``) and slime (``--rm-url``) POST with no way to add a
# header, so on their two routes the token may also come in the URL: ``?token=...``.
QUERY_TOKEN_PATHS = frozenset({"/get_reward", "/v1/reward"})
TOKEN_QUERY_KEY = "token"


async def send_json(
    send: Send, status: int, body: dict, headers: Iterable[tuple[str, str]] = ()
) -> None:
    payload = json.dumps(body).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        *((k.encode(), v.encode()) for k, v in headers),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


class _BodyTooLarge(HTTPException):
    """Raised from ``receive`` mid-stream; an HTTPException so the app answers 413 with it."""


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413, by header or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self, size: int | None) -> dict:
        got = f"{size} bytes" if size is not None else "more"
        return {
            "detail": f"request body too large: {got}, the limit is {self.max_bytes} bytes "
            "(server setting max_body_bytes); split the batch into smaller requests"
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await send_json(send, 413, self._message(int(declared)))
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge(413, self._message(None)["detail"])
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await send_json(send, 413, self._message(None))


def count_items(body: bytes) -> int | None:
    """The number of items a request body holds, for a limit check before validation.

    One C-speed JSON parse (run it off the event loop), no models: the native
    ``items`` list, OpenRLHF's ``query`` list, or 1 for slime's single sample.
    None when the body is not JSON (FastAPI's own validation answers it).
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if isinstance(data, dict):
        for key in ("items", "query", "queries"):
            if isinstance(data.get(key), list):
                return len(data[key])
        return 1
    return len(data) if isinstance(data, list) else 1


def check_batch_size(n_items: int, limit: int) -> None:
    """413 for a batch over ``max_batch_items``, before any work is queued."""
    if n_items > limit:
        raise HTTPException(
            413,
            f"batch too large: {n_items} items, the limit is {limit} per request "
            "(server setting max_batch_items); split it into smaller requests",
        )


def _query_token(scope: Scope) -> bytes | None:
    raw = scope.get("query_string", b"").decode("latin-1")
    values = [v for k, v in parse_qsl(raw, keep_blank_values=True) if k == TOKEN_QUERY_KEY]
    return values[-1].encode() if values else None


class BearerAuth:
    """Require ``Authorization: Bearer <token>`` on every path except the health probes.

    Load balancers and orchestrators probe health without credentials, so
    ``/healthz`` and ``/readyz`` stay open; everything else, metrics and the
    OpenAPI docs included, needs the token. OpenRLHF and slime send no headers,
    so their routes (``QUERY_TOKEN_PATHS``) also take it as ``?token=<api_token>``
    in the URL they are given. Comparisons are constant-time.
    """

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode()
        self.expected = b"Bearer " + self.token

    def _allowed(self, scope: Scope, header: bytes) -> bool:
        if header and secrets.compare_digest(header, self.expected):
            return True
        if scope.get("path") in QUERY_TOKEN_PATHS:
            given = _query_token(scope)
            return given is not None and secrets.compare_digest(given, self.token)
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"authorization", b"")
        if not self._allowed(scope, given):
            reason = "missing" if not given else "invalid"
            hint = "send 'Authorization: Bearer <api_token>'"
            if scope.get("path") in QUERY_TOKEN_PATHS:
                hint += " or add '?token=<api_token>' to the URL"
            await send_json(
                send,
                401,
                {"detail": f"{reason} bearer token: {hint}"},
                headers=[("www-authenticate", "Bearer")],
            )
            return
        await self.app(scope, receive, send)
