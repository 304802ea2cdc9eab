"""The one documented checker. Judging happens on the host, never in the jail.

Standard output (stdin/stdout tests):
- ``\\r`` is ignored, every line is right-stripped, trailing blank lines are
  dropped; comparison is case-sensitive and leading spaces count;
- a line that differs as text is compared token by token (split on single
  spaces, so spacing must match): tokens must be equal, except that a pair of numbers where one
  has a decimal point or an exponent is equal within ``float_tolerance``
  (absolute or relative); integers are compared exactly.

Return values (call-based tests) are compared with strict types: ``"3"`` is
not ``3`` and ``True`` is not ``1``; ints compare exactly, a float on either
side compares within ``float_tolerance``; a returned tuple equals a JSON list
(JSON has no tuples); ``unwrap_singleton`` accepts ``x`` for an expected
``[x]`` (APPS/TACO store call-based outputs wrapped in a list).
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

_FLOATISH = re.compile(r"[.eE]")


@dataclasses.dataclass(frozen=True)
class Checker:
    """Comparison settings. ``float_tolerance=None`` turns float tolerance off."""

    float_tolerance: float | None = 1e-6
    unwrap_singleton: bool = True

    # ------------------------------------------------------------ stdout
    def compare_stdout(self, actual: bytes, expected: str) -> tuple[bool, str]:
        got = _lines(actual.decode("utf-8", errors="replace"))
        want = _lines(expected)
        for number, (got_line, want_line) in enumerate(zip(got, want, strict=False), start=1):
            if got_line != want_line and not self._tokens_match(got_line, want_line):
                return False, f"line {number}: expected {_short(want_line)}, got {_short(got_line)}"
        if len(got) != len(want):
            return False, f"expected {len(want)} lines, got {len(got)}"
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
        if self.float_tolerance is None or not (_FLOATISH.search(got) or _FLOATISH.search(want)):
            return False
        try:
            return _close(float(got), float(want), self.float_tolerance)
        except ValueError:
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
        if _is_number(actual) and _is_number(expected):
            if type(actual) is int and type(expected) is int:
                return actual == expected
            return _close(actual, expected, self.float_tolerance or 0.0)
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


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r", "").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


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
