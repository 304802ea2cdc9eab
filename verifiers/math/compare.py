"""Decide whether two expression trees denote the same value, exact first.

The order of the checks is the order of their cost and of their certainty:

1. tree equality after exact folding (``2x`` vs ``x \\cdot 2``, ``4/6`` vs ``2/3``);
2. two exact rationals that differ are different, full stop: no tolerance
   can then equate ``2^{100}`` with ``2^{100}+1`` or ``1/2004!`` with ``1/2006!``;
3. values too big to evaluate (``5^{5^{5^{5^5}}}``) are compared through their
   logarithms, never expanded;
4. everything else (surds, ``\\pi``, variables) numerically with mpmath, at a
   precision that grows with the number of digits involved and a relative
   tolerance far below any difference a distinct closed form can have; a
   numeric difference is final;
5. numeric agreement is not a proof, so surds, nested radicals and rational
   functions that agree are settled exactly by ``exact`` (sympy, guarded);
   its verdict wins, and the numeric one stands only where sympy cannot
   decide cheaply.
"""

from __future__ import annotations

import math
import random
import zlib
from functools import lru_cache
from typing import Any

from verifiers.math import exact, guards, sums, tree
from verifiers.math.evaluate import EvaluationError, fold, numeric
from verifiers.math.tree import Node

MAX_DPS = 1500
_POINTS = 3


class TooComplex(ValueError):
    """An expression beyond the size guards: judged unequal, with this reason."""


def scalars_equal(a: Node, b: Node, _log_depth: int = 0) -> bool:
    """Whether ``a`` and ``b`` are the same value (or the same function)."""
    if tree.size(a) > guards.MAX_NODES or tree.size(b) > guards.MAX_NODES:
        raise TooComplex("expression has too many parts")
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return True
    if fa[0] == "n" and fb[0] == "n":
        return False
    if sums.has_big_operator(fa) or sums.has_big_operator(fb):
        decided_sum = sums.equal(fa, fb, lambda x, y: scalars_equal(x, y, _log_depth + 1))
        if decided_sum is not None:
            return decided_sum
    if tree.has_constant(fa, "inf") or tree.has_constant(fb, "inf"):
        return _infinities_equal(fa, fb)
    la, lb = guards.log10_abs(fa), guards.log10_abs(fb)
    if la > guards.NUMERIC_LOG10 or lb > guards.NUMERIC_LOG10:
        return _huge_equal(fa, fb, la, lb, _log_depth)
    if max(_max_digits(fa), _max_digits(fb)) > MAX_DPS - 60:
        return _beyond_precision_equal(fa, fb, _log_depth)
    variables = tree.symbols(fa) | tree.symbols(fb)
    numeric = _functions_equal(fa, fb, sorted(variables)) if variables else _constants_equal(fa, fb)
    if numeric is False:
        return False  # a gap far above the working precision: a proof of difference
    # agreement to every digit carried is evidence, not proof: sympy decides when it can
    decided = exact.decide(fa, fb)
    return decided if decided is not None else bool(numeric)


def _beyond_precision_equal(a: Node, b: Node, depth: int) -> bool:
    """Values with more digits than any affordable precision resolves.

    ``10^{10^{10}}`` and ``10^{10^{10}}+1`` agree to every digit mpmath could
    carry, so a numeric check would call them equal. Products and powers are
    compared exactly through their logarithms; a sum with such a term is
    judged equal only when its tree is the same (checked before this).
    """
    if _has_huge_sum(a) or _has_huge_sum(b) or depth >= 3 or _sign(a) != _sign(b):
        return False
    return scalars_equal(_log_form(a), _log_form(b), depth + 1)


def _has_huge_sum(node: Node) -> bool:
    kind = node[0]
    if kind == "+":
        if any(abs(guards.log10_abs(t)) > MAX_DPS - 60 for t in node[1]):
            return True
        return any(_has_huge_sum(t) for t in node[1])
    if kind == "*":
        return any(_has_huge_sum(t) for t in node[1])
    if kind == "^":
        return _has_huge_sum(node[1]) or _has_huge_sum(node[2])
    if kind in ("!",):
        return _has_huge_sum(node[1])
    if kind == "f":
        return any(_has_huge_sum(t) for t in node[2])
    return False


def _infinities_equal(a: Node, b: Node) -> bool:
    """``\\infty`` equals ``+\\infty`` and ``\\infty`` only, never a number."""
    return _sign_of_infinity(a) is not None and _sign_of_infinity(a) == _sign_of_infinity(b)


def _sign_of_infinity(node: Node) -> int | None:
    if node == ("c", "inf"):
        return 1
    if node[0] == "*" and len(node[1]) == 2:
        number, rest = node[1][-1], node[1][0]
        if rest == ("c", "inf") and number[0] == "n" and number[1] != 0:
            return 1 if number[1] > 0 else -1
    return None


def _huge_equal(a: Node, b: Node, la: float, lb: float, depth: int) -> bool:
    """Compare astronomically large values by their logarithms, never their digits.

    Each level takes one logarithm; three levels reach any tower a person
    writes, and past that the values are judged different (never expanded).
    """
    big = guards.NUMERIC_LOG10
    if (la > big) != (lb > big) or depth >= 3 or _sign(a) != _sign(b):
        return False
    return scalars_equal(_log_form(a), _log_form(b), depth + 1)


def _sign(node: Node) -> int:
    if node[0] == "*":
        return -1 if any(f[0] == "n" and f[1] < 0 for f in node[1]) else 1
    if node[0] == "n":
        return -1 if node[1] < 0 else 1
    return 1


