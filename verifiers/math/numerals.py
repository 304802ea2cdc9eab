"""Numerals that are not plain decimals: other bases, mixed numbers, repeating decimals.

Each is evaluated exactly, never dropped or approximated: ``1011_2`` is 11,
``2\\frac{1}{3}`` is 7/3 (not 2/3), ``0.1\\overline{6}`` is 1/6.
"""

from __future__ import annotations

import re
from fractions import Fraction

_BASE_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def rewrite_numerals(text: str) -> str:
    """Replace base-n literals and mixed numbers by plain decimal arithmetic."""
    text = _BASE_LITERAL.sub(_evaluate_base_literal, text)
    text = _MIXED_LATEX.sub(_mixed_number, text)
    return _MIXED_PLAIN.sub(_mixed_number, text)


_BASE_LITERAL = re.compile(
    r"(?<![\w\\])(?:\(([0-9A-Za-z]+)\)|([0-9A-Fa-f]*[A-Fa-f][0-9A-Fa-f]*))"
    r"_\s*(?:\{\s*\(?\s*(\d+)\s*\)?\s*\}|\(\s*(\d+)\s*\)|(\d))"
)


# ``2\frac{1}{3}`` and ``2 1/3`` are mixed numbers (7/3), never 2 times 1/3.
_MIXED_LATEX = re.compile(
    r"(?<![\d.^_}/])(\d+)\s*\\frac\s*(?:\{\s*(\d+)\s*\}|(\d))\s*(?:\{\s*(\d+)\s*\}|(\d))(?![\d^])"
)
_MIXED_PLAIN = re.compile(r"(?<![\d.^_}/])(\d+)\s+(\d+)\s*/\s*(\d+)(?![\d.^])")


def _mixed_number(m: re.Match[str]) -> str:
    whole, top, bottom = (int(g) for g in m.groups() if g is not None)
    if bottom == 0 or top >= bottom:
        return m.group(0)
    return f"({whole}+{top}/{bottom})"


def _evaluate_base_literal(m: re.Match[str]) -> str:
    """``A3_{16}`` and ``(1011)_2`` become their decimal value before parsing."""
    digits = m.group(1) or m.group(2)
    base = int(next(g for g in m.groups()[2:] if g))
    looks_numeral = any(ch.isdigit() for ch in digits) or (len(digits) > 1 and digits.isupper())
    value = base_literal_value(digits, base) if looks_numeral else None
    return m.group(0) if value is None else str(value)


def base_literal_value(digits: str, base: int) -> int | None:
    """``1011`` in base 2 -> 11; None when a digit is not valid in that base."""
    if not 2 <= base <= 36:
        return None
    value = 0
    for ch in digits.lower():
        d = _BASE_DIGITS.find(ch)
        if d < 0 or d >= base:
            return None
        value = value * base + d
    return value


def repeating_value(fixed: str, period: str) -> Fraction:
    """The exact value of ``fixed`` followed by ``period`` repeated forever."""
    head, _, frac = fixed.partition(".")
    base = Fraction(head + "." + frac) if head + frac else Fraction(0)
    scale = Fraction(1, 10 ** len(frac))
    repeat = Fraction(int(period), 10 ** len(period) - 1)
    return base + scale * repeat


def find_period(frac: str) -> tuple[int, int] | None:
    """The shortest period that repeats (at least twice) to the end of ``frac``."""
    if len(frac) > 48:
        return None  # nobody writes a repeating decimal this long; refuse the cubic search
    for period in range(1, len(frac) // 2 + 1):
        for start in range(len(frac) - 2 * period + 1):
            tail = frac[start:]
            if all(tail[k] == tail[k % period] for k in range(len(tail))):
                return start, period
    return None
