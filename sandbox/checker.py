"""The one documented checker. Judging happens on the host, never in the jail.

Standard output (stdin/stdout tests):
- ``\\r`` is ignored, every line is right-stripped, trailing blank lines are
  dropped; comparison is case-sensitive and leading spaces count;
- a line that differs as text is compared token by token (split on single
  spaces, so spacing must match): tokens must be equal as text, except that
  an expected *integer* token (ASCII digits, optional sign) accepts only an
  integer token of the same value (``007`` for ``7``; never ``7.0``,
  ``1.23456789e11`` or Arabic-Indic digits), and an expected *float* token
  (ASCII, with a point or an exponent) accepts a number token within
  ``float_tolerance`` (absolute or relative);
- the comparison walks both texts line by line without building line lists,
  so a forged output of millions of blank lines costs no more than its bytes.

Return values (call-based tests), the same rule: ``"3"`` is not ``3`` and
``True`` is not ``1``; an expected int accepts only an int of the same value,
an expected float accepts an int or float within ``float_tolerance``; a
returned tuple equals a JSON list (JSON has no tuples); ``unwrap_singleton``
accepts ``x`` for an expected ``[x]`` (APPS/TACO wrap call-based outputs).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterator
from typing import Any

_INT = re.compile(r"[+-]?[0-9]+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


@dataclasses.dataclass(frozen=True)
class Checker:
    """Comparison settings. ``float_tolerance=None`` turns float tolerance off."""

    float_tolerance: float | None = 1e-6
    unwrap_singleton: bool = True

    # ------------------------------------------------------------ stdout
    def compare_stdout(self, actual: bytes | str, expected: str) -> tuple[bool, str]:
        got_lines, want_lines = _lines(actual), _lines(expected)
        number = 0
        for want_line in want_lines:
            number += 1
            got_line = next(got_lines, None)
            if got_line is None:
                return False, f"expected {number + _count(want_lines)} lines, got {number - 1}"
            if got_line != want_line and not self._tokens_match(got_line, want_line):
                return False, f"line {number}: expected {_short(want_line)}, got {_short(got_line)}"
        extra = _count(got_lines)
        if extra:
            return False, f"expected {number} lines, got {number + extra}"
        return True, ""

    def _tokens_match(self, got: str, want: str) -> bool:
        # split on single spaces: spacing must match, only the token text may differ
        got_tokens, want_tokens = got.split(" "), want.split(" ")
        if len(got_tokens) != len(want_tokens):
            return False
        return all(self._token_equal(g, w) for g, w in zip(got_tokens, want_tokens, strict=False))

    def _token_equal(self, got: str, want: str) -> bool:
        if got == want:
            return True
        if _INT.fullmatch(want):
            return _INT.fullmatch(got) is not None and _same_integer(got, want)
        if self.float_tolerance is None or not _NUMBER.fullmatch(want):
            return False
        if not _NUMBER.fullmatch(got):
            return False
        try:
            return _close(float(got), float(want), self.float_tolerance)
        except (ValueError, OverflowError):
            return False

    # ------------------------------------------------------ return values
    def compare_value(self, actual: Any, expected: Any) -> tuple[bool, str]:
        if self.values_equal(actual, expected):
            return True, ""
        wrapped = self.unwrap_singleton and type(expected) is list and len(expected) == 1
        if wrapped and self.values_equal(actual, expected[0]):
            return True, ""
        return False, f"expected {_short(repr(expected))}, got {_short(repr(actual))}"

    def values_equal(self, actual: Any, expected: Any) -> bool:
        if isinstance(actual, bool) or isinstance(expected, bool):
            return type(actual) is type(expected) and actual == expected
        if type(expected) is int:
            return type(actual) is int and actual == expected
        if type(expected) is float and _is_number(actual):
            try:
                return _close(float(actual), expected, self.float_tolerance or 0.0)
            except OverflowError:
                return False
        if isinstance(expected, list) and isinstance(actual, (list, tuple)):
            return len(actual) == len(expected) and all(
                self.values_equal(a, e) for a, e in zip(actual, expected, strict=False)
            )
        if isinstance(expected, dict) and isinstance(actual, dict):
            got = {_json_key(key): value for key, value in actual.items()}
            return got.keys() == expected.keys() and all(
                self.values_equal(got[key], expected[key]) for key in expected
            )
        return type(actual) is type(expected) and actual == expected


def _lines(text: bytes | str) -> Iterator[str]:
    """Right-stripped lines without ``\\r``, trailing blank lines dropped, one at a time."""
    blank = 0
    start, size = 0, len(text)
    while start <= size:
        end = text.find(b"\n", start) if isinstance(text, bytes) else text.find("\n", start)
        end = size if end < 0 else end
        piece = text[start:end]
        line = piece.decode("utf-8", errors="replace") if isinstance(piece, bytes) else piece
        line = line.replace("\r", "").rstrip()
        start = end + 1
        if not line:
            blank += 1
            continue
        while blank:  # blank lines count only when a line follows them
            blank -= 1
            yield ""
        yield line


def _count(lines: Iterator[str]) -> int:
    return sum(1 for _ in lines)


def _same_integer(got: str, want: str) -> bool:
    """Two ASCII integer tokens with the same value (no int() of 10**6 digits)."""

    def norm(token: str) -> tuple[bool, str]:
        digits = token.lstrip("+-").lstrip("0") or "0"
        return token.startswith("-") and digits != "0", digits

    return norm(got) == norm(want)


def _close(a: float, b: float, tolerance: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    diff = abs(a - b)
    return diff <= tolerance or diff <= tolerance * abs(b)


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _json_key(key: Any) -> Any:
    """JSON object keys are strings: compare a returned int key as its text."""
    if key is None or type(key) is bool:
        return "null" if key is None else str(key).lower()
    if type(key) in (int, float):
        return str(key)
    return key


def _short(text: str, limit: int = 80) -> str:
    text = repr(text) if not text.startswith(("'", '"', "[", "{", "(")) else text
    return text if len(text) <= limit else text[: limit - 3] + "..."
