"""RewardService without HTTP: admission, spec/verifier checks, group terms, finite rewards."""

from __future__ import annotations

import asyncio

import pytest

from server.clients.scorer import prompt_context
from server.metrics import Metrics
from server.service import InvalidItem, NotReady, RewardService, Saturated
from server.settings import ServerSettings
from tests.server.live import register_test_verifiers
from verifiers.core.reward_batch import RewardItem
from verifiers.core.spec import PRESETS


@pytest.fixture
def service() -> RewardService:
    register_test_verifiers()
    return RewardService(
        ServerSettings.load(max_pending_items=10, retry_after_s=3, default_task="t_exact"),
        Metrics(),
    )


def test_admission_bound(service: RewardService) -> None:
    service.admit(6)
    service.admit(4)
    with pytest.raises(Saturated, match="10 items pending") as refused:
        service.admit(1)
    assert refused.value.retry_after_s == 3
    service.pending = 0
    service.admit(50)  # alone, an oversize batch still gets in: never refused forever
    assert service.pending == 50


@pytest.mark.parametrize(
    ("spec", "task", "message"),
    [
        ("nope", "t_exact", "unknown spec 'nope'"),
        ("r1_zero", "nope", "unknown verifier 'nope'"),
    ],
    ids=["unknown_spec_name", "unknown_task_verifier"],
)
def test_unknown_names_are_invalid_items(
    service: RewardService, spec: str, task: str, message: str
) -> None:
    with pytest.raises(InvalidItem, match=message) as bad:
        resolved = service.resolve_spec(spec, ("body", "spec"))
        service.check_task(task, resolved, ("body", "task"))
    assert bad.value.field[0] == "body"


def test_blocked_options_name_the_key(service: RewardService) -> None:
    with pytest.raises(InvalidItem) as bad:
        service.check_options({"prompt": "p", "memory_mb": 99999}, ("body", "items", 0, "context"))
    assert bad.value.field == ("body", "items", 0, "context", "memory_mb")


def test_unknown_default_task_fails_at_start() -> None:
    with pytest.raises(ValueError, match="default_task 'nope'"):
        RewardService(ServerSettings.load(default_task="nope"), Metrics())


def test_scoring_before_start_is_not_ready(service: RewardService) -> None:
    item = RewardItem("r", None, PRESETS["r1_zero"], "t_exact", {})
    with pytest.raises(NotReady):
        asyncio.run(service.score([item]))


@pytest.mark.parametrize(
    ("prompt", "context", "expected"),
    [
        (None, {}, {}),
        ("Q", {}, {"prompt": "Q"}),
        ("Q\n<think>\n", {}, {"prompt": "Q\n<think>\n", "prefilled_think": True}),
        ("Q<think>", {"prefilled_think": False}, {"prompt": "Q<think>", "prefilled_think": False}),
        ("Q", {"prompt": "mine"}, {"prompt": "mine"}),
    ],
    ids=[
        "no_prompt",
        "prompt_is_passed_on",
        "prompt_ending_in_think_means_prefilled",
        "explicit_context_wins",
        "explicit_prompt_wins",
    ],
)
def test_prompt_context(prompt: str | None, context: dict, expected: dict) -> None:
    assert prompt_context(prompt, context) == expected


def test_a_cache_hit_counts_as_served_but_not_as_verifier_work(service: RewardService) -> None:
    """Replayed verdicts were counted when computed: a hit adds to items, not to errors."""
    from verifiers.core.reward import RewardResult
    from verifiers.core.verdict import Status, Verdict

    broken = Verdict(score=0.0, correct=None, status=Status.ERROR, verifier="t_exact")
    result = RewardResult(total=0.0, components={"accuracy": 0.0}, verdicts={"accuracy": broken})
    item = RewardItem(response="x", reference="y", task="t_exact")
    errors = service.metrics.verifier_errors.labels("t_exact")
    service._count([item], [result], [False])
    assert errors._value.get() == 1
    service._count([item, item], [result, result], [True, True])
    assert errors._value.get() == 1
    assert service.metrics.items.labels("t_exact", "ok")._value.get() == 3
