"""Exact and high-precision evaluation of expression trees, always guarded.

``fold`` is exact rational arithmetic: it replaces every constant subtree it
can compute exactly (integers, fractions, powers, perfect roots, factorials,
binomials) by its value, under the digit limits of ``guards``. What is left
(``\\sqrt{2}``, ``\\pi``, variables, values too big to write out) is evaluated
numerically by ``numeric`` with mpmath at a precision the caller chooses.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from verifiers.math import guards, tree
from verifiers.math.tree import Node


class EvaluationError(ValueError):
    """The tree has no value here (a pole, a domain error, a refused size)."""


def fold(node: Node) -> Node:
    """Compute every exactly computable constant subtree; never raises."""
    kind = node[0]
    if kind in ("n", "s", "c"):
        return node
    if kind == "+":
        return tree.add([fold(a) for a in node[1]])
    if kind == "*":
        return tree.mul([fold(a) for a in node[1]])
    if kind == "^":
        return _fold_power(fold(node[1]), fold(node[2]))
    if kind == "!":
        arg = fold(node[1])
        if arg[0] == "n" and arg[1].denominator == 1 and 0 <= arg[1] <= guards.MAX_EXACT_FACTORIAL:
            return tree.num(math.factorial(int(arg[1])))
        return ("!", arg)
    args = tuple(fold(a) for a in node[2])
    return _fold_function(node[1], args)


def _fold_power(base: Node, exponent: Node) -> Node:
    if base[0] != "n" or exponent[0] != "n":
        return tree.power(base, exponent)
    b, e = base[1], exponent[1]
    if b == 0 and e <= 0:
        return tree.power(base, exponent)  # undefined, left for the numeric stage to refuse
    if e.denominator == 1:
        if guards.pow_digits(b, int(e)) > guards.EXACT_DIGITS:
            return tree.power(base, exponent)
        return tree.num(b ** int(e))
    root = _exact_root(b, e.denominator)
    if root is None or guards.pow_digits(root, e.numerator) > guards.EXACT_DIGITS:
        return tree.power(base, exponent)
    return tree.num(root**e.numerator)


def _exact_root(value: Fraction, degree: int) -> Fraction | None:
    """The rational ``degree``-th root of ``value`` when there is one."""
    if value < 0 or degree > 64 or guards.rational_digits(value) > 2000:
        return None
    top, bottom = _int_root(value.numerator, degree), _int_root(value.denominator, degree)
    if top is None or bottom is None:
        return None
    return Fraction(top, bottom)


def _int_root(n: int, degree: int) -> int | None:
    if n < 2:
        return n
    guess = round(n ** (1.0 / degree)) if n.bit_length() < 1000 else _int_root_newton(n, degree)
    for r in (guess - 1, guess, guess + 1):
        if r >= 0 and r**degree == n:
            return r
    return None


def _int_root_newton(n: int, degree: int) -> int:
    x = 1 << (n.bit_length() // degree + 1)
    while True:
        y = ((degree - 1) * x + n // x ** (degree - 1)) // degree
        if y >= x:
            return x
        x = y


def _fold_function(name: str, args: tuple[Node, ...]) -> Node:
    values = [a[1] for a in args if a[0] == "n"]
    if len(values) != len(args):
        return ("f", name, args)
    if name == "sqrt":
        root = _exact_root(values[0], 2)
        return tree.num(root) if root is not None else ("f", name, args)
    if name == "abs":
        return tree.num(abs(values[0]))
    if name in ("floor", "ceil"):
        return tree.num(math.floor(values[0]) if name == "floor" else math.ceil(values[0]))
    if name in ("max", "min"):
        return tree.num(max(values) if name == "max" else min(values))
    if name in ("gcd", "lcm") and all(v.denominator == 1 for v in values):
        ints = [int(v) for v in values]
        return tree.num(math.gcd(*ints) if name == "gcd" else math.lcm(*ints))
    if name == "binom" and all(v.denominator == 1 for v in values):
        n, k = int(values[0]), int(values[1])
        if 0 <= n <= 100_000:
            return tree.num(math.comb(n, k) if k >= 0 else 0)
    return ("f", name, args)


# -- numeric evaluation ------------------------------------------------------


def numeric(node: Node, env: dict[str, Any], dps: int, *, real_only: bool = False) -> Any:
    """Evaluate with mpmath at ``dps`` digits; variables come from ``env``.

    Raises ``EvaluationError`` for poles, domain errors and refused sizes, and
    with ``real_only`` when a step leaves the reals (``\\sqrt{a}`` at a < 0), so
    a point outside an expression's real domain is skipped, not compared.
    """
    import mpmath

    if guards.log10_abs(node) > guards.NUMERIC_LOG10:
        raise EvaluationError("value too large to evaluate")
    with mpmath.workdps(dps):
        try:
            value = _mp(node, env, mpmath, real_only)
        except (ArithmeticError, ValueError, TypeError, OverflowError) as exc:
            raise EvaluationError(str(exc)) from exc
        if not mpmath.isfinite(value):
            raise EvaluationError("not a finite value")
        return value


def _mp(node: Node, env: dict[str, Any], mp: Any, real_only: bool) -> Any:
    kind = node[0]
    if kind == "n":
        v = node[1]
        return mp.mpf(v.numerator) / v.denominator
    if kind == "s":
        if node[1] not in env:
            raise EvaluationError(f"unbound variable {node[1]}")
        return env[node[1]]
    if kind == "c":
        return _MP_CONSTANTS[node[1]](mp)
    if kind == "+":
        return mp.fsum(_mp(a, env, mp, real_only) for a in node[1])
    if kind == "*":
        result = mp.mpf(1)
        for a in node[1]:
            result *= _mp(a, env, mp, real_only)
        return result
    if kind == "^":
        base, exponent = _mp(node[1], env, mp, real_only), _mp(node[2], env, mp, real_only)
        if base == 0 and mp.re(exponent) <= 0:
            raise EvaluationError("0 to a non-positive power")
        if mp.im(base) == 0 and base < 0 and mp.im(exponent) == 0 and _is_odd_root(node[2]):
            # real odd roots of negatives: (-8)^{1/3} = -2, (-8)^{2/3} = 4
            sign = -1 if node[2][1].numerator % 2 else 1
            return sign * mp.power(-base, exponent)
        return _stay_real(mp.power(base, exponent), (base, exponent), mp, real_only)
    if kind == "!":
        arg = _mp(node[1], env, mp, real_only)
        if mp.im(arg) == 0 and arg < 0 and arg == mp.floor(arg):
            raise EvaluationError("factorial of a negative integer")
        return mp.factorial(arg)
    args = [_mp(a, env, mp, real_only) for a in node[2]]
    return _stay_real(_mp_function(node[1], args, mp), args, mp, real_only)


def _stay_real(value: Any, inputs: Any, mp: Any, real_only: bool) -> Any:
    if real_only and mp.im(value) != 0 and all(mp.im(x) == 0 for x in inputs):
        raise EvaluationError("leaves the real numbers here")
    return value


def _is_odd_root(exponent: Node) -> bool:
    if exponent[0] == "n":
        return exponent[1].denominator % 2 == 1 and exponent[1].denominator > 1
    return False


def _mp_function(name: str, args: list[Any], mp: Any) -> Any:
    x = args[0]
    if name in ("floor", "ceil", "max", "min", "gcd", "lcm") and any(mp.im(a) != 0 for a in args):
        raise EvaluationError(f"{name} of a complex number")
    if name in ("ln", "log") and x == 0:
        raise EvaluationError("log of zero")
    if (name in ("tan", "sec") and mp.cos(x) == 0) or (name in ("cot", "csc") and mp.sin(x) == 0):
        raise EvaluationError("pole")
    simple = _MP_FUNCTIONS.get(name)
    if simple is not None:
        return simple(mp, *args)
    raise EvaluationError(f"no numeric rule for {name}")


_MP_CONSTANTS = {
    "pi": lambda mp: +mp.pi,
    "e": lambda mp: +mp.e,
    "i": lambda mp: mp.mpc(0, 1),
    "inf": lambda mp: mp.inf,
}
_MP_FUNCTIONS: dict[str, Any] = {
    "sqrt": lambda mp, x: mp.sqrt(x),
    "abs": lambda mp, x: abs(x),
    "sin": lambda mp, x: mp.sin(x),
    "cos": lambda mp, x: mp.cos(x),
    "tan": lambda mp, x: mp.tan(x),
    "cot": lambda mp, x: mp.cot(x),
    "sec": lambda mp, x: mp.sec(x),
    "csc": lambda mp, x: mp.csc(x),
    "arcsin": lambda mp, x: mp.asin(x),
    "arccos": lambda mp, x: mp.acos(x),
    "arctan": lambda mp, x: mp.atan(x),
    "arccot": lambda mp, x: mp.acot(x),
    "sinh": lambda mp, x: mp.sinh(x),
    "cosh": lambda mp, x: mp.cosh(x),
    "tanh": lambda mp, x: mp.tanh(x),
    "ln": lambda mp, x: mp.log(x),
    "log": lambda mp, x: mp.log(x),
    "log10": lambda mp, x: mp.log10(x),
    "exp": lambda mp, x: mp.exp(x),
    "floor": lambda mp, x: mp.floor(x),
    "ceil": lambda mp, x: mp.ceil(x),
    "max": lambda mp, *xs: max(xs),
    "min": lambda mp, *xs: min(xs),
    "binom": lambda mp, n, k: mp.binomial(n, k),
}
