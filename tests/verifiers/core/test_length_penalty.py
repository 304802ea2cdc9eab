"""Kimi k1.5's length reward on hand-computed groups."""

from __future__ import annotations

import pytest

from verifiers import length_penalty


@pytest.mark.parametrize(
    ("correct", "lengths", "expected"),
    [
        pytest.param(
            [True, True, True], [100, 200, 300], [0.5, 0.0, -0.5], id="all_correct_linear"
        ),
        pytest.param(
            [False, False, False], [100, 200, 300], [0.0, 0.0, -0.5], id="wrong_never_positive"
        ),
        pytest.param([True, False], [10, 30], [0.5, -0.5], id="short_right_long_wrong"),
        pytest.param([False, True], [10, 30], [0.0, -0.5], id="short_wrong_gets_zero"),
        pytest.param([True, False, True], [50, 50, 50], [0.0, 0.0, 0.0], id="equal_lengths_zero"),
        pytest.param([True], [7], [0.0], id="single_response"),
        pytest.param([True, True], [0, 40], [0.5, -0.5], id="zero_length"),
        pytest.param(
            [True, True, False, True], [10, 20, 15, 50], [0.5, 0.25, 0.0, -0.5], id="mixed_group"
        ),
    ],
)
def test_hand_computed_groups(
    correct: list[bool], lengths: list[int], expected: list[float]
) -> None:
    assert length_penalty(correct, lengths) == pytest.approx(expected)


def test_empty_group() -> None:
    assert length_penalty([], []) == []


def test_mismatched_lengths_is_a_programmer_error() -> None:
    with pytest.raises(ValueError, match="2 correctness flags but 1 lengths"):
        length_penalty([True, False], [3])
