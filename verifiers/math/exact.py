"""Exact decisions with sympy, for the equalities numerics cannot prove.

High-precision numerics prove two values *different* (a gap far above the
working precision) but never prove them *equal*: ``\\sqrt{10^{40}+1}`` and
``10^{20}+\\frac{1}{2\\cdot 10^{20}}`` agree to 81 significant digits and are
still different numbers. So when the numeric stage says "equal" (or cannot
evaluate), ``decide`` settles the question exactly, within two classes where
that is cheap and certain:

- **algebraic numbers** (rationals, ``i``, radicals of any nesting, trig of
  rational multiples of ``\\pi`` that sympy evaluates): ``a - b`` is zero
  exactly when its minimal polynomial is ``X``;
- **rational functions** of real variables (and of ``\\pi``, which is
  transcendental, so it behaves as one more variable) with algebraic
  coefficients: ``a - b`` is zero exactly when every coefficient of the
  numerator of ``together(a - b)`` is zero. ``\\frac{x^2-1}{x-1}`` equals
  ``x+1`` here (the same rational function; the removable point is ignored,
  as a grader should).

Variables are real symbols, so ``\\sqrt{x^2}`` becomes ``|x|`` and the two are
equal (the same choice the numeric stage makes). Outside these classes (logs,
``e``, trig of variables, odd roots of variables) ``decide`` returns ``None``
and the numeric verdict stands.

Nothing reaches sympy unless the guards below say it is small: few nodes,
short numbers, small integer exponents, root indices and polynomial degree,
and a bound on the degree of the number field, because ``minimal_polynomial``
is exponential in it (six square roots, degree 64, take seconds; degree 16
about 0.1 s). sympy is imported lazily (the runner's forkserver preloads it).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from verifiers.math import guards, tree
from verifiers.math.tree import Node

MAX_NODES = 80  # per side; a realistic closed form has far fewer
MAX_DIGITS = 100  # per rational literal (sympy factors radicands by trial division)
MAX_INT_EXPONENT = 24  # |n| in x^n and (a+b)^n: expansion stays small
MAX_ROOT_INDEX = 12  # q in a^{p/q}
MAX_COMPOSED_DEGREE = 16  # bound on the resultant degrees minimal_polynomial goes through
MAX_VARIABLES = 4
MAX_TERMS = 3000  # bound on the monomials of an expanded polynomial
MAX_IRRATIONAL_COEFFICIENTS = 4  # each costs one minimal polynomial

_ALLOWED_FUNCTIONS = frozenset({"sqrt", "abs", "sin", "cos", "tan", "cot", "sec", "csc"})
_TRIG = _ALLOWED_FUNCTIONS - {"sqrt", "abs"}


class _Refused(ValueError):
    """The tree is outside the exact class or beyond a guard: no sympy call."""


@lru_cache(maxsize=4096)
def decide(a: Node, b: Node) -> bool | None:
    """``True``/``False`` when sympy settles ``a == b`` exactly and cheaply, else ``None``.

    Both trees are expected folded (``evaluate.fold``). ``None`` means "not in
    the exact class, refused by a guard, or sympy could not decide": the caller
    keeps its numeric verdict.
    """
    try:
        _check_guards(a, b)
    except _Refused:
        return None
    import sympy

    try:
        converter = _Converter(sympy)
        difference = converter.convert(a) - converter.convert(b)
    except _Refused:
        return None
    return _is_zero(difference, sympy)


@lru_cache(maxsize=1024)
def ratio_is_constant(a: Node, b: Node) -> bool | None:
    """Whether ``a / b`` is a non-zero constant (equations equal up to a factor), exactly.

    Decided only for rational functions with rational coefficients, where
    ``cancel`` is canonical: a ratio left with a variable is not constant.
    ``None`` otherwise (radical coefficients, functions, a guard): numerics stand.
    """
    try:
        _check_guards(a, b)
    except _Refused:
        return None
    import sympy as sp

    try:
        converter = _Converter(sp)
        top, bottom = converter.convert(a), converter.convert(b)
    except _Refused:
        return None
    free = top.free_symbols | bottom.free_symbols
    if top.has(sp.pi, sp.I) or bottom.has(sp.pi, sp.I) or not free:
        return None
    if not all(_rational_in(e, free, sp) and _rational_coefficients(e, sp) for e in (top, bottom)):
        return None
    if top == 0 or bottom == 0:
        return None
    ratio = sp.cancel(sp.together(top / bottom))
    if ratio.has(sp.nan, sp.zoo):
        return None
    return not ratio.free_symbols and ratio != 0


def _rational_coefficients(expr: Any, sp: Any) -> bool:
    """No radicals or functions of constants: every number in ``expr`` is rational."""
    if expr.atoms(sp.Function):
        return False
    return all(p.exp.is_Integer for p in expr.atoms(sp.Pow) if not p.base.free_symbols)


# -- guards ------------------------------------------------------------------------


def _check_guards(a: Node, b: Node) -> None:
    variables = tree.symbols(a) | tree.symbols(b)
    if len(variables) > MAX_VARIABLES:
        raise _Refused("too many variables")
    degree = 0
    for side in (a, b):
        if tree.size(side) > MAX_NODES:
            raise _Refused("too many nodes")
        _check_node(side)
        degree = max(degree, _degree(side))
    if math.comb(degree + len(variables), len(variables)) > MAX_TERMS:
        raise _Refused("the expansion would have too many terms")


def _check_node(node: Node) -> None:
    kind = node[0]
    if kind == "n":
        if guards.rational_digits(node[1]) > MAX_DIGITS:
            raise _Refused("number too long")
    elif kind == "c":
        if node[1] not in ("pi", "i"):
            raise _Refused(f"constant {node[1]} is outside the exact class")
    elif kind in ("+", "*"):
        for child in node[1]:
            _check_node(child)
    elif kind == "^":
        _check_exponent(node[2])
        _check_node(node[1])
    elif kind == "f":
        name, args = node[1], node[2]
        if name not in _ALLOWED_FUNCTIONS or len(args) != 1:
            raise _Refused(f"function {name} is outside the exact class")
        if name in _TRIG and tree.symbols(args[0]):
            raise _Refused("trig of a variable")  # identities there need trigsimp, not cheap
        _check_node(args[0])
    elif kind != "s":
        raise _Refused(f"{kind} is outside the exact class")  # a factorial left unfolded


def _check_exponent(exponent: Node) -> None:
    if exponent[0] != "n":
        raise _Refused("symbolic exponent")
    value = exponent[1]
    if abs(value.numerator) > MAX_INT_EXPONENT or value.denominator > MAX_ROOT_INDEX:
        raise _Refused("exponent too large")


def _degree(node: Node) -> int:
    """An upper bound of the total degree after expansion (and after ``together``)."""
    kind = node[0]
    if kind == "s":
        return 1
    if kind == "*":
        return sum(_degree(c) for c in node[1])
    if kind == "+":
        # a sum of fractions multiplies denominators when brought together
        with_denominator = [_degree(c) for c in node[1] if _has_denominator(c)]
        rest = [_degree(c) for c in node[1] if not _has_denominator(c)]
        return sum(with_denominator) + max(rest, default=0)
    if kind == "^":
        return _degree(node[1]) * math.ceil(abs(node[2][1]))
    if kind == "f":
        return _degree(node[2][0])
    return 0


def _has_denominator(node: Node) -> bool:
    kind = node[0]
    if kind == "^":
        if node[2][1] < 0 and tree.symbols(node[1]):
            return True
        return _has_denominator(node[1])
    if kind in ("+", "*"):
        return any(_has_denominator(c) for c in node[1])
    if kind == "f":
        return _has_denominator(node[2][0])
    return False


# -- conversion --------------------------------------------------------------------


class _Converter:
    """Our tree -> a sympy expression, with the same value conventions as ``evaluate``."""

    def __init__(self, sympy: Any) -> None:
        self.sp = sympy
        self.symbols: dict[str, Any] = {}

    def convert(self, node: Node) -> Any:
        sp, kind = self.sp, node[0]
        if kind == "n":
            return sp.Rational(node[1].numerator, node[1].denominator)
        if kind == "s":
            if node[1] not in self.symbols:
                self.symbols[node[1]] = sp.Symbol(node[1], real=True)
            return self.symbols[node[1]]
        if kind == "c":
            return sp.pi if node[1] == "pi" else sp.I
        if kind == "+":
            return sp.Add(*(self.convert(c) for c in node[1]))
        if kind == "*":
            return sp.Mul(*(self.convert(c) for c in node[1]))
        if kind == "^":
            return self._power(node[1], node[2][1])
        name, arg = node[1], self.convert(node[2][0])
        if name == "sqrt":
            return sp.sqrt(arg)
        if name == "abs":
            return sp.Abs(arg)
        return getattr(sp, name)(arg)

    def _power(self, base_node: Node, exponent: Any) -> Any:
        """``(-8)^{1/3} = -2``: odd roots of negative reals are real, as in ``evaluate``."""
        sp = self.sp
        base = self.convert(base_node)
        power = sp.Rational(exponent.numerator, exponent.denominator)
        if exponent.denominator % 2 == 0 or exponent.denominator == 1:
            return base**power
        if tree.symbols(base_node):
            raise _Refused("odd root of a variable: real vs principal branch")
        if base.is_extended_real is None or base.is_negative is None:
            raise _Refused("sign of the radicand unknown")
        if base.is_extended_real and base.is_negative:
            sign = -1 if exponent.numerator % 2 else 1
            return sign * (-base) ** power
        return base**power


# -- decisions ---------------------------------------------------------------------


def _is_zero(difference: Any, sp: Any) -> bool | None:
    if difference.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None  # a pole (1/(x-x)): no value to compare
    if difference == 0:
        return True
    generator = sp.Dummy("pi_", positive=True)
    difference = difference.subs(sp.pi, generator)  # pi is transcendental: a free variable
    free = sorted(difference.free_symbols, key=str)
    if not free:
        return _algebraic_is_zero(difference, sp)
    if not _rational_in(difference, set(free), sp):
        return True if sp.expand(difference) == 0 else None
    numerator = sp.expand(sp.numer(sp.together(difference)))
    if numerator == 0:
        return True
    if len(sp.Add.make_args(numerator)) > MAX_TERMS:
        return None
    coefficients = [sp.expand(c) for c in _coefficients(numerator, free, sp)]
    if any(c.is_Rational and c != 0 for c in coefficients):
        return False  # a non-zero rational coefficient: different, no minimal polynomial needed
    irrational = [c for c in coefficients if c != 0]
    if len(irrational) > MAX_IRRATIONAL_COEFFICIENTS:
        return None  # each needs its own minimal polynomial: too much work
    verdicts = [_algebraic_is_zero(c, sp) for c in irrational]
    if any(v is False for v in verdicts):
        return False
    return True if all(verdicts) else None


def _coefficients(polynomial: Any, free: list[Any], sp: Any) -> list[Any]:
    """The coefficient of each monomial of an expanded polynomial in ``free``.

    Collected by hand: ``sp.Poly`` over the EX domain simplifies every
    coefficient on construction, which took 0.2-2 s on nested radicals.
    """
    by_monomial: dict[Any, list[Any]] = {}
    for term in sp.Add.make_args(polynomial):
        coefficient, monomial = term.as_independent(*free, as_Add=False)
        by_monomial.setdefault(monomial, []).append(coefficient)
    return [sp.Add(*parts) for parts in by_monomial.values()]


def _rational_in(expr: Any, free: set[Any], sp: Any) -> bool:
    """Whether ``expr`` is a rational function of ``free`` (integer powers only)."""
    for power in expr.atoms(sp.Pow):
        if power.exp.free_symbols or (power.base.free_symbols and not power.exp.is_Integer):
            return False
    return not any(f.free_symbols for f in expr.atoms(sp.Function))


def _algebraic_is_zero(value: Any, sp: Any) -> bool | None:
    """Exact zero test of a constant: its minimal polynomial is ``X`` exactly when it is 0."""
    value = sp.expand(value)
    if value == 0:
        return True
    if value.is_Rational:
        return False
    if value.atoms(sp.Function) or value.free_symbols:
        return None  # an unevaluated sin(pi/7) or a leftover symbol
    if _composed_degree(value, sp) > MAX_COMPOSED_DEGREE:
        return None
    x = sp.Dummy("x")
    try:
        polynomial = sp.minimal_polynomial(value, x)
    except (sp.polys.polyerrors.BasePolynomialError, NotImplementedError):
        return None  # NotAlgebraic and kin: sympy cannot decide, the numeric verdict stands
    return bool(polynomial == x)


def _composed_degree(value: Any, sp: Any) -> int:
    """The degree bound sympy's ``minimal_polynomial`` works through, and its cost.

    It composes minimal polynomials by resultants, so a sum or product of parts
    of degrees m and n costs a resultant of degree m*n, whatever the field:
    ``1/(\\sqrt2+\\sqrt3+\\sqrt5+\\sqrt7) - 2/(2\\sqrt2+...)`` is 16*16 = 256 and
    takes minutes, while ``\\sqrt{5+2\\sqrt6} - \\sqrt2 - \\sqrt3`` (16) takes milliseconds.
    """
    if value.is_Rational:
        return 1
    if value == sp.I:
        return 2
    if value.is_Pow and value.exp.is_Rational:
        return min(_composed_degree(value.base, sp) * int(value.exp.q), _CAP)
    degree = 1
    for arg in value.args:
        degree = min(degree * _composed_degree(arg, sp), _CAP)
    return degree


_CAP = 1 << 20
