"""Request and response bodies of every endpoint, one model per wire shape.

The native shape is ours; the OpenRLHF and slime shapes are the ones those
trainers send and read, so they accept extra fields (a trainer upgrade that
adds a key must not turn into 422s in the middle of a run) while the native
shape forbids them (a typo such as ``refrence`` should fail loudly).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from verifiers.core.spec import RewardSpec

SpecRef = str | RewardSpec


class RewardRequestItem(BaseModel):
    """One response to score."""

    model_config = ConfigDict(extra="forbid")

    response: str = Field(description="the model's completion (without the prompt)")
    reference: Any = Field(None, description="ground truth: an answer, test cases, a target...")
    prompt: str | list[dict[str, Any]] | None = Field(
        None,
        description="the prompt, as text or chat messages (the last user turn is read); passed "
        "to verifiers as context (the language verifier reads it) and a prompt ending in "
        "<think> means the response starts inside the thought",
    )
    task: str | None = Field(
        None,
        description="verifier of the spec's task components (default: the server's default_task)",
    )
    verifier: str | None = Field(None, description="alias of task")
    spec: SpecRef | None = Field(
        None, description="a preset or server-named spec, or an inline reward spec"
    )
    group: str | int | None = Field(
        None, description="responses to the same prompt share a group (Kimi length penalty)"
    )
    length: int | None = Field(
        None, ge=0, description="response length in tokens for the length penalty (default: chars)"
    )
    context: dict[str, Any] = Field(
        default_factory=dict,
        description="extra verifier options, e.g. {'target': 'en'} or {'prefilled_think': true}",
    )

    @model_validator(mode="after")
    def _task_and_verifier_agree(self) -> RewardRequestItem:
        if self.task is not None and self.verifier is not None and self.task != self.verifier:
            raise ValueError("give task or verifier (they are aliases), not two different names")
        return self

    def task_name(self) -> str | None:
        return self.task if self.task is not None else self.verifier


class RewardsRequest(BaseModel):
    """POST /v1/rewards: a batch of items; batch-level fields are defaults for the items."""

    model_config = ConfigDict(extra="forbid")

    items: list[RewardRequestItem] = Field(min_length=1)
    spec: SpecRef | None = Field(None, description="default spec of items that name none")
    task: str | None = Field(None, description="default task of items that name none")
    timeout_s: float | None = Field(
        None, gt=0, description="hard time limit per item (capped by the server's max_timeout_s)"
    )
    length_penalty: bool | None = Field(
        None,
        description="switch the group length penalty on/off for this request, whatever the "
        "spec says (Kimi turns it on after a warm-up phase)",
    )
    deadline_s: float | None = Field(
        None,
        gt=0,
        description="answer within this many seconds, queue time included: items that cannot "
        "start before it get status 'timeout' (queued past the deadline); capped by the "
        "server's request_deadline_s",
    )


class ItemResult(BaseModel):
    """The reward of one item, with every component's value and verdict."""

    total: float
    components: dict[str, float]
    verdicts: dict[str, dict[str, Any]]
    status: str = Field(description="worst verdict status: ok, no_answer, ..., timeout, error")
    reason: str
    correct: bool | None = Field(description="the accuracy component's judgement, if any")
    accuracy: str | None = Field(
        None, description="name of the spec's accuracy-role component (None: the spec has none)"
    )
    cached: bool = Field(description="served from the content-hash verdict cache")


class RewardsResponse(BaseModel):
    results: list[ItemResult]
    elapsed_s: float


class OpenRLHFRequest(BaseModel):
    """OpenRLHF's remote reward request (``--remote_rm_url`` / ``--reward.remote_url``).

    ``query`` is prompt + response as decoded with special tokens kept.
    """

    model_config = ConfigDict(extra="allow")

    query: list[str] | str = Field(description="prompt + response, special tokens kept")
    prompts: list[str] | str | None = Field(None, description="the prompts, to strip off")
    labels: list[Any] | str | None = Field(None, description="the references")

    @model_validator(mode="after")
    def _same_lengths(self) -> OpenRLHFRequest:
        n = len(self.queries())
        for name, values in (("prompts", self.prompt_list()), ("labels", self.label_list())):
            if len(values) != n:
                raise ValueError(f"{name} has {len(values)} entries but query has {n}")
        return self

    def queries(self) -> list[str]:
        return [self.query] if isinstance(self.query, str) else list(self.query)

    def prompt_list(self) -> list[str | None]:
        if self.prompts is None:
            return [None] * len(self.queries())
        return [self.prompts] if isinstance(self.prompts, str) else list(self.prompts)

    def label_list(self) -> list[Any]:
        if self.labels is None:
            return [None] * len(self.queries())
        return [self.labels] if isinstance(self.labels, str) else list(self.labels)


class OpenRLHFResponse(BaseModel):
    """What OpenRLHF reads: ``rewards`` (the training signal), ``scores`` and ``extra_logs``.

    OpenRLHF turns every ``extra_logs`` value into a tensor, so the per-item
    statuses are there as numbers (``status_timeout: [0.0, 1.0]``); the
    status strings are in ``statuses`` for humans.
    """

    rewards: list[float]
    scores: list[float]
    extra_logs: dict[str, list[float]]
    statuses: list[str]
    reasons: list[str]


class SlimeRequest(BaseModel):
    """slime's remote reward request (``--rm-url``): one sample."""

    model_config = ConfigDict(extra="allow")

    prompt: str | list[dict[str, Any]] | None = Field(None, description="text or chat messages")
    response: str
    label: Any = None


class SlimeResponse(BaseModel):
    """Read with ``--reward-key score``."""

    score: float
    correct: bool | None
    status: str
    reason: str
    components: dict[str, float]


class Health(BaseModel):
    status: str
    detail: dict[str, Any] = Field(default_factory=dict)
