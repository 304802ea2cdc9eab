"""Typed settings for every curation step, one model per step.

They live beside the code they configure (the TRL ``GRPOConfig`` pattern) so a
recipe YAML, the CLI and a user's Python all build the same objects, and a
step's fingerprint (used to decide whether a resumed run may reuse finished
shards) is simply the JSON of its config.
"""

from __future__ import annotations

import hashlib
import json
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from verifiers.core.registry import DEFAULT_TASK


class ConfigError(ValueError):
    """A configuration mistake, said in one line (``one_line_error``)."""


def one_line_error(exc: ValidationError, where: str) -> ConfigError:
    """A pydantic error as one line a user can act on: where, the key, what is wrong.

    pydantic's own message spans several lines per error with a docs URL; a typo in
    a recipe should read ``recipe.yaml: steps[3].filter.pass_att: unknown key (valid:
    k, keep_unsolved, ...)``.
    """
    errors = exc.errors()
    first = errors[0]
    key = ".".join(str(p) for p in first["loc"])
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        model = _model_named(exc.title)
        valid = f" (valid: {', '.join(model.model_fields)})" if model else ""
        message = f"unknown key{valid}"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return ConfigError(f"{where} {key}: {message}{more}".strip())


def _model_named(name: str) -> type[BaseModel] | None:
    """The pydantic model class called ``name`` (the title of its validation errors)."""
    pending: list[type[BaseModel]] = [BaseModel]
    while pending:
        cls = pending.pop()
        if cls.__name__ == name and cls is not BaseModel:
            return cls
        pending.extend(cls.__subclasses__())
    return None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def fingerprint(self) -> str:
        """A short stable hash of the settings; a resumed run must see the same one."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


class ColumnMap(_Frozen):
    """Which input columns hold the normalised fields (renamed back on output).

    A name may be a dotted path into a struct column (``reward_model.ground_truth``,
    verl's gold): the field is read into the canonical column and the struct is
    written back untouched. ``curation.schema.resolve_columns`` fills in verl's
    schema (``data_source``, ``reward_model.ground_truth``) when the defaults do not
    exist in the data.
    """

    id: str = Field("id", description="unique row id; generated from the row number when absent")
    prompt: str = Field("prompt", description="the question text or a list of chat messages")
    answer: str = Field(
        "answer", description="the gold answer (a column or a dotted path into a struct column)"
    )
    responses: str = Field("responses", description="list column of sampled responses (optional)")
    source: str = Field("source", description="dataset/source name used for per-source reports")
    task: str = Field(
        "task",
        description="which verifier judges the row (math, code, ...); when the column is "
        "absent, each row's source (verl's data_source) picks the verifier that claims it",
    )
    metadata: str = Field("metadata", description="free-form per-row data, carried through")
    derived: tuple[str, ...] = Field(
        (),
        description="canonical columns computed from the input (dotted paths, task from "
        "source); dropped on output so the input's columns come back unchanged. Set by "
        "resolve_columns, not by users.",
    )


class TemplateName(str, Enum):
    """How a prompt is turned into model input (see ``curation.templates``)."""

    R1_ZERO = "r1_zero"
    CHAT = "chat"
    NO_COT = "no_cot"
    RAW = "raw"


class BackendName(str, Enum):
    """The generation engines ``curation.backends`` knows."""

    VLLM = "vllm"
    OPENAI = "openai"
    TRANSFORMERS = "transformers"


class GenerationConfig(_Frozen):
    """Sampling settings; defaults follow Kimi k1.5's difficulty estimate (high temperature)."""

    backend: BackendName = BackendName.TRANSFORMERS
    model: str = Field(
        ..., description="model path/name for vllm/transformers, model id for openai"
    )
    base_url: str | None = Field(None, description="OpenAI-compatible server URL (openai backend)")
    api_key: str | None = Field(None, description="bearer token for the openai backend")
    template: TemplateName = TemplateName.R1_ZERO
    n: int = Field(8, ge=1, description="samples per prompt")
    temperature: float = Field(1.0, ge=0.0)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    max_tokens: int = Field(1024, ge=1)
    seed: int = Field(0, description="base seed; each prompt gets seed + hash(id) for resumability")
    concurrency: int = Field(8, ge=1, description="in-flight requests (openai backend)")
    retries: int = Field(3, ge=0, description="retries per request on 429/5xx/connection errors")
    request_timeout_s: float = Field(120.0, gt=0)
    dtype: str = Field("auto", description="model dtype (vllm/transformers); float32 on CPU")
    max_model_len: int | None = Field(None, description="vllm context length")
    ignore_eos: bool = Field(False, description="always generate max_tokens (benchmarks, tests)")
    engine_args: dict[str, Any] = Field(
        default_factory=dict, description="extra vllm.LLM arguments (enforce_eager, ...)"
    )

    @model_validator(mode="after")
    def _check_backend(self) -> GenerationConfig:
        if self.backend == BackendName.OPENAI and not self.base_url:
            raise ValueError("the openai backend needs base_url (e.g. http://127.0.0.1:8000/v1)")
        return self


NO_COT_MAX_TOKENS = 32
"""Kimi's guessing test: an answer only, no room to reason."""


class ScoreConfig(_Frozen):
    """How rollouts are verified."""

    task: str = Field(
        DEFAULT_TASK,
        description="verifier of rows that name none (no task, no source a verifier claims)",
    )
    spec: str | None = Field(
        None,
        description="a reward spec (preset or file): each response's score becomes the spec's "
        "total (format terms included), the same locally and with a server; default: the "
        "task verifier's own score",
    )
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="verifier options for every row (e.g. require_boxed); validated against "
        "the task verifier's options model at load, and per row when a row names its task",
    )
    timeout_s: float = Field(5.0, gt=0, description="hard wall-clock limit per verification (s)")
    workers: int = Field(2, ge=1, description="verification worker processes (bounded runner)")
    memory_mb: int | None = Field(4096, description="address-space cap per worker")
    chunk_size: int = Field(256, ge=1, description="verifications per worker job (IPC batching)")
    server: str | None = Field(
        None, description="score through the reward server at this base URL (POST URL/v1/rewards)"
    )
    server_batch: int = Field(256, ge=1, description="items per reward-server request")
    keep_verdicts: bool = Field(True, description="keep the full per-response verdicts")
    keep_timings: bool = Field(
        False, description="store each verdict's elapsed_s (makes reruns differ byte-wise)"
    )

    @model_validator(mode="after")
    def _options_known(self) -> ScoreConfig:
        from verifiers.core.registry import default_registry

        if self.options and self.task in default_registry.available():
            default_registry.check_options(
                self.task, self.options, where=f"score.options (verifier {self.task!r})"
            )
        return self


