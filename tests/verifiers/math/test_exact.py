"""The exact (sympy) stage: it settles what numerics cannot prove, and only behind guards."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifiers.math import compare, exact, tree
from verifiers.math.compare import scalars_equal
from verifiers.math.evaluate import fold
from verifiers.math.latex import parse_expression


def _decide(a: str, b: str) -> bool | None:
    return exact.decide(fold(parse_expression(a)), fold(parse_expression(b)))


EXACTLY_EQUAL = [
    ("nested_radical_denests", r"\sqrt{5+2\sqrt6}", r"\sqrt2+\sqrt3"),
    ("nested_radical_half_angle", r"\sqrt{2+\sqrt3}", r"\frac{\sqrt6+\sqrt2}{2}"),
    ("sum_of_conjugate_radicals", r"\sqrt{7+4\sqrt3}+\sqrt{7-4\sqrt3}", "4"),
    ("cube_root_denests", r"\sqrt[3]{26+15\sqrt3}", r"2+\sqrt3"),
    ("rationalised_denominator", r"\frac{2}{\sqrt5-1}", r"\frac{1+\sqrt5}{2}"),
    ("complex_reciprocal", r"\frac{1}{1+i}", r"\frac{1-i}{2}"),
    ("trig_of_rational_pi", r"\sin\frac{\pi}{12}", r"\frac{\sqrt6-\sqrt2}{4}"),
    ("pi_as_transcendental_generator", r"\frac{\pi}{\sqrt2}", r"\frac{\sqrt2\pi}{2}"),
    ("real_cube_root_of_negative", r"\sqrt[3]{-2}", r"-\sqrt[3]{2}"),
    ("even_power_of_real_cube_root", "(-8)^{2/3}", "4"),
    ("cube_expanded", "(x+1)^3", "x^3+3x^2+3x+1"),
    ("removable_point_cancelled", r"\frac{x^2-1}{x-1}", "x+1"),
    ("partial_fractions", r"\frac{1}{x}+\frac{1}{y}", r"\frac{x+y}{xy}"),
    ("radical_coefficients", r"\sqrt{5+2\sqrt6}x", r"(\sqrt2+\sqrt3)x"),
    ("sqrt_of_square_is_abs_for_real_x", r"\sqrt{x^2}", "|x|"),
]

EXACTLY_DIFFERENT = [
    # agrees with the gold to 81 significant digits: beyond the numeric tolerance
    (
        "surd_near_miss_beyond_numeric_tolerance",
        r"\sqrt{10^{40}+1}",
        r"10^{20}+\frac{1}{2\cdot 10^{20}}",
    ),
    ("cube_root_vs_30_digit_decimal", r"\sqrt[3]{2}", "1.25992104989487316476721060727"),
    (
        "golden_ratio_vs_40_digit_decimal",
        r"\frac{1+\sqrt5}{2}",
        "1.618033988749894848204586834365638117720",
    ),
    ("nested_radical_wrong_sign", r"\sqrt{5-2\sqrt6}", r"\sqrt2+\sqrt3"),
    ("polynomial_wrong_coefficient", "(x+1)^3", "x^3+3x^2+3x+2"),
    ("rational_function_wrong_sign", r"\frac{x^2-1}{x+1}", "x+1"),
]


@pytest.mark.parametrize(("case_id", "a", "b"), EXACTLY_EQUAL, ids=[c[0] for c in EXACTLY_EQUAL])
def test_exact_equal(case_id: str, a: str, b: str) -> None:
    assert _decide(a, b) is True
    assert scalars_equal(parse_expression(a), parse_expression(b))


@pytest.mark.parametrize(
    ("case_id", "a", "b"), EXACTLY_DIFFERENT, ids=[c[0] for c in EXACTLY_DIFFERENT]
)
def test_exact_different(case_id: str, a: str, b: str) -> None:
    assert _decide(a, b) is False
    assert not scalars_equal(parse_expression(a), parse_expression(b))


def test_exact_verdict_overrides_numeric_agreement() -> None:
    """The numeric stage alone calls this near miss equal; the exact stage wins."""
    a = fold(parse_expression(r"\sqrt{10^{40}+1}"))
    b = fold(parse_expression(r"10^{20}+\frac{1}{2\cdot 10^{20}}"))
    assert compare._constants_equal(a, b) is True
    assert scalars_equal(a, b) is False


OUTSIDE_THE_EXACT_CLASS = [
    # numerics keep deciding these: the exact stage abstains
    ("sqrt_of_square_vs_identity", r"\sqrt{x^2}", "x", False),
    ("logarithm_law", r"\ln 2+\ln 3", r"\ln 6", True),
    ("euler_constant", r"e^{i\pi}", "-1", True),
    ("trig_identity_in_a_variable", r"\sin^2 x+\cos^2 x", "1", True),
    ("odd_root_of_a_variable", r"\sqrt[3]{x^3}", "x", True),
    ("symbolic_exponent", "2^{2x}", "4^{x}", True),
    ("cardano_beyond_the_degree_guard", r"\sqrt[3]{2+\sqrt5}+\sqrt[3]{2-\sqrt5}", "1", True),
]


@pytest.mark.parametrize(
    ("case_id", "a", "b", "equal"),
    OUTSIDE_THE_EXACT_CLASS,
    ids=[c[0] for c in OUTSIDE_THE_EXACT_CLASS],
)
def test_outside_the_class_numerics_decide(case_id: str, a: str, b: str, equal: bool) -> None:
    assert _decide(a, b) is None
    assert scalars_equal(parse_expression(a), parse_expression(b)) is equal


class _Exploding:
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("sympy reached past the guards")


GUARDED = [
    ("power_tower", "5^{5^{5^{5^5}}}", "5^{5^{5^{5^5}}}+1"),
    ("huge_factorial", "(10^{20})!", "3"),
    ("factorial_of_a_variable", "n!", "n(n-1)!"),
    ("long_literal", "2^{1000}+\\sqrt2", "\\sqrt2+2^{1000}+0x"),
    ("huge_exponent_on_a_sum", "(x+1)^{100}", "(1+x)^{100}+0y"),
    ("root_index_too_large", r"\sqrt[50]{3}", r"3^{1/50}+0x"),
    ("too_many_variables", "a+b+c+d+e", "e+d+c+b+a+0f"),
    ("expansion_too_large", "(x+y+z+w)^{20}", "(w+z+y+x)^{19}(x+y+z+w)"),
]


@pytest.mark.parametrize(("case_id", "a", "b"), GUARDED, ids=[c[0] for c in GUARDED])
def test_guards_keep_sympy_away(case_id: str, a: str, b: str, monkeypatch) -> None:
    monkeypatch.setattr(exact, "_Converter", _Exploding)
    exact.decide.cache_clear()
    assert _decide(a, b) is None


def test_costly_minimal_polynomial_is_refused(monkeypatch) -> None:
    """A 16*16 resultant took minutes in sympy; the composed-degree guard refuses it
    and the numeric verdict stands."""
    import sympy

    def explode(*args: object, **kwargs: object) -> None:
        raise AssertionError("minimal_polynomial called past the degree guard")

    monkeypatch.setattr(sympy, "minimal_polynomial", explode)
    exact.decide.cache_clear()
    a = r"\frac{1}{\sqrt2+\sqrt3+\sqrt5+\sqrt7}"
    b = r"\frac{2}{2\sqrt2+2\sqrt3+2\sqrt5+2\sqrt7}"
    assert _decide(a, b) is None
    assert scalars_equal(parse_expression(a), parse_expression(b))


RATIOS = [
    ("scaled_circle", "x^2+y^2-4", "2x^2+2y^2-8", True),
    ("expanded_circle", "(x-1)^2+(y+2)^2-9", "x^2-2x+y^2+4y-4", True),
    ("fractions_cleared", r"\frac{x}{2}+\frac{y}{3}-1", "3x+2y-6", True),
    ("different_constant", "(x-1)^2+(y+2)^2-9", "x^2-2x+y^2+4y+4", False),
    ("different_lines", "y-2x-1", "y-2x+1", False),
    ("radical_coefficients_left_to_numerics", r"y-\sqrt2 x-1", r"\sqrt2 x-y+1", None),
    ("no_variables", "2", "4", None),
]


@pytest.mark.parametrize(("case_id", "a", "b", "expected"), RATIOS, ids=[c[0] for c in RATIOS])
def test_equations_up_to_a_factor(case_id: str, a: str, b: str, expected: bool | None) -> None:
    a_node, b_node = fold(parse_expression(a)), fold(parse_expression(b))
    assert exact.ratio_is_constant(a_node, b_node) is expected
    if expected is not None:
        assert compare.ratio_is_constant(a_node, b_node) is expected


_LEAVES = st.one_of(
    st.fractions(min_value=-20, max_value=20, max_denominator=6).map(tree.num),
    st.sampled_from([("s", "x"), ("s", "y"), ("c", "pi"), ("c", "i"), ("c", "e")]),
)
_TREES = st.recursive(
    _LEAVES,
    lambda children: st.one_of(
        st.lists(children, min_size=2, max_size=3).map(tree.add),
        st.lists(children, min_size=2, max_size=3).map(tree.mul),
        st.tuples(children, st.sampled_from([-2, -1, 2, 3, Fraction(1, 2), Fraction(2, 3)])).map(
            lambda p: tree.power(p[0], tree.num(p[1]))
        ),
        children.map(lambda c: tree.func("sqrt", c)),
        children.map(lambda c: tree.func("abs", c)),
        children.map(lambda c: tree.func("sin", c)),
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TREES, _TREES)
def test_exact_stage_never_raises(a: tree.Node, b: tree.Node) -> None:
    """Any small tree, in or out of the exact class: a verdict or an abstention, never an error."""
    assert exact.decide(fold(a), fold(b)) in (True, False, None)
    assert exact.decide(fold(a), fold(a)) in (True, None)
    assert exact.ratio_is_constant(fold(a), fold(b)) in (True, False, None)
