"""What an answer denotes: every reading the comparison may match against."""

from __future__ import annotations

import pytest

from verifiers.math.structures import (
    Choice,
    Interval,
    IntervalUnion,
    Items,
    Matrix,
    Relation,
    Scalar,
    Text,
    read_answer,
)

KINDS = [
    ("number", "3/4", Scalar),
    ("percent_scalar", r"50\%", Scalar),
    ("set", r"\{1, 2\}", Items),
    ("bare_list", "1, 2, 3", Items),
    ("paren_pair_is_tuple_or_interval", "(1, 2)", Interval),
    ("paren_pair_is_tuple_or_interval_2", "(1, 2)", Items),
    ("half_open_interval", "[1, 2)", Interval),
    ("union", r"(-\infty, 0) \cup (1, \infty)", IntervalUnion),
    ("inequality", r"x \le 3", IntervalUnion),
    ("equation", "y = 2x + 1", Relation),
    ("matrix", r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", Matrix),
    ("choice", "(B)", Choice),
    ("text", r"\text{Monday}", Text),
    ("synonym", r"\emptyset", Text),
    ("plus_minus_expands", r"2 \pm \sqrt{3}", Items),
    ("thousands_number", "1,234", Scalar),
]


@pytest.mark.parametrize(("case_id", "raw", "kind"), KINDS, ids=[c[0] for c in KINDS])
def test_reading_kinds(case_id: str, raw: str, kind: type) -> None:
    assert any(isinstance(r, kind) for r in read_answer(raw)), read_answer(raw)


def test_thousands_commas_read_as_a_list_only_in_a_prediction() -> None:
    assert not any(isinstance(r, Items) for r in read_answer("10,100"))
    readings = read_answer("10,100", as_prediction=True)
    assert any(isinstance(r, Items) for r in readings)
    assert any(isinstance(r, Scalar) for r in readings)


def test_percent_flag() -> None:
    (reading,) = read_answer(r"50\%")
    assert isinstance(reading, Scalar) and reading.percent


def test_named_coordinates_are_ordered() -> None:
    readings = read_answer("x = 1, y = 2")
    assert any(isinstance(r, Items) and r.ordered for r in readings)


def test_same_variable_solutions_are_unordered() -> None:
    readings = read_answer("x = 1, x = 2")
    assert any(isinstance(r, Items) and not r.ordered for r in readings)


def test_inequality_interval_bounds() -> None:
    union = next(r for r in read_answer(r"-1 < x \le 4") if isinstance(r, IntervalUnion))
    (part,) = union.parts
    assert (part.lo_closed, part.hi_closed) == (False, True)


def test_synonym_groups() -> None:
    for raw, group in [
        (r"\text{no solution}", "empty"),
        (r"\varnothing", "empty"),
        ("DNE", "dne"),
        (r"\mathbb{R}", "reals"),
        ("无解", "empty"),
    ]:
        (reading,) = read_answer(raw)
        assert isinstance(reading, Text) and reading.synonym == group, raw


def test_gold_readings_are_cached() -> None:
    read_answer.cache_clear()
    read_answer(r"\frac{1}{2}")
    read_answer(r"\frac{1}{2}")
    info = read_answer.cache_info()
    assert info.hits == 1 and info.maxsize is not None