class FilterConfig(_Frozen):
    """Which prompts survive the pass-rate filter (Kimi k1.5, open-r1, DAPO)."""

    k: int = Field(8, ge=1, description="k of pass@k and maj@k")
    keep_unsolved: bool = Field(False, description="keep prompts solved in no sample")
    keep_solved: bool = Field(False, description="keep prompts solved in every sample")
    min_pass_rate: float | None = Field(
        None, ge=0.0, le=1.0, description="keep pass rate >= this (band mode: replaces the drops)"
    )
    max_pass_rate: float | None = Field(
        None, ge=0.0, le=1.0, description="keep pass rate <= this (band mode: replaces the drops)"
    )
    no_cot: bool = Field(
        False, description="drop prompts answered right within k answer-only guesses"
    )

    @model_validator(mode="after")
    def _check_band(self) -> FilterConfig:
        lo, hi = self.min_pass_rate, self.max_pass_rate
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"min_pass_rate {lo} is above max_pass_rate {hi}")
        return self


class RunConfig(_Frozen):
    """How a sharded command runs: shard size and resumability."""

    shard_size: int = Field(1000, ge=1, description="rows per shard (the unit of resume)")
    keep_shards: bool = Field(False, description="keep the .shards work folder after success")
    progress: bool = Field(True, description="show rich progress bars")
    engine: Literal["local", "ray"] = Field(
        "local",
        description="where shards run: this process, or a Ray cluster (pip install "
        "'rlvr-kit[ray]'); the output is the same",
    )
    ray_address: str | None = Field(
        None,
        description="Ray cluster to join ('auto', 'ray://host:10001'); none starts a local one",
    )
    ray_actors: int | None = Field(
        None, ge=1, description="Ray actors running shards (default: one per cluster CPU)"
    )
    ray_cpus_per_actor: float = Field(1.0, gt=0, description="CPUs Ray reserves per actor")
    ray_gpus_per_actor: float = Field(
        0.0, ge=0, description="GPUs Ray reserves per actor (a vLLM replica for rollouts)"
    )
