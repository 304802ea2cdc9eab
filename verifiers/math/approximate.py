"""Approximate values: the documented policy for decimals against exact values.

Datasets store some golds as a decimal approximation (``4.123105625617661`` for
``\\sqrt{17}``, ``0.0833333333333333`` for 1/12), and models sometimes answer an
exact question with a decimal. The policy, in both directions:

- a gold decimal with at least ``APPROXIMATE_GOLD_DIGITS`` (6) significant digits
  is an approximation: an answer whose value rounds to it (at the gold's decimal
  places) matches;
- an answer decimal matches an exact gold only with at least
  ``min_decimal_digits`` significant digits (an option, default 6) and only when
  the gold's value rounds to it: ``1.41421`` is ``\\sqrt{2}``, ``0.33`` is not 1/3,
  and ``0.333334`` (a wrong last digit) is not 1/3 either;
- two decimals: the shorter needs those digits and the longer must round to it.

Short gold decimals (``3.14``, ``0.5``) are exact values, never approximations.
"""

from __future__ import annotations

import re
from decimal import Decimal

from verifiers.math import tree
from verifiers.math.evaluate import EvaluationError, numeric
from verifiers.math.tree import Node

APPROXIMATE_GOLD_DIGITS = 6
FLOAT_REPR_DIGITS = 15
_DECIMAL = re.compile(r"-?\d+\.\d+")


def decimal_literal(text: str) -> str | None:
    """``text`` when it is a plain decimal numeral (``-0.25``), else None."""
    stripped = text.strip()
    return stripped if _DECIMAL.fullmatch(stripped) else None


def significant_digits(literal: str) -> int:
    digits = literal.lstrip("-").replace(".", "").lstrip("0")
    return len(digits)


def rounds_to(node: Node, literal: str) -> bool:
    """Whether the value of ``node`` rounded at ``literal``'s decimal places is ``literal``."""
    if tree.symbols(node):
        return False
    import mpmath

    places = len(literal.partition(".")[2])
    try:
        value = numeric(node, {}, 60)
    except EvaluationError:
        return False
    with mpmath.workdps(60):
        if mpmath.im(value) != 0:
            return False
        target = mpmath.mpf(str(Decimal(literal)))
        ulp = mpmath.mpf(10) ** (-places)
        # a float's repr (15+ digits) is the shortest round-trip string, not the correctly
        # rounded decimal: its last digit may be one off
        allowed = ulp if _is_float_repr(literal) else ulp / 2
        return bool(abs(mpmath.re(value) - target) <= allowed * (1 + mpmath.mpf(10) ** -20))


def _is_float_repr(literal: str) -> bool:
    """``1.4142135623730951``: what printing a double gives (15-17 digits, round-trips)."""
    if significant_digits(literal) < FLOAT_REPR_DIGITS:
        return False
    try:
        return repr(float(literal)) == literal.lstrip("+")
    except (ValueError, OverflowError):
        return False


def approximately_equal(
    gold: Node, gold_literal: str | None, pred: Node, pred_literal: str | None, min_digits: int
) -> bool:
    """The policy above, for two values already known to differ exactly."""
    if gold_literal and pred_literal:
        shorter, longer_node = (
            (pred_literal, gold)
            if len(pred_literal.partition(".")[2]) <= len(gold_literal.partition(".")[2])
            else (gold_literal, pred)
        )
        return significant_digits(shorter) >= min_digits and rounds_to(longer_node, shorter)
    if gold_literal and significant_digits(gold_literal) >= APPROXIMATE_GOLD_DIGITS:
        return rounds_to(pred, gold_literal)
    if pred_literal and significant_digits(pred_literal) >= min_digits:
        return rounds_to(gold, pred_literal)
    return False
