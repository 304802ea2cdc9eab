"""Interval algebra: every written form of a set of reals reduces to the same parts."""

from __future__ import annotations

import pytest

from verifiers.math.intervals import INF, NEG_INF, Interval, IntervalUnion, intersect, remove_points
from verifiers.math.structures import read_answer
from verifiers.math.tree import num

SAME_SET = [
    ("chain_vs_interval", r"1 < x \le 3", "(1, 3]"),
    ("and_vs_chain", r"x > 1 \text{ and } x \le 3", r"1 < x \le 3"),
    ("abs_vs_interval", "|x - 2| < 1", "(1, 3)"),
    ("abs_outside_vs_union", r"|x| \ge 2", r"(-\infty, -2] \cup [2, \infty)"),
    ("not_equal_vs_union", r"x \ne 0", r"(-\infty, 0) \cup (0, \infty)"),
    ("reals_minus_point", r"\mathbb{R} \setminus \{0\}", r"x \neq 0"),
    ("french_brackets", "]1, 2]", "(1, 2]"),
    ("membership", r"x \in [0, 1)", "[0, 1)"),
]


def _union(raw: str) -> IntervalUnion:
    reading = next(r for r in read_answer(raw) if isinstance(r, (Interval, IntervalUnion)))
    return reading if isinstance(reading, IntervalUnion) else IntervalUnion((reading,))


@pytest.mark.parametrize(("case_id", "a", "b"), SAME_SET, ids=[c[0] for c in SAME_SET])
def test_same_set(case_id: str, a: str, b: str) -> None:
    from verifiers.math.equivalence import equivalent

    assert equivalent(_union(b), _union(a))


def test_intersection_takes_the_tighter_bounds() -> None:
    both = intersect([Interval(num(1), INF, False, False), Interval(NEG_INF, num(3), False, True)])
    assert both == Interval(num(1), num(3), False, True)


def test_disjoint_intersection_is_none() -> None:
    parts = [Interval(num(5), INF, False, False), Interval(NEG_INF, num(3), False, False)]
    assert intersect(parts) is None


def test_removing_an_endpoint_opens_it() -> None:
    union = IntervalUnion((Interval(num(0), num(1), True, True),))
    assert remove_points(union, [num(1)]) == IntervalUnion((Interval(num(0), num(1), True, False),))
