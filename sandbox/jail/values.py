"""Return values cross from a test process to the host as tagged JSON.

Part of the runner script (see ``zygote.py``). Exact type checks on purpose:
a subclass (an int whose ``__eq__`` always says True) is not plain data. JSON
has no tuple, set, bytes, non-string key, big int or inf/nan: those travel as
one-key objects (``{"$tuple": [...]}``) that ``sandbox.values`` rebuilds.
"""


def encode(value, depth=0):
    if depth > 200:
        raise ValueError("return value nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value if abs(value) < 1 << 53 else {"$int": hex(value)}
    if kind is float:
        return (
            value
            if value == value and value not in (float("inf"), -float("inf"))
            else {"$float": repr(value)}
        )
    if kind is list:
        return [encode(item, depth + 1) for item in value]
    if kind in (tuple, set, frozenset):
        items = [encode(item, depth + 1) for item in value]
        return {"$" + kind.__name__: items}
    if kind is dict:
        return {"$dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    if kind is bytes:
        return {"$bytes": value.hex()}
    if kind is complex:
        return {"$complex": [value.real, value.imag]}
    raise TypeError(f"return value of type {kind.__name__} is not plain data")


def decode(data):
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    ((tag, inner),) = data.items()
    if tag == "$int":
        return int(inner, 16)
    if tag == "$float":
        return float(inner)
    if tag == "$tuple":
        return tuple(decode(item) for item in inner)
    if tag in ("$set", "$frozenset"):
        items = (decode(item) for item in inner)
        return set(items) if tag == "$set" else frozenset(items)
    if tag == "$dict":
        return {decode(k): decode(v) for k, v in inner}
    if tag == "$bytes":
        return bytes.fromhex(inner)
    if tag == "$complex":
        return complex(*inner)
    raise ValueError(f"unknown tag {tag}")
