"""Plain values across the jail boundary as tagged JSON, decoded totally and boundedly.

A test process sends return values as JSON; JSON has no tuple, set, bytes,
non-string keys, big ints or inf/nan, so those travel as one-key objects
(``{"$tuple": [...]}``). Subclasses of plain types (``Counter``, namedtuples,
``OrderedDict``) are sent as their plain type, read through the base type's
own methods, so a lying ``__eq__`` or ``__iter__`` changes nothing. A value
that is not plain data (``re.Match``) is sent as ``{"$opaque": [type name,
truth]}``: its truthiness is evaluated where it lives, nothing else of it
crosses, and on this side it equals nothing.

The result text comes from a process that ran untrusted code, so decoding
never raises anything but ``ValueDecodeError`` and is bounded before any
parsing: size (``MAX_RESULT_BYTES``), number of values (``MAX_VALUES``) and
nesting (``MAX_DEPTH``). A forged 30 MB result costs a count, not gigabytes.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_RESULT_BYTES = 16 << 20
MAX_VALUES = 1_000_000
MAX_DEPTH = 100
_MAX_INT_HEX_DIGITS = 100_000


class ValueDecodeError(ValueError):
    """The jail's result is not a value we sent it to produce."""

    too_large = False


class ResultTooLarge(ValueDecodeError):
    """A result beyond the size or count bounds (an ``output_limit`` verdict)."""

    too_large = True


class Opaque:
    """A returned object that is not plain data: only its truthiness crossed."""

    __slots__ = ("truth", "type_name")

    def __init__(self, type_name: str, truth: bool):
        self.type_name, self.truth = type_name, truth

    def __bool__(self) -> bool:
        return self.truth

    def __eq__(self, other: object) -> bool:
        return other is self

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<{self.type_name} object (truthy={self.truth})>"


def decode(data: Any, depth: int = 0) -> Any:
    """Rebuild one tagged value (ValueDecodeError on anything we did not send)."""
    if depth > MAX_DEPTH:
        raise ValueDecodeError(f"a value nested more than {MAX_DEPTH} deep")
    if isinstance(data, list):
        return [decode(item, depth + 1) for item in data]
    if data is None or type(data) in (bool, int, float, str):
        return data
    if not isinstance(data, dict) or len(data) != 1:
        raise ValueDecodeError("a tagged value has exactly one key")
    ((tag, inner),) = data.items()
    if tag not in _TAGS:
        raise ValueDecodeError(f"unknown value tag {str(tag)[:40]!r}")
    try:
        return _TAGS[tag](inner, depth + 1)
    except ValueDecodeError:
        raise
    except Exception as exc:  # forged inner data: a bad value, never a crash
        raise ValueDecodeError(f"bad {tag} value: {str(exc)[:200]}") from None


def _int(text: str, _depth: int) -> int:
    if not isinstance(text, str) or len(text) > _MAX_INT_HEX_DIGITS:
        raise ValueError("integer too large or not text")
    return int(text, 16)


def _float(text: str, _depth: int) -> float:
    value = float(text)
    if math.isfinite(value):
        raise ValueError("a finite float travels as a number")
    return value


def _items(inner: Any, depth: int) -> list[Any]:
    if not isinstance(inner, list):
        raise ValueError("expected a list")
    return [decode(item, depth) for item in inner]


def _dict(inner: Any, depth: int) -> dict[Any, Any]:
    if not isinstance(inner, list):
        raise ValueError("expected a list of pairs")
    out = {}
    for pair in inner:
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError("expected a [key, value] pair")
        out[decode(pair[0], depth)] = decode(pair[1], depth)
    return out


def _opaque(inner: Any, _depth: int) -> Opaque:
    if not (isinstance(inner, list) and len(inner) == 2 and isinstance(inner[1], bool)):
        raise ValueError("expected [type name, truth]")
    return Opaque(str(inner[0])[:100], inner[1])


def _complex(inner: Any, _depth: int) -> complex:
    if not (isinstance(inner, list) and len(inner) == 2):
        raise ValueError("expected [real, imag]")
    return complex(float(inner[0]), float(inner[1]))


_TAGS = {
    "$int": _int,
    "$float": _float,
    "$tuple": lambda inner, depth: tuple(_items(inner, depth)),
    "$set": lambda inner, depth: set(_items(inner, depth)),
    "$frozenset": lambda inner, depth: frozenset(_items(inner, depth)),
    "$dict": _dict,
    "$bytes": lambda inner, _depth: bytes.fromhex(inner),
    "$complex": _complex,
    "$opaque": _opaque,
}


def check_bounds(text: str) -> None:
    """Refuse a result before parsing it: too many bytes or too many values."""
    if len(text) > MAX_RESULT_BYTES:
        raise ResultTooLarge(f"result of {len(text)} bytes, beyond {MAX_RESULT_BYTES}")
    values = text.count(",") + text.count("[") + text.count("{")
    if values > MAX_VALUES:
        raise ResultTooLarge(f"result of about {values} values, beyond {MAX_VALUES}")


def loads_bounded(text: str | None) -> Any:
    """Parse JSON from the jail within the bounds; ValueDecodeError otherwise."""
    if not text:
        raise ValueDecodeError("the program produced no return value (it exited early)")
    if not isinstance(text, str):
        raise ValueDecodeError("the result channel held something other than text")
    check_bounds(text)
    try:
        return json.loads(text)
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ValueDecodeError(f"unreadable return value: {str(exc)[:200]}") from None


def decode_result(text: str | None) -> list[Any]:
    """The list of values a call or assert test produced (ValueDecodeError if none)."""
    data = loads_bounded(text)
    if isinstance(data, dict) and set(data) == {"error"}:
        raise ValueDecodeError(str(data["error"])[:300])
    if not isinstance(data, list):
        raise ValueDecodeError("the result channel held something other than our result")
    try:
        return [decode(item) for item in data]
    except RecursionError:  # a deep value in a host already deep in its stack
        raise ValueDecodeError("a value nested too deeply") from None


def encode(value: Any, depth: int = 0) -> Any:
    """Host side of the tags (call arguments sent to the program): exact plain types."""
    if depth > MAX_DEPTH:
        raise ValueError("value nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value if abs(value) < 1 << 53 else {"$int": hex(value)}
    if kind is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if kind is list:
        return [encode(item, depth + 1) for item in value]
    if kind in (tuple, set, frozenset):
        return {"$" + kind.__name__: [encode(item, depth + 1) for item in value]}
    if kind is dict:
        pairs = [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]
        return {"$dict": pairs}
    if kind is bytes:
        return {"$bytes": value.hex()}
    if kind is complex:
        return {"$complex": [value.real, value.imag]}
    raise TypeError(f"a value of type {kind.__name__} is not plain data")
