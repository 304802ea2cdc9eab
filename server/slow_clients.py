"""Deadlines for clients that send slowly: request headers (protocol) and bodies (ASGI).

uvicorn bounds an idle keep-alive connection but not a request in progress: a
client that dribbles its headers a byte at a time, or a body that never
finishes, holds a connection (and, for bodies, a parse slot and its memory)
forever; header dribblers need no token. ``GuardedH11Protocol`` closes a
connection whose request headers take longer than ``header_timeout_s``;
``BodyGuard`` answers 408 when a body takes longer than ``body_timeout_s`` to
arrive, 503 when ``max_slow_bodies`` bodies are already being received or
parsed, and rejects oversized batches from a cheap count before FastAPI
validates them (see ``server.edge_guards.count_items``); a saturated server
answers 429 before reading a body at all, and before parsing one whose item
count would pass the pending bound.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from typing import Any

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from server.edge_guards import count_items, send_json


def _configured_header_timeout() -> float:
    """The timeout from the settings a parent CLI handed to uvicorn worker processes."""
    payload = os.environ.get("REWARD_SERVER_SETTINGS_JSON")
    if payload:
        try:
            return float(json.loads(payload).get("header_timeout_s", 10.0))
        except (ValueError, TypeError, AttributeError):
            pass
    return 10.0


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol plus a deadline on receiving each request's headers."""

    header_timeout_s: float = _configured_header_timeout()

    # override: the same narrowed transport as uvicorn's own H11Protocol.connection_made
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            self._arm()  # bytes of the next request's headers: they must finish in time
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout_s, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


class BodyGuard:
    """Bound body reading and parsing: time, concurrency, and a cheap item count first."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        body_timeout_s: float,
        max_slow_bodies: int,
        max_batch_items: int,
        refusal: Callable[[int], Exception | None] | None = None,
        on_refused: Callable[[], None] | None = None,
        pre_parse_bytes: int = 64 * 1024,
    ) -> None:
        self.app = app
        self.refusal = refusal
        self.on_refused = on_refused
        self.body_timeout_s = body_timeout_s
        self.max_batch_items = max_batch_items
        self.pre_parse_bytes = pre_parse_bytes
        self.slots = max_slow_bodies
        self.in_use = 0
        # JSON pre-parses at once (each holds a parsed copy of its body in memory).
        self._parses: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        if self.in_use >= self.slots:
            await send_json(
                send,
                503,
                {
                    "detail": f"{self.slots} request bodies are being received; retry shortly "
                    "(server setting max_slow_bodies)"
                },
                headers=[("retry-after", "1")],
            )
            return
        if await self._refused(send, 1):  # saturated: do not even read the body
            return
        self.in_use += 1
        try:
            try:
                messages = await asyncio.wait_for(_read_body(receive), self.body_timeout_s)
            except TimeoutError:
                await send_json(
                    send,
                    408,
                    {
                        "detail": f"request body not received within {self.body_timeout_s:g}s "
                        "(server setting body_timeout_s)"
                    },
                    headers=[("connection", "close")],
                )
                return
            body = b"".join(m.get("body", b"") for m in messages)
            if len(body) >= self.pre_parse_bytes:
                # Off the event loop: a cheap count, so a 400k-item body is refused before
                # FastAPI builds 400k models on the loop.
                if self._parses is None:
                    self._parses = asyncio.Semaphore(max(1, (os.cpu_count() or 2) // 2))
                async with self._parses:
                    n = await asyncio.to_thread(count_items, body)
                if n is not None and n > self.max_batch_items:
                    await send_json(
                        send,
                        413,
                        {
                            "detail": f"batch too large: {n} items, the limit is "
                            f"{self.max_batch_items} per request (server setting "
                            "max_batch_items); split it into smaller requests"
                        },
                    )
                    return
                if n is not None and await self._refused(send, n):
                    return
        finally:
            self.in_use -= 1
        await self.app(scope, _replay(messages, receive), send)

    async def _refused(self, send: Send, n_items: int) -> bool:
        """Answer 429 (as the service's admission would) before the body is parsed."""
        refusal = self.refusal(n_items) if self.refusal is not None else None
        if refusal is None:
            return False
        if self.on_refused is not None:
            self.on_refused()
        retry = str(getattr(refusal, "retry_after_s", 1))
        await send_json(send, 429, {"detail": str(refusal)}, headers=[("retry-after", retry)])
        return True


async def _read_body(receive: Receive) -> list[Message]:
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    queue = list(messages)

    async def replay() -> Any:
        if queue:
            return queue.pop(0)
        return await receive()

    return replay
