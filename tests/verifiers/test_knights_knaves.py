"""Knights and Knaves: Logic-RL's scoring, reference shapes, agreement with reasoning-gym."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiers.core.reward import compute_reward
from verifiers.core.verdict import Status
from verifiers.knights_knaves import parse_answer, parse_reference, verify

REF = {"Zoey": "knight", "Oliver": "knave"}


def _wrap(answer: str) -> str:
    return f"<think>reasoning</think><answer>{answer}</answer>"


@pytest.mark.parametrize(
    ("response", "status", "correct", "score"),
    [
        pytest.param(
            _wrap("Zoey is a knight, and Oliver is a knave."), Status.OK, True, 3.0, id="right"
        ),
        pytest.param(
            _wrap("(1) Zoey is a knight\n(2) Oliver is a knave"),
            Status.OK,
            True,
            3.0,
            id="logic_rl_list",
        ),
        pytest.param(
            _wrap("Oliver is a knave and Zoey is a knight"), Status.OK, True, 3.0, id="any_order"
        ),
        pytest.param(_wrap("Zoey: knight; Oliver: knave"), Status.OK, True, 3.0, id="colon_form"),
        pytest.param(_wrap("Knights: Zoey\nKnaves: Oliver"), Status.OK, True, 3.0, id="role_first"),
        pytest.param(
            _wrap("The knave is Oliver. The knight is Zoey."),
            Status.OK,
            True,
            3.0,
            id="role_then_name",
        ),
        pytest.param(
            _wrap("Zoey is not a knave, Oliver is not a knight"),
            Status.OK,
            True,
            3.0,
            id="negation",
        ),
        pytest.param(
            _wrap("ZOEY is a Knight. OLIVER is a Knave."),
            Status.OK,
            True,
            3.0,
            id="case_insensitive",
        ),
        pytest.param(_wrap("Zoey是骑士，Oliver是骗子"), Status.OK, True, 3.0, id="chinese_roles"),
        pytest.param(
            _wrap("Zoey is a knave, and Oliver is a knight."),
            Status.OK,
            False,
            -0.5,
            id="all_wrong",
        ),
        pytest.param(_wrap("Zoey and Oliver are knights."), Status.OK, False, -0.5, id="one_wrong"),
        pytest.param(
            _wrap("Zoey is a knight."), Status.PARSE_ERROR, False, -1.0, id="missing_person"
        ),
        pytest.param(_wrap("I am not sure."), Status.PARSE_ERROR, False, -1.0, id="no_roles"),
        pytest.param(
            _wrap("Zoey is a knight. Zoey is a knave. Oliver is a knave."),
            Status.PARSE_ERROR,
            False,
            -1.0,
            id="contradictory_roles",
        ),
        pytest.param(
            "<think>reasoning</think><answer></answer>",
            Status.NO_ANSWER,
            False,
            -3.0,
            id="empty_answer",
        ),
        pytest.param("<think>still going", Status.NO_ANSWER, False, -3.0, id="truncated"),
        pytest.param(
            "Zoey is a knight, and Oliver is a knave.",
            Status.OK,
            True,
            -3.0,
            id="right_but_no_template_gets_format_minus_one_and_ungraded_answer",
        ),
        pytest.param(
            "<think>x</think>Zoey is a knight, and Oliver is a knave.",
            Status.OK,
            True,
            -3.0,
            id="missing_answer_tags_is_a_format_failure",
        ),
    ],
)
def test_logic_rl_scoring(response: str, status: Status, correct: bool, score: float) -> None:
    verdict = verify(response, REF)
    assert (verdict.status, verdict.correct, verdict.score) == (status, correct, score), (
        verdict.reason
    )
    parts = verdict.details
    assert parts["format_score"] + parts["answer_score"] == verdict.score


@pytest.mark.parametrize(
    "reference",
    [
        pytest.param({"Zoey": "knight", "Oliver": "knave"}, id="dict_of_roles"),
        pytest.param({"Zoey": True, "Oliver": False}, id="dict_of_bools"),
        pytest.param({"Zoey": "hero", "Oliver": "villain"}, id="reasoning_gym_terms"),
        pytest.param("Zoey is a knight, and Oliver is a knave.", id="answer_string"),
        pytest.param("(1) Zoey is a knight\n(2) Oliver is a knave", id="logic_rl_solution_text"),
        pytest.param(["Zoey is a knight", "Oliver is a knave"], id="list_of_statements"),
        pytest.param(
            {"names": ["Zoey", "Oliver"], "solution": [True, False]}, id="names_and_solution"
        ),
        pytest.param(
            {"metadata": {"names": ["Zoey", "Oliver"], "solution": (True, False)}}, id="rg_entry"
        ),
        pytest.param(
            {"solution_text_format": "(1) Zoey is a knight\n(2) Oliver is a knave"},
            id="logic_rl_row",
        ),
    ],
)
def test_reference_shapes(reference) -> None:
    assert parse_reference(reference) == REF


@pytest.mark.parametrize("reference", [42, "nothing here", {"Zoey": "wizard"}])
def test_bad_reference_is_a_configuration_error(reference) -> None:
    with pytest.raises(ValueError):
        parse_reference(reference)


def test_parse_answer_reports_problems() -> None:
    assignments, problems = parse_answer("Zoey is a sage.", ["Zoey", "Oliver"])
    assert assignments == {"Zoey": "knight"}
    assert problems == ["no role for Oliver"]


def test_role_words_need_word_boundaries() -> None:
    # "message" contains "sage": a role must be a whole word.
    assignments, problems = parse_answer(
        "Zoey sent a message; Oliver is a liar", ["Zoey", "Oliver"]
    )
    assert "Zoey" not in assignments and assignments["Oliver"] == "knave"
    assert problems == ["no role for Zoey"]


def test_a_list_of_names_shares_the_role_that_follows() -> None:
    names = ["Zoey", "Oliver", "Ava", "Liam"]
    assignments, problems = parse_answer("Zoey, Oliver and Ava are knights. Liam is a liar.", names)
    assert problems == []
    assert assignments == {"Zoey": "knight", "Oliver": "knight", "Ava": "knight", "Liam": "knave"}


def test_single_letter_names_are_not_articles() -> None:
    verdict = verify(_wrap("A is a knave, and B is a knight."), {"A": "knave", "B": "knight"})
    assert verdict.correct is True, verdict.reason


def test_logic_rl_preset_maps_outcomes() -> None:
    cases = {
        "Zoey is a knight, and Oliver is a knave.": 3.0,
        "Zoey is a knave, and Oliver is a knave.": -0.5,
        "no idea": -1.0,
    }
    for answer, total in cases.items():
        result = compute_reward("logic_rl", _wrap(answer), REF, task="knights_knaves")
        assert result.total == total, answer
    broken = compute_reward(
        "logic_rl", "Zoey is a knight, Oliver is a knave", REF, task="knights_knaves"
    )
    assert broken.total == -3.0


def test_reasoning_gym_agreement() -> None:
    """Ours is correct exactly when reasoning-gym's scorer gives 1.0 (its score is not binary
    for partly right answers: 0.3 + 0.7 x share; ours is wrong then, as in Logic-RL)."""
    import reasoning_gym

    data = reasoning_gym.create_dataset("knights_knaves", size=60, seed=3, n_people=3)
    checked = 0
    for entry in data:
        terms = entry["metadata"]["knight_knave_terms"]
        names = [str(n) for n in entry["metadata"]["names"]]
        truth = entry["metadata"]["solution"]
        flip_first = [not truth[0], *truth[1:]]
        variants = [entry["answer"]]
        for roles in (flip_first, [not t for t in truth]):
            variants.append(
                ", ".join(
                    f"{n} is {terms['a_knight'] if r else terms['a_knave']}"
                    for n, r in zip(names, roles, strict=True)
                )
            )
        for answer in variants:
            ours = verify(_wrap(answer), entry)
            theirs = data.score_answer(answer, entry)
            assert ours.correct == (theirs == 1.0), (answer, entry["answer"])
            checked += 1
    assert checked == 180


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_model_output(text: str) -> None:
    verdict = verify(text, REF)
    assert verdict.score in (3.0, -0.5, -1.0, -3.0)
