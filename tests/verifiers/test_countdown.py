"""Countdown: the rules, the safe evaluator and agreement with reasoning-gym's scorer."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiers.core.reward import compute_reward
from verifiers.core.verdict import Status
from verifiers.countdown import clean_expression, evaluate, parse_reference, verify

REF = {"target": 24, "numbers": [4, 6, 1, 1]}


@pytest.mark.parametrize(
    ("answer", "status", "correct"),
    [
        pytest.param("4*6*1*1", Status.OK, True, id="correct"),
        pytest.param(
            "<think>try</think><answer>(4*6)*1*1</answer>", Status.OK, True, id="answer_tags"
        ),
        pytest.param("4*6*1*1 = 24", Status.OK, True, id="equals_target_suffix"),
        pytest.param("24 = 4*6*1*1", Status.OK, True, id="target_first_equation"),
        pytest.param("4 × 6 ÷ 1 × 1", Status.OK, True, id="unicode_operators"),
        pytest.param("\\boxed{4 \\times 6 \\times 1 \\times 1}", Status.OK, True, id="boxed_latex"),
        pytest.param("\\frac{4 \\cdot 6}{1} \\cdot 1", Status.OK, True, id="latex_frac"),
        pytest.param("-(1-1) + 4*6", Status.OK, True, id="unary_minus_allowed"),
        pytest.param("The answer is 4*6*1*1.", Status.OK, True, id="one_expression_inside_prose"),
        pytest.param("4*6*1*1 or 4+6+1+1", Status.PARSE_ERROR, False, id="two_expressions"),
        pytest.param("Using 4, 6, 1, 1: (4*6)*1*1", Status.OK, True, id="numbers_listed_before"),
        pytest.param("4*6", Status.OK, False, id="missing_numbers_when_use_all"),
        pytest.param("4*6*1*1*1", Status.OK, False, id="reused_number"),
        pytest.param("4*6*1*1 + 0", Status.OK, False, id="foreign_number"),
        pytest.param("4+6+1+1", Status.OK, False, id="wrong_value"),
        pytest.param("24", Status.OK, False, id="bare_target_is_not_an_expression_of_the_numbers"),
        pytest.param("4.0*6*1*1", Status.OK, False, id="float_literal_rejected"),
        pytest.param("(4*6)*(1/(1-1))", Status.OK, False, id="division_by_zero"),
        pytest.param(
            "__import__('os').system('echo hacked')", Status.PARSE_ERROR, False, id="import_attack"
        ),
        pytest.param("().__class__.__bases__", Status.PARSE_ERROR, False, id="dunder_attack"),
        pytest.param("4**6**1**1", Status.PARSE_ERROR, False, id="power_rejected"),
        pytest.param("9**9**9**9", Status.PARSE_ERROR, False, id="huge_power_rejected_fast"),
        pytest.param("4//6", Status.PARSE_ERROR, False, id="floor_division_rejected"),
        pytest.param("4%6", Status.PARSE_ERROR, False, id="modulo_rejected"),
        pytest.param("0x18", Status.PARSE_ERROR, False, id="hex_literal_rejected"),
        pytest.param("1_0 + 14", Status.PARSE_ERROR, False, id="underscore_literal_rejected"),
        pytest.param("1e1", Status.PARSE_ERROR, False, id="exponent_literal_rejected"),
        pytest.param("4*6j", Status.PARSE_ERROR, False, id="complex_literal_rejected"),
        pytest.param("x*6*1*1", Status.PARSE_ERROR, False, id="names_rejected"),
        pytest.param("(" * 300 + "4" + ")" * 300, Status.PARSE_ERROR, False, id="deep_nesting"),
        pytest.param("9" * 5000, Status.PARSE_ERROR, False, id="huge_literal"),
        pytest.param("4 6 1 1", Status.PARSE_ERROR, False, id="not_an_expression"),
        pytest.param("1 = 2 = 3", Status.PARSE_ERROR, False, id="ambiguous_equation"),
        pytest.param("", Status.NO_ANSWER, False, id="empty"),
        pytest.param("<think>still thinking about 4*6", Status.NO_ANSWER, False, id="truncated"),
    ],
)
def test_countdown_rules(answer: str, status: Status, correct: bool) -> None:
    verdict = verify(answer, REF)
    assert (verdict.status, verdict.correct) == (status, correct), verdict.reason
    assert verdict.score == (1.0 if correct else 0.0)


def test_at_most_once_option() -> None:
    assert verify("4*6", REF, use_all=False).correct is True
    assert verify("4*6*1*1*1", REF, use_all=False).correct is False


def test_exact_rational_arithmetic() -> None:
    ref = {"target": 7, "numbers": [7, 3, 3]}
    assert verify("7/3*3", ref).correct is True
    value, used = evaluate("1/3 + 1/3 + 1/3")
    assert value == 1 and used == [1, 3, 1, 3, 1, 3]


def test_huge_intermediate_values_are_refused() -> None:
    numbers = [10**100] * 20
    expression = "*".join(str(n) for n in numbers[:4])
    verdict = verify(expression, {"target": 1, "numbers": numbers}, use_all=False)
    assert verdict.correct is False and "too large" in verdict.reason


@pytest.mark.parametrize(
    "reference",
    [
        pytest.param({"target": 24, "numbers": [4, 6, 1, 1]}, id="plain"),
        pytest.param({"target": 24, "nums": [4, 6, 1, 1]}, id="tinyzero_nums"),
        pytest.param(
            {"answer": "4*6*1*1", "metadata": {"target": 24, "numbers": [4, 6, 1, 1]}},
            id="rg_entry",
        ),
    ],
)
def test_reference_shapes(reference: dict) -> None:
    assert parse_reference(reference) == (24, [4, 6, 1, 1])


def test_bad_reference_is_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        verify("4*6", {"numbers": [4, 6]})


def test_clean_expression_strips_wrappers() -> None:
    assert clean_expression(" $4 \\times 6$ = 24. ") == "4 * 6"


def test_reasoning_gym_agreement() -> None:
    """Ours (use_all) is correct exactly when reasoning-gym's scorer gives 1.0."""
    import reasoning_gym

    data = reasoning_gym.create_dataset("countdown", size=120, seed=5)
    rng = random.Random(0)
    checked = 0
    for entry in data:
        good = entry["answer"]
        numbers = entry["metadata"]["numbers"]
        candidates = [
            good,
            good.replace("+", "-", 1),
            good.replace("*", "+", 1),
            f"{good} + {numbers[0]}",
            " * ".join(str(n) for n in rng.sample(numbers, len(numbers))),
            good.rsplit(" ", 2)[0],
        ]
        for answer in candidates:
            ours = verify(f"<think>x</think><answer>{answer}</answer>", entry)
            theirs = data.score_answer(answer, entry)
            if ours.status is Status.PARSE_ERROR:
                assert theirs < 1.0, answer
                continue
            assert ours.correct == (theirs == 1.0), (answer, entry["metadata"], ours.reason)
            checked += 1
    assert checked >= 500


def test_countdown_through_a_preset() -> None:
    result = compute_reward(
        "r1_zero", "<think>x</think><answer>4*6*1*1</answer>", REF, task="countdown"
    )
    assert result.components["accuracy"] == 1.0


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789+-*/() .=x_e^", max_size=60))
def test_never_raises_on_arithmetic_like_garbage(answer: str) -> None:
    verdict = verify(answer, REF)
    assert verdict.status in (Status.OK, Status.PARSE_ERROR, Status.NO_ANSWER)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=100))
def test_never_raises_on_any_text(answer: str) -> None:
    assert verify(answer, REF).score in (0.0, 1.0)
