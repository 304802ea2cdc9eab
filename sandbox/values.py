"""Decode return values that the jail serialised as tagged JSON.

Inside, only exact plain types are encoded (an int subclass with a lying
``__eq__`` is refused); JSON has no tuple, set, bytes, non-string keys,
big ints or inf/nan, so those travel as one-key objects ``{"$tuple": [...]}``.
The host rebuilds real Python values and compares them itself.
"""

from __future__ import annotations

import json
from typing import Any

_MAX_INT_HEX_DIGITS = 100_000


class ValueDecodeError(ValueError):
    """The jail's result is not a value we sent it to produce."""


def decode(data: Any) -> Any:
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    if len(data) != 1:
        raise ValueDecodeError("a tagged value has exactly one key")
    ((tag, inner),) = data.items()
    try:
        return _TAGS[tag](inner)
    except KeyError:
        raise ValueDecodeError(f"unknown value tag {tag!r}") from None
    except (TypeError, ValueError) as exc:
        raise ValueDecodeError(f"bad {tag} value: {exc}") from exc


def _int(text: str) -> int:
    if len(text) > _MAX_INT_HEX_DIGITS:
        raise ValueError("integer too large")
    return int(text, 16)


_TAGS = {
    "$int": _int,
    "$float": float,
    "$tuple": lambda inner: tuple(decode(item) for item in inner),
    "$set": lambda inner: {decode(item) for item in inner},
    "$frozenset": lambda inner: frozenset(decode(item) for item in inner),
    "$dict": lambda inner: {decode(key): decode(value) for key, value in inner},
    "$bytes": bytes.fromhex,
    "$complex": lambda inner: complex(*inner),
}


def decode_result(text: str | None) -> list[Any]:
    """The list of values a call or assert test produced (ValueDecodeError if none)."""
    if not text:
        raise ValueDecodeError("the program produced no return value (it exited early)")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueDecodeError(f"unreadable return value: {exc}") from exc
    if isinstance(data, dict) and set(data) == {"error"}:
        raise ValueDecodeError(str(data["error"])[:300])
    if not isinstance(data, list):
        raise ValueDecodeError("the result channel held something other than our result")
    return [decode(item) for item in data]
