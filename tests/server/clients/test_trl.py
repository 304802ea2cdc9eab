"""TRL adapter: the reward-function classes, and a real GRPOTrainer step calling the server."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

import pytest

from server.clients.trl import AsyncTRLReward, TRLReward, message_text
from tests.server.live import LiveServer
from tests.server.tiny_model import tiny_model_and_tokenizer

ANSWER = "<think>6*7</think> 42"


@pytest.mark.parametrize(
    ("value", "role", "text"),
    [
        ("plain", "assistant", "plain"),
        ([{"role": "assistant", "content": "hi"}], "assistant", "hi"),
        ([{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], "user", "q"),
        (
            [{"role": "assistant", "content": [{"type": "text", "text": "x"}, {"type": "image"}]}],
            "assistant",
            "x",
        ),
        ([{"role": "system", "content": "s"}], "user", "s"),
        (None, "user", ""),
    ],
    ids=[
        "string",
        "chat_completion",
        "last_user_turn",
        "multimodal_parts",
        "no_such_role_takes_last",
        "none",
    ],
)
def test_message_text(value: Any, role: str, text: str) -> None:
    assert message_text(value, role) == text


def test_scores_string_completions(server: LiveServer) -> None:
    reward = TRLReward(server.url)
    out = reward(["Q1", "Q2"], [ANSWER, "<think>x</think> 41"], None, solution=["42", "42"])
    assert out == [2.0, 1.0]


def test_scores_chat_completions_with_the_answer_column(server: LiveServer) -> None:
    reward = TRLReward(server.url, spec="simplerl")
    prompts = [[{"role": "user", "content": "6*7?"}]] * 2
    completions = [
        [{"role": "assistant", "content": ANSWER}],
        [{"role": "assistant", "content": ""}],
    ]
    out = reward(prompts, completions, [[1, 2], [3]], answer=["42", "42"], trainer_state=object())
    assert out == [1.0, -1.0]


def test_task_column_and_error_is_none(server: LiveServer) -> None:
    reward = TRLReward(server.url, reference_column="ref")
    out = reward(["q", "q"], [ANSWER, ANSWER], None, ref=["42", "42"], task=["t_exact", "t_raises"])
    assert out[0] == 2.0
    assert out[1] is None  # a verifier bug is "not scorable", not a zero reward


def test_bad_gold_is_none_and_verl_columns_are_read(server: LiveServer) -> None:
    reward = TRLReward(server.url, task="math")
    golds = [{"ground_truth": "3", "style": "rule"}, {"ground_truth": "", "style": "rule"}]
    out = reward(["q", "q"], ["<think>a</think> \\boxed{3}"] * 2, None, reward_model=golds)
    assert out == [2.0, None]  # the dataset's fault: not scorable, not a format-only 1.0


def test_missing_reference_column_is_a_clear_error(server: LiveServer) -> None:
    with pytest.raises(KeyError, match="ref"):
        TRLReward(server.url, reference_column="ref")(["q"], [ANSWER], None, solution=["42"])


def test_group_and_length_for_the_length_penalty(server: LiveServer) -> None:
    reward = TRLReward(server.url, length_penalty=True)
    items = reward.items(["p", "p", "q"], ["a", "b", "c"], [[1], [1, 2, 3], [1]], {})
    assert items[0]["group"] == items[1]["group"] != items[2]["group"]
    assert [i["length"] for i in items] == [1, 3, 1]
    out = reward(["p", "p"], [ANSWER, ANSWER], [[1], [1, 2, 3]], solution=["42", "42"])
    assert out == [2.5, 1.5]


def test_statuses_go_to_trls_log_hooks(server: LiveServer) -> None:
    metrics: dict[str, float] = {}
    extra: dict[str, list] = {}
    reward = TRLReward(server.url, name="r")
    reward(
        ["q", "q"],
        [ANSWER, "no tags"],
        None,
        solution=["42", "42"],
        log_metric=metrics.__setitem__,
        log_extra=extra.__setitem__,
    )
    assert metrics["r/accuracy"] == 0.5  # "no tags" is read as the answer, and it is wrong
    assert metrics["r/format_error_frac"] == 0.5
    assert metrics["r/timeout_frac"] == 0.0
    assert extra == {"r_status": ["ok", "format_error"]}


def test_async_variant(server: LiveServer) -> None:
    reward = AsyncTRLReward(server.url)
    out = asyncio.run(reward(["q"], [ANSWER], None, solution=["42"]))
    assert out == [2.0]


class RecordingReward(TRLReward):
    """Our sync reward, keeping what it returned so the test can compare with TRL's log."""

    returned: list[float | None]

    def __call__(self, *args: Any, **kwargs: Any) -> list[float | None]:
        out = super().__call__(*args, **kwargs)
        self.returned = [*getattr(self, "returned", []), *out]
        return out


@pytest.mark.slow
def test_grpo_trainer_runs_a_step_with_our_rewards(server: LiveServer, tmp_path: Path) -> None:
    from trl import GRPOConfig, GRPOTrainer

    from datasets import Dataset

    model, tokenizer = tiny_model_and_tokenizer()
    dataset = Dataset.from_dict(
        {
            "prompt": [
                [{"role": "user", "content": "What is 6 times 7?"}],
                [{"role": "user", "content": "Add 1 and 2"}],
            ],
            "solution": ["42", "3"],
        }
    )
    sync_reward = RecordingReward(server.url, spec="simplerl", name="rlvr_sync")
    async_reward = AsyncTRLReward(server.url, spec="simplerl", name="rlvr_async")
    args = GRPOConfig(
        output_dir=str(tmp_path),
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=8,
        max_steps=1,
        use_cpu=True,
        report_to="none",
        logging_steps=1,
        save_strategy="no",
        bf16=False,
        seed=0,
    )
    trainer = GRPOTrainer(
        model=model,
        processing_class=tokenizer,
        reward_funcs=[sync_reward, async_reward],
        args=args,
        train_dataset=dataset,
    )
    output = trainer.train()
    assert output.global_step == 1
    logged = trainer.state.log_history[0]
    assert len(sync_reward.returned) == 4
    # Random completions never contain \boxed{...}: simplerl gives -0.5 (wrong) or -1 (no answer).
    assert all(r in (-0.5, -1.0) for r in sync_reward.returned)
    mean = sum(sync_reward.returned) / 4
    assert math.isclose(logged["rewards/rlvr_sync/mean"], mean, abs_tol=1e-6)
    assert math.isclose(logged["rewards/rlvr_async/mean"], mean, abs_tol=1e-6)
    # Our statuses reached TRL's own logs through its log_metric hook.
    assert logged["rlvr_sync/timeout_frac"] == 0.0
    assert logged["rlvr_sync/accuracy"] == 0.0


def test_local_mode_matches_the_server(server: LiveServer) -> None:
    """``"local"`` verifies in this process's worker pool: same numbers, no HTTP."""
    args = (["q", "q"], [ANSWER, "<think>x</think> 41"], None)
    local = TRLReward("local", task="t_exact")(*args, solution=["42", "42"])
    remote = TRLReward(server.url)(*args, solution=["42", "42"])
    assert local == remote == [2.0, 1.0]
