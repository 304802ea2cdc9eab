"""``rm-train serve``: an OpenAI-compatible chat endpoint for a small judge, on transformers.

On a GPU, serve the judge with ``vllm serve MODEL_DIR`` (the judge verifier
reads the verdict token's logprobs that vLLM returns). This endpoint is for
CPUs and tests: the same ``/v1/chat/completions`` request shape, answered by
``LocalJudge`` - the model writes its check, then the verdict is read at the
fixed verdict line, so every answer ends in ``Verdict: Yes|No`` and the
``logprobs`` field carries the verdict token's log-probabilities for " Yes" and
" No" (an abridged listing: only the verdict token, which is all a judge needs).
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from verifiers.model_judge.prompt import NO, VERDICT_PREFIX, YES, strip_verdict


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: str
    content: str


class ChatRequest(BaseModel):
    """The subset of the OpenAI chat request a judge uses; other fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    model: str = ""
    messages: list[ChatMessage] = Field(min_length=1)
    n: int = Field(1, ge=1, le=16)
    temperature: float = Field(0.0, ge=0.0)
    max_tokens: int = Field(128, ge=1, le=2048)
    logprobs: bool = False
    top_logprobs: int = Field(0, ge=0, le=20)


def _judge_inputs(messages: list[ChatMessage]) -> tuple[str, str, str] | None:
    """(question, reference, response) back from the judge prompt's labelled sections."""
    user = next((m.content for m in reversed(messages) if m.role == "user"), "")
    sections: dict[str, str] = {}
    for block in user.split("## ")[1:]:
        title, _, body = block.partition("\n")
        sections[title.strip().lower()] = body.strip()
    if "reference answer" not in sections or "response" not in sections:
        return None
    return sections.get("question", ""), sections["reference answer"], sections["response"]


def create_app(model_dir: str, *, served_name: str | None = None, think: bool = True) -> Any:
    """The FastAPI app; the model loads once, requests are served one at a time."""
    from fastapi import FastAPI, HTTPException

    from verifiers.model_judge.local import LocalJudge

    judge = LocalJudge(model_dir, think=think, batch_size=1)
    name = served_name or model_dir
    lock = threading.Lock()
    app = FastAPI(title="rm-train serve")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": name, "object": "model"}]}

    @app.post("/v1/chat/completions")
    def chat(req: ChatRequest) -> dict[str, Any]:
        inputs = _judge_inputs(req.messages)
        if inputs is None:
            raise HTTPException(
                422,
                "not a judge prompt: needs '## Reference answer' and "
                "'## Response' sections (verifiers.model_judge.prompt)",
            )
        judge.max_new_tokens = req.max_tokens
        choices = []
        with lock:
            for i in range(req.n):
                out = judge.judge([inputs], temperature=req.temperature, seed=i)[0]
                choices.append(_choice(i, out.text, out.p_yes, req.logprobs))
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": name,
            "choices": choices,
        }

    return app


def _choice(index: int, text: str, p_yes: float, logprobs: bool) -> dict[str, Any]:
    verdict = YES if p_yes >= 0.5 else NO
    content = f"{strip_verdict(text)}\n{VERDICT_PREFIX} {verdict}".strip()
    choice: dict[str, Any] = {
        "index": index,
        "message": {"role": "assistant", "content": content},
        "finish_reason": "stop",
        "logprobs": None,
    }
    if logprobs:
        lp_yes = math.log(max(p_yes, 1e-12))
        lp_no = math.log(max(1 - p_yes, 1e-12))
        top = [{"token": f" {YES}", "logprob": lp_yes}, {"token": f" {NO}", "logprob": lp_no}]
        choice["logprobs"] = {
            "content": [
                {"token": VERDICT_PREFIX, "logprob": 0.0, "top_logprobs": []},
                {
                    "token": f" {verdict}",
                    "logprob": lp_yes if verdict == YES else lp_no,
                    "top_logprobs": top,
                },
            ]
        }
    return choice
