"""verl adapter: compute_score (sync, async, batch) over HTTP and in local mode."""

from __future__ import annotations

import asyncio

import pytest

from server.clients import verl
from tests.server.live import LiveServer, register_test_verifiers

KEYS = {"score", "acc", "pred", "status", "reference_error"}


@pytest.mark.parametrize(
    ("solution", "truth", "score", "acc"),
    [
        ("<think>2+2</think> 4", "4", 2.0, 1.0),
        ("<think>2+2</think> 5", "4", 1.0, 0.0),
        ("<think>never closed", "4", 0.0, 0.0),
    ],
    ids=["right", "wrong_answer_keeps_format_point", "truncated_thought"],
)
def test_compute_score_over_http(
    server: LiveServer, solution: str, truth: str, score: float, acc: float
) -> None:
    out = verl.compute_score("gsm8k", solution, truth, {"split": "train"}, server_url=server.url)
    assert set(out) == KEYS  # verl stacks every key: all calls must return the same keys
    assert (out["score"], out["acc"]) == (score, acc)


def test_async_and_batch_agree_with_sync(server: LiveServer) -> None:
    cases = [("gsm8k", f"<think>x</think> {i}", "1", None) for i in range(3)]
    sync = [verl.compute_score(*c, server_url=server.url) for c in cases]

    async def run() -> list[dict]:
        return list(
            await asyncio.gather(
                *(verl.compute_score_async(*c, server_url=server.url) for c in cases)
            )
        )

    batch = verl.compute_score_batch(*map(list, zip(*cases, strict=True)), server_url=server.url)
    assert asyncio.run(run()) == sync == batch
    assert [r["acc"] for r in sync] == [0.0, 1.0, 0.0]


def test_task_and_spec_from_reward_kwargs(server: LiveServer) -> None:
    out = verl.compute_score(
        "x", "<think>a</think><answer>7</answer>", "7", server_url=server.url, spec="logic_rl"
    )
    assert out["score"] == 3.0
    out = verl.compute_score(
        "x", "<think>a</think> 7", "7", {"task": "format"}, server_url=server.url
    )
    assert out["pred"] == "7"


@pytest.mark.parametrize(
    ("source", "info", "task"),
    [
        ("openai/gsm8k", None, None),
        ("codecontests", None, "code"),
        ("deepmind/code_contests", {"task": "math"}, "math"),
        (None, {"task": "language"}, "language"),
        ("countdown", None, "countdown"),
        ("countdown_3to4", None, "countdown"),
        ("kk_logic", None, "knights_knaves"),
        ("likaixin/TACO-verified", None, "code"),
        ("hackathon", None, None),
    ],
    ids=[
        "math_source_uses_default",
        "code_source",
        "extra_info_wins",
        "no_source",
        "tinyzero_countdown",
        "countdown_variant",
        "logic_rl_kk",
        "taco_org_name",
        "kk_not_a_substring_match",
    ],
)
def test_task_for(source: str | None, info: dict | None, task: str | None) -> None:
    assert verl.task_for(source, info) == task


def test_local_mode_gives_the_servers_answer(server: LiveServer) -> None:
    register_test_verifiers()
    args = ("x", "<think>a</think> 9", "9", {"task": "t_exact"})
    assert verl.compute_score(*args, server_url="local") == verl.compute_score(
        *args, server_url=server.url
    )


@pytest.mark.parametrize("gold", [None, "", r"\frac{1}{"], ids=["none", "empty", "unreadable"])
def test_bad_gold_is_flagged_not_rewarded(server: LiveServer, gold: object) -> None:
    response = "<think>a</think> \\boxed{3}"
    out = verl.compute_score("math", response, gold, server_url=server.url, task="math")
    assert out["status"] == "reference_error"
    assert (out["score"], out["reference_error"], out["acc"]) == (0.0, 1.0, 0.0)
