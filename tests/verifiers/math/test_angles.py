"""Degrees on one side, radians with pi on the other: the same angle."""

from __future__ import annotations

import pytest

from verifiers.math import verify
from verifiers.math.angles import angles_match

CASES = [
    ("radians_for_degree_gold", r"\frac{\pi}{3}", r"60^\circ", True),
    ("degrees_for_radian_gold", r"60^\circ", r"\frac{\pi}{3}", True),
    ("unicode_degree_sign", "60°", r"\frac{\pi}{3}", True),
    ("degree_word", "120 degrees", r"\frac{2\pi}{3}", True),
    ("half_turn", r"\pi", r"180^{\circ}", True),
    ("list_of_angles", r"\frac{\pi}{6}, \frac{5\pi}{6}", r"30^\circ, 150^\circ", True),
    ("named_angle", r"\theta = \frac{\pi}{3}", r"\theta = 60^\circ", True),
    ("wrong_angle", r"\frac{\pi}{4}", r"60^\circ", False),
    ("bare_number_is_not_degrees", "60", r"\frac{\pi}{3}", False),
    ("radians_for_bare_number_gold", r"\frac{\pi}{3}", "60", False),
    ("trig_value_is_not_an_angle", r"\frac{\pi}{3}", r"\sin 60^\circ", False),
    ("both_in_degrees_unchanged", r"60^\circ", "60", True),
    ("named_angle_is_a_named_value", r"\angle ABC = 60^\circ", "60", True),
    ("unicode_angle_sign_in_radians_gold", "∠ABC = 60°", r"\frac{\pi}{3}", True),
    ("named_angle_wrong_value", r"\angle ABC = 60^\circ", "50", False),
    (
        "angles_matched_by_name",
        r"\angle ABC = 60^\circ, \angle DEF = 30^\circ",
        r"\angle DEF = 30^\circ, \angle ABC = 60^\circ",
        True,
    ),
    (
        "angles_swapped_between_names",
        r"\angle ABC = 30^\circ, \angle DEF = 60^\circ",
        r"\angle DEF = 30^\circ, \angle ABC = 60^\circ",
        False,
    ),
]


@pytest.mark.parametrize(("case_id", "answer", "gold", "correct"), CASES, ids=[c[0] for c in CASES])
def test_angle_units(case_id: str, answer: str, gold: str, correct: bool) -> None:
    assert verify(f"The answer is $\\boxed{{{answer}}}$.", gold).correct is correct


def test_conversion_needs_a_degree_mark_on_exactly_one_side() -> None:
    assert not angles_match(r"60^\circ", r"60^\circ")
    assert not angles_match("60", r"\frac{\pi}{3}")
    assert angles_match(r"60^\circ", r"\frac{\pi}{3}")
