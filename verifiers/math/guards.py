"""Size estimates in log space, read before any exact or numeric evaluation.

``5^{5^{5^{5^5}}}`` has more digits than there are atoms in the universe and a
CAS asked to simplify it hangs; ``10000!`` is fine exactly but ``10^{10^9}!``
is not. Every evaluation first asks these estimates how big the value (and
each intermediate) is, in decimal digits, without computing it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

from verifiers.math.tree import Node

# Exact rational arithmetic is allowed up to this many digits per intermediate.
EXACT_DIGITS = 20_000
# mpmath (arbitrary exponent) is allowed up to |log10 value| of this much.
NUMERIC_LOG10 = 1e12
# The exact factorial limit: 5000! has ~16,000 digits.
MAX_EXACT_FACTORIAL = 5000
MAX_NODES = 400

_LOG10_CONST = {"pi": 0.5, "e": 0.44, "i": 0.0, "inf": math.inf}


def rational_digits(value: Fraction) -> float:
    """log10 of the larger of numerator and denominator (0 for 0)."""
    big = max(abs(value.numerator), value.denominator)
    return _int_log10(big)


def _int_log10(n: int) -> float:
    if n == 0:
        return -math.inf
    bits = n.bit_length()
    if bits < 1000:
        return math.log10(n)
    return (bits - 1) * 0.30103


def pow_digits(base: Fraction, exponent: int) -> float:
    """Digits of ``base ** exponent`` without computing it."""
    digits = rational_digits(base)
    if digits <= 0:
        return 0.0
    if abs(exponent).bit_length() > 60:
        return math.inf
    return abs(exponent) * digits


def log10_abs(node: Node) -> float:
    """An estimate of log10 |value| (variables count as 1; inf when unbounded).

    Sums are bounded above by their largest term, so cancellation is ignored:
    the estimate is for refusing work, never for judging equality.
    """
    kind = node[0]
    if kind == "n":
        v = node[1]
        if v == 0:
            return -math.inf
        return _int_log10(abs(v.numerator)) - _int_log10(v.denominator)
    if kind == "s":
        return 0.0
    if kind == "c":
        return _LOG10_CONST.get(node[1], 0.0)
    if kind == "+":
        return max(log10_abs(a) for a in node[1]) + math.log10(len(node[1]))
    if kind == "*":
        return _safe_sum(log10_abs(a) for a in node[1])
    if kind == "^":
        return _power_log10(node[1], node[2])
    if kind == "!":
        n = _value_bound(node[1])
        if n is None or n > 1e14:
            return math.inf
        return math.lgamma(max(n, 0) + 1) / math.log(10)
    return _function_log10(node)


def _safe_sum(values: Iterable[float]) -> float:
    total = 0.0
    for v in values:
        if math.isinf(v) and v > 0:
            return math.inf
        total += v
    return total


def _power_log10(base: Node, exponent: Node) -> float:
    base_log = log10_abs(base)
    if base_log == 0.0:
        return 0.0
    e = approx_value(exponent)
    if e is None:
        bound = log10_abs(exponent)
        if bound > 300 or base_log == -math.inf:
            return math.inf
        e = 10.0**bound  # a complex or symbolic exponent: bound its size only
        base_log = abs(base_log)
    if base_log == -math.inf:
        return -math.inf if e > 0 else math.inf
    if math.isinf(base_log):
        return math.inf
    result = e * base_log
    return result if math.isfinite(result) else math.inf


def _function_log10(node: Node) -> float:
    name, args = node[1], node[2]
    inner = [log10_abs(a) for a in args]
    if any(v == math.inf for v in inner):
        return math.inf
    if name == "sqrt":
        return inner[0] / 2
    if name in ("abs", "floor", "ceil", "max", "min", "gcd", "lcm", "det"):
        return sum(max(v, 0) for v in inner) if name == "lcm" else max(inner)
    if name == "exp":
        e = _value_bound(args[0])
        return math.inf if e is None else e / math.log(10)
    if name == "binom":
        n = _value_bound(args[0])
        return math.inf if n is None or n > 1e14 else max(n, 0) * 0.30103
    return 0.0  # trig and logarithms stay small on any argument we accept


def _value_bound(node: Node) -> float | None:
    """An upper bound of |value| for a small subtree, variables counted as 1."""
    value = approx_value(node)
    if value is not None:
        return abs(value)
    bound = log10_abs(node)
    return 10.0**bound if bound < 15 else None


def approx_value(node: Node) -> float | None:
    """A float for a small constant subtree (an exponent, a factorial's argument)."""
    if log10_abs(node) > 300:
        return None
    try:
        return _float(node)
    except (ArithmeticError, ValueError, TypeError):
        return None


def _float(node: Node) -> float:
    kind = node[0]
    if kind == "n":
        return float(node[1])
    if kind == "c" and node[1] in ("pi", "e"):
        return math.pi if node[1] == "pi" else math.e
    if kind == "+":
        return sum(_float(a) for a in node[1])
    if kind == "*":
        return math.prod(_float(a) for a in node[1])
    if kind == "^":
        result = _float(node[1]) ** _float(node[2])
        if isinstance(result, complex):
            raise ValueError("complex")
        return result
    if kind == "!":
        return math.gamma(_float(node[1]) + 1)
    if kind == "f" and node[1] == "sqrt":
        return math.sqrt(_float(node[2][0]))
    raise ValueError("not a small real constant")