def _log_form(node: Node) -> Node:
    """``ln |node|`` written as a smaller tree: ``ln(a^b) = b ln a``, ``ln(xy) = ln x + ln y``."""
    if node[0] == "^":
        return tree.mul([node[2], _log_form(node[1])])
    if node[0] == "*":
        return tree.add([_log_form(f) for f in node[1]])
    if node[0] == "n":
        return tree.func("ln", tree.num(abs(node[1])))
    return tree.func("ln", tree.func("abs", node))


def _precision(a: Node, b: Node) -> int:
    """Working digits: enough to resolve every digit the inputs hold, plus margin."""
    digits = max(_max_digits(a), _max_digits(b))
    return int(min(60 + 2 * digits, MAX_DPS))


def _max_digits(node: Node) -> float:
    kind = node[0]
    if kind == "n":
        return guards.rational_digits(node[1]) if node[1] != 0 else 0.0
    children: tuple[Node, ...] = ()
    if kind in ("+", "*"):
        children = node[1]
    elif kind == "^":
        children = (node[1], node[2])
    elif kind == "!":
        children = (node[1],)
    elif kind == "f":
        children = node[2]
    own = abs(guards.log10_abs(node)) if kind in ("^", "!") else 0.0
    if math.isinf(own):
        own = 0.0
    return max([own, *(_max_digits(c) for c in children)])


def _constants_equal(a: Node, b: Node) -> bool | None:
    """Numeric agreement; ``None`` when a side has no value (a pole, a domain error)."""
    dps = _precision(a, b)
    try:
        va = numeric(a, {}, dps)
        vb = numeric(b, {}, dps)
    except EvaluationError:
        return None
    return _close(va, vb, a, b, dps)


def _close(va: Any, vb: Any, a: Node, b: Node, dps: int) -> bool:
    import mpmath

    digits = max(_max_digits(a), _max_digits(b))
    with mpmath.workdps(dps):
        diff = abs(va - vb)
        scale = max(abs(va), abs(vb))
        if a == ("n", 0) or b == ("n", 0) or scale == 0:
            return bool(diff <= mpmath.mpf(10) ** (-(dps // 2)))
        tolerance = mpmath.mpf(10) ** (-int(min(digits + 40, dps - 15)))
        return bool(diff <= tolerance * scale)


def _functions_equal(a: Node, b: Node, variables: list[str]) -> bool | None:
    """Identity testing: equal values at random points mean the same function.

    Two different closed forms agree at a random point with probability ~0;
    three points (one negative, to tell ``x`` from ``|x|``) and 40 digits are
    plenty to reject; agreement is then confirmed by ``exact`` when the
    pair is in its class (no CAS call that could hang: it is guarded). At the
    negative point a step that leaves the reals skips the point, so
    ``\\sqrt{a}\\sqrt{b}`` and ``\\sqrt{ab}`` agree on their real domain.
    """
    dps = min(_precision(a, b), 200)
    agreed = 0
    for env in _environments(tuple(variables), dps):
        real_only = any(v < 0 for v in env.values())
        try:
            va = numeric(a, env, dps, real_only=real_only)
            vb = numeric(b, env, dps, real_only=real_only)
        except EvaluationError:
            continue
        if not _close(va, vb, a, b, dps):
            return False
        agreed += 1
    return True if agreed >= 2 else None  # too few points in the real domain to tell


@lru_cache(maxsize=256)
def _environments(variables: tuple[str, ...], dps: int) -> tuple[dict[str, Any], ...]:
    import mpmath

    rng = random.Random(zlib.crc32(",".join(variables).encode()))
    envs = []
    with mpmath.workdps(dps):
        for point in range(_POINTS):
            sign = -1 if point == _POINTS - 1 else 1
            envs.append({v: mpmath.mpf(sign * (0.5 + 2 * rng.random())) for v in variables})
    return tuple(envs)


def ratio_is_constant(a: Node, b: Node) -> bool:
    """Whether ``a = k b`` for one non-zero constant k (equations up to a factor)."""
    variables = sorted(tree.symbols(a) | tree.symbols(b))
    if not variables:
        return False
    dps = 40
    ratios = []
    for env in _environments(tuple(variables), dps):
        try:
            va, vb = numeric(a, env, dps), numeric(b, env, dps)
        except EvaluationError:
            continue
        if vb == 0 or va == 0:
            return False
        ratios.append(va / vb)
    if len(ratios) < 2:
        return False
    import mpmath

    with mpmath.workdps(dps):
        tolerance = mpmath.mpf(10) ** -25
        if not all(abs(r - ratios[0]) <= tolerance * abs(ratios[0]) for r in ratios):
            return False  # two different ratios: not proportional
    decided = exact.ratio_is_constant(fold(a), fold(b))  # 3 equal ratios are evidence only
    return decided if decided is not None else True


def positive_multiple(a: Node, b: Node) -> bool:
    """Whether ``a = k b`` for one constant ``k > 0`` (an inequality ``a < 0`` is ``b < 0``)."""
    if not ratio_is_constant(a, b):
        return False
    variables = sorted(tree.symbols(a) | tree.symbols(b))
    for env in _environments(tuple(variables), 40):
        try:
            va, vb = numeric(a, env, 40), numeric(b, env, 40)
        except EvaluationError:
            continue
        import mpmath

        if mpmath.im(va) != 0 or mpmath.im(vb) != 0 or vb == 0:
            continue
        return bool(va / vb > 0)
    return False
