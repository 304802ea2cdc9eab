"""Return values cross from a test process to the host (and the judge) as tagged JSON.

Part of the runner script (see ``zygote.py``). JSON has no tuple, set, bytes,
non-string key, big int or inf/nan: those travel as one-key objects
(``{"$tuple": [...]}``) that ``sandbox.values`` rebuilds. A subclass of a
plain type (``Counter``, a namedtuple, ``OrderedDict``, an int with a lying
``__eq__``) is read through its base type's own methods and sent as that
plain type, so whatever it overrides never runs and never counts. Anything
else is opaque: only ``bool(value)`` crosses (evaluated here, where the
object lives), as ``{"$opaque": [type name, truth]}``.
"""

MAX_DEPTH = 100


class NotPlain(TypeError):
    """A value (an argument) that cannot cross as plain data."""


def encode(value, depth=0, opaque=True):
    """Tagged JSON of a value; ``opaque=False`` refuses what is not plain data."""
    if depth > MAX_DEPTH:
        raise ValueError("value nested too deeply")
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return value if -(1 << 53) < value < 1 << 53 else {"$int": hex(value)}
    if kind is float:
        return value if value - value == 0 else {"$float": repr(value)}
    if kind is list:
        return [encode(item, depth + 1, opaque) for item in value]
    plain = _plain(value)
    if plain is not _NOT_PLAIN:
        return encode(plain, depth, opaque)
    if kind in (tuple, set, frozenset):
        return {"$" + kind.__name__: [encode(item, depth + 1, opaque) for item in value]}
    if kind is dict:
        pairs = [
            [encode(k, depth + 1, opaque), encode(v, depth + 1, opaque)] for k, v in value.items()
        ]
        return {"$dict": pairs}
    if kind is bytes:
        return {"$bytes": value.hex()}
    if kind is complex:
        return {"$complex": [value.real, value.imag]}
    if not opaque:
        raise NotPlain(f"a value of type {kind.__name__} cannot cross the process boundary")
    return {"$opaque": [kind.__name__, bool(value)]}


_NOT_PLAIN = object()
_PLAIN_TYPES = (bool, int, float, str, bytes, list, tuple, dict, set, frozenset, complex)


def _plain(value):
    """An exact plain copy of a subclass instance, through the base type's methods."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return _NOT_PLAIN
    if isinstance(value, bool):
        return bool.__bool__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bytes):
        return bytes(memoryview(value))
    if isinstance(value, list):
        return list(list.__iter__(value))
    if isinstance(value, tuple):
        return tuple(tuple.__iter__(value))
    if isinstance(value, dict):
        return dict(dict.items(value))
    if isinstance(value, frozenset):
        return frozenset(frozenset.__iter__(value))
    if isinstance(value, set):
        return set(set.__iter__(value))
    if isinstance(value, complex):
        return complex(
            complex.__getattribute__(value, "real"), complex.__getattribute__(value, "imag")
        )
    return _NOT_PLAIN


class Opaque:
    """In the judge: a program's object of which only the truthiness crossed."""

    __slots__ = ("truth", "type_name")

    def __init__(self, type_name, truth):
        self.type_name, self.truth = type_name, truth

    def __bool__(self):
        return self.truth

    def __eq__(self, other):
        return other is self

    __hash__ = object.__hash__

    def __repr__(self):
        return f"<{self.type_name} object (truthy={self.truth})>"


def decode(data, depth=0):
    if depth > MAX_DEPTH:
        raise ValueError("value nested too deeply")
    if isinstance(data, list):
        return [decode(item, depth + 1) for item in data]
    if not isinstance(data, dict):
        return data
    if len(data) != 1:
        raise ValueError("a tagged value has exactly one key")
    ((tag, inner),) = data.items()
    if tag == "$int":
        return int(inner, 16)
    if tag == "$float":
        return float(inner)
    if tag == "$tuple":
        return tuple(decode(item, depth + 1) for item in inner)
    if tag in ("$set", "$frozenset"):
        items = (decode(item, depth + 1) for item in inner)
        return set(items) if tag == "$set" else frozenset(items)
    if tag == "$dict":
        return {decode(k, depth + 1): decode(v, depth + 1) for k, v in inner}
    if tag == "$bytes":
        return bytes.fromhex(inner)
    if tag == "$complex":
        return complex(*inner)
    if tag == "$opaque":
        return Opaque(str(inner[0])[:100], bool(inner[1]))
    raise ValueError(f"unknown tag {tag}")
