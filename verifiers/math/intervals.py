"""Intervals and unions of intervals, from any of the ways answers write them.

``(1, 3]``, ``1 < x \\le 3``, ``x > 1 and x \\le 3``, ``|x - 2| < 1``,
``\\mathbb{R} \\setminus \\{0\\}`` and ``x \\ne 0`` all end up as a tuple of
``Interval`` parts, which the judge compares endpoint by endpoint.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from verifiers.math import tree
from verifiers.math.evaluate import EvaluationError, numeric
from verifiers.math.tree import Node

INF: Node = ("c", "inf")
NEG_INF: Node = tree.neg(INF)


@dataclasses.dataclass(frozen=True)
class Interval:
    lo: Node
    hi: Node
    lo_closed: bool
    hi_closed: bool


@dataclasses.dataclass(frozen=True)
class IntervalUnion:
    parts: tuple[Interval, ...]


def intervals_from_relation(sides: tuple[Node, ...], ops: tuple[str, ...]) -> IntervalUnion | None:
    """``1 < x \\le 3`` -> ``(1, 3]``; ``x \\ne 2`` -> ``(-inf, 2) U (2, inf)``."""
    absolute = _absolute_value_intervals(sides, ops)
    if absolute is not None:
        return absolute
    variables = [k for k, side in enumerate(sides) if side[0] == "s"]
    if len(variables) != 1 or "=" in ops:
        return None
    k = variables[0]
    if any(tree.symbols(s) for j, s in enumerate(sides) if j != k):
        return None
    if ops == ("!=",):
        point = sides[1 - k]
        return IntervalUnion(
            (Interval(NEG_INF, point, False, False), Interval(point, INF, False, False))
        )
    lo, hi, lo_closed, hi_closed = NEG_INF, INF, False, False
    for j, op in enumerate(ops):
        if op == "!=" or k not in (j, j + 1):
            return None
        other = sides[j] if k == j + 1 else sides[j + 1]
        lower = (op in ("<", "<=")) == (k == j + 1)
        closed = op in ("<=", ">=")
        if lower:
            lo, lo_closed = other, closed
        else:
            hi, hi_closed = other, closed
    return IntervalUnion((Interval(lo, hi, lo_closed, hi_closed),))


def _absolute_value_intervals(
    sides: tuple[Node, ...], ops: tuple[str, ...]
) -> IntervalUnion | None:
    """``|x - c| < a`` -> ``(c - a, c + a)``; ``|x - c| \\ge a`` -> two rays;
    ``a \\le |x - c| \\le b`` -> the two pieces ``[c - b, c - a] U [c + a, c + b]``."""
    if len(sides) == 3:
        return _absolute_band(sides, ops)
    if len(sides) != 2 or ops[0] not in ("<", "<=", ">", ">="):
        return None
    left, right = sides
    op = ops[0]
    if right[0] == "f" and right[1] == "abs":  # a > |x - c| reads as |x - c| < a
        left, right, op = right, left, {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
    if not (left[0] == "f" and left[1] == "abs") or tree.symbols(right):
        return None
    center = _center(left[2][0])
    if center is None:
        return None
    lo, hi = tree.add([center, tree.neg(right)]), tree.add([center, right])
    closed = op in ("<=", ">=")
    if op in ("<", "<="):
        return IntervalUnion((Interval(lo, hi, closed, closed),))
    return IntervalUnion((Interval(NEG_INF, lo, False, closed), Interval(hi, INF, closed, False)))


def _absolute_band(sides: tuple[Node, ...], ops: tuple[str, ...]) -> IntervalUnion | None:
    if ops[0] in (">", ">=") and ops[1] in (">", ">="):
        flip = {">": "<", ">=": "<="}
        sides, ops = sides[::-1], (flip[ops[1]], flip[ops[0]])
    if not (ops[0] in ("<", "<=") and ops[1] in ("<", "<=")):
        return None
    low, middle, high = sides
    if not (middle[0] == "f" and middle[1] == "abs") or tree.symbols(low) or tree.symbols(high):
        return None
    center = _center(middle[2][0])
    low_value = endpoint_value(low)
    if center is None or low_value is None or low_value < 0:
        return None
    lo_closed, hi_closed = ops[0] == "<=", ops[1] == "<="
    left = Interval(
        tree.add([center, tree.neg(high)]), tree.add([center, tree.neg(low)]), hi_closed, lo_closed
    )
    right = Interval(tree.add([center, low]), tree.add([center, high]), lo_closed, hi_closed)
    return IntervalUnion((left, right))


def _center(inner: Node) -> Node | None:
    """c for ``x - c``, ``c - x`` or ``x``: where ``|inner|`` is zero (a linear inner only)."""
    terms = inner[1] if inner[0] == "+" else (inner,)
    numbers = [t for t in terms if t[0] == "n"]
    rest = [t for t in terms if t[0] != "n"]
    if len(rest) != 1 or len(numbers) > 1:
        return None
    offset = numbers[0] if numbers else tree.num(0)
    term = rest[0]
    if term[0] == "s":
        return tree.neg(offset)  # |x + b|: zero at -b
    negated_variable = term[0] == "*" and len(term[1]) == 2 and term[1][0] == tree.MINUS_ONE
    if negated_variable and term[1][1][0] == "s":
        return offset  # |b - x|: zero at b
    return None


def endpoint_value(node: Node) -> float | None:
    """A float for ordering endpoints (``±inf`` included); None for a symbolic one."""
    if node == INF:
        return math.inf
    if node == NEG_INF:
        return -math.inf
    try:
        value: Any = numeric(node, {}, 30)
        return float(value.real) if hasattr(value, "real") else float(value)
    except (EvaluationError, TypeError, ValueError):
        return None


def intersect(parts: list[Interval]) -> Interval | None:
    """``x > 1 and x \\le 3`` -> ``(1, 3]``; None when empty or not comparable."""
    lo, hi = parts[0], parts[0]
    for part in parts[1:]:
        lo_now, lo_new = endpoint_value(lo.lo), endpoint_value(part.lo)
        hi_now, hi_new = endpoint_value(hi.hi), endpoint_value(part.hi)
        if lo_now is None or lo_new is None or hi_now is None or hi_new is None:
            return None
        if lo_new > lo_now or (lo_new == lo_now and not part.lo_closed):
            lo = part
        if hi_new < hi_now or (hi_new == hi_now and not part.hi_closed):
            hi = part
    result = Interval(lo.lo, hi.hi, lo.lo_closed, hi.hi_closed)
    low, high = endpoint_value(result.lo), endpoint_value(result.hi)
    if low is None or high is None or low > high:
        return None
    return result


def remove_points(union: IntervalUnion, points: list[Node]) -> IntervalUnion | None:
    """``\\mathbb{R} \\setminus \\{0\\}`` -> ``(-inf, 0) U (0, inf)``."""
    parts = list(union.parts)
    for point in points:
        at = endpoint_value(point)
        if at is None:
            return None
        kept: list[Interval] = []
        for part in parts:
            lo, hi = endpoint_value(part.lo), endpoint_value(part.hi)
            if lo is None or hi is None:
                return None
            if lo < at < hi:
                kept += [
                    Interval(part.lo, point, part.lo_closed, False),
                    Interval(point, part.hi, False, part.hi_closed),
                ]
            else:
                kept.append(
                    dataclasses.replace(
                        part,
                        lo_closed=part.lo_closed and lo != at,
                        hi_closed=part.hi_closed and hi != at,
                    )
                )
        parts = kept
    return IntervalUnion(tuple(parts))
