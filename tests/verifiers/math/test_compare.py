"""Exactness and guards: exact rationals first, log-space estimates before any work."""

from __future__ import annotations

import math

import pytest

from verifiers.math import guards
from verifiers.math.compare import scalars_equal
from verifiers.math.latex import ParseError, parse_expression

EQUAL = [
    ("rational_forms", r"\frac{6}{8}", "0.75"),
    ("big_integer_exact", "2^{100}", "1267650600228229401496703205376"),
    ("surd_rationalised", r"\frac{\sqrt2}{2}", r"\frac{1}{\sqrt{2}}"),
    ("nested_radical", r"\sqrt{3+2\sqrt2}", r"1+\sqrt2"),
    ("cancellation_beside_huge", r"(2^{100}+\sqrt2)-2^{100}", r"\sqrt2"),
    ("zero_from_trig", r"\sin(\pi)", "0"),
    ("euler_identity", r"e^{i\pi}", "-1"),
    ("polynomial_identity", "(x+y)^2", "x^2+2xy+y^2"),
    ("tower_same_tree", "5^{5^{5^{5^5}}}", "5^{5^{5^{5^5}}}"),
    ("tower_folded_exponent", "5^{5^{3125}}", "5^{5^{5^5}}"),
    ("huge_powers_through_logs", "2^{10^{30}}", r"4^{5\cdot 10^{29}}"),
    ("factorial_ratio", r"\frac{2006!}{2004!}", "2006 \\cdot 2005"),
]

DIFFERENT = [
    ("power_plus_one", "2^{100}+1", "2^{100}"),
    ("tiny_factorials", r"\frac{1}{2004!}", r"\frac{1}{2006!}"),
    ("tiny_powers", r"\frac{1}{2^{98}}", r"\frac{1}{2^{99}}"),
    ("sqrt_near_miss", r"\sqrt{2^{200}+1}", "2^{100}"),
    ("irrational_near_miss", r"\sqrt{10^{40}+1}", "10^{20}"),
    ("tower_off_by_one", "5^{5^{5^{5^4}}}", "5^{5^{5^{5^5}}}"),
    ("tower_vs_small", "3125", "5^{5^{5^{5^5}}}"),
    ("huge_power_exponent_plus_one", "2^{10^{30}+1}", "2^{10^{30}}"),
    ("huge_factorial_vs_its_argument", "(10^{20})!", "10^{20}"),
    ("pi_vs_decimal", r"\pi", "3.14159265358979"),
    ("abs_vs_identity", "|x|", "x"),
    ("different_variables", "2x", "2y"),
    ("negative_infinity", r"-\infty", r"\infty"),
    ("infinity_vs_big", r"\infty", "10^{100}"),
]


@pytest.mark.parametrize(("case_id", "a", "b"), EQUAL, ids=[c[0] for c in EQUAL])
def test_equal(case_id: str, a: str, b: str) -> None:
    assert scalars_equal(parse_expression(a), parse_expression(b))


@pytest.mark.parametrize(("case_id", "a", "b"), DIFFERENT, ids=[c[0] for c in DIFFERENT])
def test_different(case_id: str, a: str, b: str) -> None:
    assert not scalars_equal(parse_expression(a), parse_expression(b))


def test_tower_estimate_is_unbounded_without_evaluating() -> None:
    assert guards.log10_abs(parse_expression("5^{5^{5^{5^5}}}")) == math.inf
    assert guards.log10_abs(parse_expression("(10^{20})!")) == math.inf


def test_estimates_track_digits() -> None:
    assert guards.log10_abs(parse_expression("2^{100}")) == pytest.approx(30.1, abs=0.1)
    assert guards.log10_abs(parse_expression("1000!")) == pytest.approx(2567.6, abs=1)
    assert guards.log10_abs(parse_expression(r"\frac{1}{2^{100}}")) == pytest.approx(-30.1, abs=0.1)


@pytest.mark.parametrize(
    "text",
    ["{{{{", r"\frac{1}", "1++", r"\unknowncommand{3}", "(" * 200 + "1" + ")" * 200, "x" * 3000],
    ids=[
        "unbalanced",
        "missing_argument",
        "dangling_operator",
        "unknown_command",
        "too_deep",
        "too_long",
    ],
)
def test_parser_refuses_malformed_input(text: str) -> None:
    with pytest.raises(ParseError):
        parse_expression(text)
