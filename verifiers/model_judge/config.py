"""The judge's operator settings: which model answers, how long it may take, when it is trusted.

Everything here is the operator's choice (server settings or the Python caller
that builds the verifier), never a request's: a request that could name the
endpoint could point the server at a judge that says "Yes" to everything.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator


class JudgeBackend(str, Enum):
    """``openai``: any OpenAI-compatible endpoint (``vllm serve``, ``rm-train serve``, SGLang);
    ``transformers``: the model loaded in the verifying process (small models, library use)."""

    OPENAI = "openai"
    TRANSFORMERS = "transformers"


class JudgeConfig(BaseModel):
    """How the judge verifier reaches its model and reads its answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: JudgeBackend = JudgeBackend.OPENAI
    base_url: str | None = Field(None, description="e.g. http://127.0.0.1:8001/v1 (openai)")
    model: str = Field(description="model id at the endpoint, or a local directory (transformers)")
    api_key: SecretStr | None = Field(None, description="bearer token for the endpoint")
    timeout_s: float = Field(
        8.0,
        gt=0,
        description="per judge request; keep it below the runner's per-item limit so "
        "a slow judge gives a judged failure (with a reason) rather than a killed worker",
    )
    samples: int = Field(
        1, ge=1, le=16, description="k sampled checks; P(Yes) is their mean (GenRM's vote)"
    )
    temperature: float = Field(0.0, ge=0, description="0 for one greedy check; >0 when k > 1")
    max_tokens: int = Field(256, ge=8, description="room for the check and the verdict line")
    logprobs: bool = Field(
        True,
        description="score P(Yes) from the verdict token's logprobs when the endpoint "
        "returns them; otherwise (or when off) the share of 'Verdict: Yes' over the k samples",
    )
    threshold: float = Field(0.5, gt=0, lt=1, description="P(Yes) at or above = correct")
    max_fpr: float = Field(
        0.05,
        ge=0,
        le=1,
        description="largest master-key false-positive rate the cascade accepts "
        "at start-up (Master-RM: judges accept content-free answers at up to tens of percent)",
    )
    allow_unsafe: bool = Field(
        False, description="start even when the judge fails the master-key gate (knowingly)"
    )
    disagreement_log: str | None = Field(
        None, description="JSONL file: one line per item where judge and rules disagree"
    )

    @model_validator(mode="after")
    def _endpoint_for_openai(self) -> JudgeConfig:
        if self.backend == JudgeBackend.OPENAI and not self.base_url:
            raise ValueError("the openai judge backend needs base_url (e.g. http://host:8001/v1)")
        return self
