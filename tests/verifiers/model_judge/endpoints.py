"""Judge endpoints on loopback ports for the tests: the real tiny model, and three stubs.

``serve_app`` runs any ASGI app with uvicorn in a thread and counts the chat
requests it receives, so a test can assert which items reached the judge.
The stubs are for failure modes a real model does not show on demand: a judge
that hangs, one that answers 500, and a "yes-man" that accepts everything
(the master-key gate must refuse it).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response

from tests.server.live import free_port


@dataclass
class Endpoint:
    url: str  # .../v1
    requests: list[dict[str, Any]] = field(default_factory=list)


@contextlib.contextmanager
def serve_app(app: Any) -> Iterator[Endpoint]:
    port = free_port()
    endpoint = Endpoint(f"http://127.0.0.1:{port}/v1")

    @app.middleware("http")
    async def record(request: Request, call_next: Any) -> Response:
        if request.url.path.endswith("/chat/completions"):
            endpoint.requests.append(await request.json())
        return await call_next(request)

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield endpoint
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def stub_app(kind: str) -> FastAPI:
    """``hang`` sleeps 30 s, ``error`` answers 500, ``yes``/``no`` always say that verdict."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        if kind == "hang":
            import asyncio

            await asyncio.sleep(30)
        if kind == "error":
            return Response("model crashed", status_code=500)
        word = "Yes" if kind == "yes" else "No"
        choice = {
            "index": 0,
            "message": {"role": "assistant", "content": f"Looks fine.\nVerdict: {word}"},
            "logprobs": {
                "content": [
                    {"token": "Verdict", "logprob": 0.0, "top_logprobs": []},
                    {"token": ":", "logprob": 0.0, "top_logprobs": []},
                    {"token": f" {word}", "logprob": -0.01,
                     "top_logprobs": [{"token": f" {word}", "logprob": -0.01},
                                      {"token": " Maybe", "logprob": -5.0}]},
                ]
            },
        }  # fmt: skip
        return {"choices": [choice] * int(body.get("n", 1))}

    return app
