"""The presets with the real task verifiers, as a trainer would call them."""

from __future__ import annotations

import pytest

from verifiers import compute_reward

KK_GOLD = {"Zoey": "knight", "Oliver": "knave"}


@pytest.mark.parametrize(
    ("response", "total"),
    [
        pytest.param(
            "<think>Zoey tells the truth.</think><answer>(1) Zoey is a knight\n"
            "(2) Oliver is a knave</answer>",
            3.0,
            id="compliant_and_right",
        ),
        pytest.param(
            "<think>Hmm.</think><answer>(1) Zoey is a knave\n(2) Oliver is a knave</answer>",
            -0.5,
            id="compliant_and_wrong",
        ),
        pytest.param("<think>Hmm.</think><answer>I cannot tell.</answer>", -1.0, id="no_answer"),
        pytest.param("Zoey is a knight and Oliver is a knave.", -3.0, id="format_violation"),
    ],
)
def test_logic_rl_with_knights_and_knaves(response: str, total: float) -> None:
    assert compute_reward("logic_rl", response, KK_GOLD, task="knights_knaves").total == total


@pytest.mark.parametrize(
    ("response", "total"),
    [
        pytest.param(r"<think>half</think> $\boxed{\frac{1}{2}}$", 1.0, id="boxed_right"),
        pytest.param(r"<think>half</think> $\boxed{0.4}$", -0.5, id="boxed_wrong"),
        pytest.param("<think>half</think> The answer is 0.5", -1.0, id="right_but_not_boxed"),
    ],
)
def test_simplerl_with_math(response: str, total: float) -> None:
    assert compute_reward("simplerl", response, "0.5", task="math").total == total


def test_r1_language_term_penalises_a_mixed_thought() -> None:
    clean = "<think>Two plus two makes four, so the sum is four.</think> \\boxed{4}"
    mixed = "<think>Two plus two 等于四，所以答案是四。</think> \\boxed{4}"
    kwargs = {"task": "math", "prompt": "What is two plus two?"}
    assert compute_reward("r1", clean, "4", **kwargs).components["language"] == 1.0
    mixed_result = compute_reward("r1", mixed, "4", **kwargs)
    assert mixed_result.components["language"] < 0.5
    assert mixed_result.components["accuracy"] == 1.0


def test_countdown_as_a_task() -> None:
    gold = {"target": 24, "numbers": [4, 6, 1, 1]}
    right = compute_reward("r1_zero", "<think>4*6=24</think>(4*6)*1*1", gold, task="countdown")
    reused = compute_reward("r1_zero", "<think>x</think>4*6*1*1*1", gold, task="countdown")
    assert right.components["accuracy"] == 1.0
    assert reused.components["accuracy"] == 0.0
