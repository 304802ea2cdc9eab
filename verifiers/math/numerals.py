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


# -- Chinese numerals ---------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_GROUPS = {"万": 10**4, "亿": 10**8}
_CN_INT = "[零〇一二两三四五六七八九十百千万亿]+"
# A whole answer that is one Chinese number: 十二, 负三, 三点五, 二分之一, 百分之五十,
# optionally followed by a measure word (十二个), which the unit stage then drops.
_CN_NUMBER = re.compile(
    rf"^(负)?(?:({_CN_INT})分之({_CN_INT}(?:点[零〇一二三四五六七八九]+)?)"
    rf"|({_CN_INT})(?:点([零〇一二三四五六七八九]+))?)"
    r"([个只人名位次种条件本张天年月日周岁元角秒米克吨升度倍块辆棵页道题组步场]{0,2})$"
)


def chinese_number(text: str) -> str | None:
    """``二分之一`` -> ``\\frac{1}{2}``, ``十二个`` -> ``12个``, ``百分之五十`` -> ``50%``.

    Only a whole answer is rewritten, so Chinese prose that happens to contain
    一 or 十 is never turned into digits; None when ``text`` is not one number.
    """
    m = _CN_NUMBER.match(text.strip().rstrip("。."))
    if not m:
        return None
    sign, denominator, numerator, whole, decimals, unit = m.groups()
    sign = "-" if sign else ""
    if whole is not None:
        value = _chinese_int(whole)
        if value is None:
            return None
        return f"{sign}{value}{_cn_decimals(decimals)}{unit}"
    top_text, _, top_decimals = numerator.partition("点")
    bottom, top = _chinese_int(denominator), _chinese_int(top_text)
    if bottom is None or top is None or bottom == 0:
        return None
    top_str = f"{top}{_cn_decimals(top_decimals)}"
    if denominator == "百":
        return f"{sign}{top_str}%{unit}"  # 百分之五十: a percentage, read as 50% (x or x/100)
    return f"{sign}\\frac{{{top_str}}}{{{bottom}}}{unit}"


def _cn_decimals(digits: str | None) -> str:
    """The digits after 点, read one by one: 三点一四 -> 3.14."""
    return "." + "".join(str(_CN_DIGITS[c]) for c in digits) if digits else ""


def _chinese_int(text: str) -> int | None:
    """``一百零五`` -> 105, ``十二`` -> 12, ``二〇二四`` -> 2024; None when malformed."""
    if all(c in _CN_DIGITS for c in text):
        return int("".join(str(_CN_DIGITS[c]) for c in text)) if len(text) <= 18 else None
    above_wan, wan, section, digit = 0, 0, 0, None  # 亿 part, 万 part, below 万, last digit
    for c in text:
        if c in _CN_DIGITS:
            if digit not in (None, 0):
                return None  # 一二十: two digits in a row inside a positional numeral
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        elif c == "万":
            wan += (section + (digit or 0)) * _CN_GROUPS[c]
            section, digit = 0, None
        else:  # 亿
            above_wan = (above_wan + wan + section + (digit or 0)) * _CN_GROUPS[c]
            wan, section, digit = 0, 0, None
    return above_wan + wan + section + (digit or 0)
