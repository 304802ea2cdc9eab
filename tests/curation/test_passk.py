"""pass@k against hand-computed binomials, and maj@k voting by equivalence."""

from __future__ import annotations

from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curation.passk import group_answers, maj_at_k, pass_at_k


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        pytest.param(8, 0, 8, 0.0, id="none_correct_is_zero"),
        pytest.param(8, 8, 8, 1.0, id="all_correct_is_one"),
        pytest.param(8, 1, 1, 1 / 8, id="pass_at_1_is_pass_rate"),
        pytest.param(8, 3, 1, 3 / 8, id="pass_at_1_three_of_eight"),
        pytest.param(10, 2, 3, 1 - 56 / 120, id="n10_c2_k3_is_1_minus_C8_3_over_C10_3"),
        pytest.param(16, 4, 8, 1 - 495 / 12870, id="n16_c4_k8_is_1_minus_C12_8_over_C16_8"),
        pytest.param(5, 1, 2, 1 - 6 / 10, id="n5_c1_k2_is_0.4"),
        pytest.param(8, 1, 8, 1.0, id="one_right_in_k_equals_n_is_certain"),
        pytest.param(10, 8, 3, 1.0, id="fewer_wrong_than_k_is_certain"),
        pytest.param(4, 1, 8, 1.0, id="n_below_k_falls_back_to_any_correct"),
        pytest.param(4, 0, 8, 0.0, id="n_below_k_none_correct"),
    ],
)
def test_pass_at_k_matches_hand_computed(n: int, c: int, k: int, expected: float) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


@given(st.integers(1, 60), st.data())
def test_pass_at_k_equals_binomial_formula(n: int, data: st.DataObject) -> None:
    c = data.draw(st.integers(0, n))
    k = data.draw(st.integers(1, n))
    exact = 1.0 - (comb(n - c, k) / comb(n, k) if n - c >= k else 0.0)
    assert pass_at_k(n, c, k) == pytest.approx(exact, abs=1e-9)


@pytest.mark.parametrize(
    ("n", "c", "k"), [(-1, 0, 1), (3, 4, 1), (3, 1, 0)], ids=["negative_n", "c_above_n", "k_zero"]
)
def test_pass_at_k_rejects_impossible_counts(n: int, c: int, k: int) -> None:
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)


def _same_value(a: str, b: str) -> bool:
    values = {"1/2": 0.5, "0.5": 0.5, "\\frac{1}{2}": 0.5, "5": 5.0, "5.0": 5.0}
    return a in values and b in values and values[a] == values[b]


@pytest.mark.parametrize(
    ("extracted", "correct", "k", "expected"),
    [
        pytest.param(["3", "3", "4"], [True, True, False], 3, True, id="clear_correct_majority"),
        pytest.param(["4", "4", "3"], [False, False, True], 3, False, id="clear_wrong_majority"),
        pytest.param(
            ["3", "1/2", "0.5", "\\frac{1}{2}", "3"],
            [True, False, False, False, True],
            5,
            False,
            id="wrong_spellings_of_one_value_are_one_class",
        ),
        pytest.param(
            ["5", "4", "5.0", "4", "4"],
            [False, True, False, True, True],
            5,
            True,
            id="right_class_beats_merged_wrong_class",
        ),
        pytest.param(["4", "5"], [True, False], 2, True, id="tie_goes_to_the_earlier_class"),
        pytest.param(["5", "4"], [False, True], 2, False, id="tie_lost_when_wrong_came_first"),
        pytest.param(
            [None, None, "4"], [False, False, True], 3, True, id="no_answer_does_not_vote"
        ),
        pytest.param(
            ["4", "5", "5", "5"], [True, False, False, False], 1, True, id="only_first_k_vote"
        ),
        pytest.param([None, None], [False, False], 2, False, id="nobody_answered"),
    ],
)
def test_maj_at_k(extracted: list[str | None], correct: list[bool], k: int, expected: bool) -> None:
    assert maj_at_k(extracted, correct, k, _same_value) is expected


def test_group_answers_merges_whitespace_and_case_without_calling_same() -> None:
    calls: list[tuple[str, str]] = []

    def same(a: str, b: str) -> bool:
        calls.append((a, b))
        return False

    assert group_answers(["X + 1", "x+1", "x+2"], same) == [[0, 1], [2]]
    assert calls == [("X + 1", "x+2")]
