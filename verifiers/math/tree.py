"""The expression tree the parser builds and every later stage reads.

Nodes are plain tuples so they hash, pickle and compare for free, which is what
the gold cache and the structural-equality fast path need:

- ``("n", Fraction)``: an exact number;
- ``("s", name)``: a variable; ``("c", name)``: a constant (``pi``, ``e``, ``i``, ``inf``);
- ``("+", (terms...))``, ``("*", (factors...))``: flattened, arguments sorted;
- ``("^", base, exponent)``; ``("!", n)``: factorial;
- ``("f", name, (args...))``: a function (``sqrt``, ``sin``, ``log``, ``abs``, ...).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

Node = tuple[Any, ...]

# Exact products and sums are folded only while their operands stay this small,
# so a product of many huge powers cannot turn into megadigit arithmetic.
FOLD_DIGITS = 40_000

MINUS_ONE: Node = ("n", Fraction(-1))


def num(value: int | Fraction) -> Node:
    return ("n", Fraction(value))


def neg(node: Node) -> Node:
    if node[0] == "n":
        return ("n", -node[1])
    return mul([MINUS_ONE, node])


def add(terms: list[Node]) -> Node:
    return _assoc("+", terms, Fraction(0), lambda a, b: a + b)


def mul(factors: list[Node]) -> Node:
    return _assoc("*", factors, Fraction(1), lambda a, b: a * b)


def div(top: Node, bottom: Node) -> Node:
    if bottom[0] == "n" and bottom[1] != 0:
        return mul([top, ("n", 1 / bottom[1])])
    return mul([top, ("^", bottom, MINUS_ONE)])


def power(base: Node, exponent: Node) -> Node:
    return ("^", base, exponent)


def func(name: str, *args: Node) -> Node:
    return ("f", name, tuple(args))


def _assoc(op: str, items: list[Node], unit: Fraction, combine: Any) -> Node:
    """Flatten nested ``op`` nodes, fold the exact numbers, sort the rest.

    Folding and sorting make ``2x`` and ``x \\cdot 2`` the same tree, so most
    equal answers are caught by tuple equality before any arithmetic.
    """
    flat: list[Node] = []
    for item in items:
        flat.extend(item[1] if item[0] == op else (item,))
    constant = unit
    rest: list[Node] = []
    for item in flat:
        if item[0] == "n" and _digits(constant) + _digits(item[1]) < FOLD_DIGITS:
            constant = combine(constant, item[1])
        else:
            rest.append(item)  # a number too big to fold stays a factor / term
    if op == "*" and constant == 0 and not any(has_constant(r, "inf") for r in rest):
        return ("n", Fraction(0))  # but 0 * infinity is no number
    if constant != unit or not rest:
        rest.append(("n", constant))
    if len(rest) == 1:
        return rest[0]
    return (op, tuple(sorted(rest, key=repr)))


def _digits(value: Fraction) -> float:
    return max(abs(value.numerator), value.denominator).bit_length() * 0.30103


def symbols(node: Node) -> frozenset[str]:
    """The variable names a tree mentions."""
    kind = node[0]
    if kind == "s":
        return frozenset({node[1]})
    if kind in ("+", "*"):
        return frozenset().union(*(symbols(a) for a in node[1]))
    if kind == "^":
        return symbols(node[1]) | symbols(node[2])
    if kind == "!":
        return symbols(node[1])
    if kind == "f":
        return frozenset().union(*(symbols(a) for a in node[2]))
    return frozenset()


def size(node: Node) -> int:
    """Number of nodes: the depth/size guard reads this before any evaluation."""
    kind = node[0]
    if kind in ("+", "*"):
        return 1 + sum(size(a) for a in node[1])
    if kind == "^":
        return 1 + size(node[1]) + size(node[2])
    if kind == "!":
        return 1 + size(node[1])
    if kind == "f":
        return 1 + sum(size(a) for a in node[2])
    return 1


def has_constant(node: Node, name: str) -> bool:
    kind = node[0]
    if kind == "c":
        return node[1] == name
    if kind in ("+", "*"):
        return any(has_constant(a, name) for a in node[1])
    if kind == "^":
        return has_constant(node[1], name) or has_constant(node[2], name)
    if kind == "!":
        return has_constant(node[1], name)
    if kind == "f":
        return any(has_constant(a, name) for a in node[2])
    return False


def substitute(node: Node, name: str, value: Node) -> Node:
    """``node`` with the variable ``name`` replaced by ``value`` (sums re-folded).

    ``i`` and ``e`` are read as constants; as the bound variable of a sum they are
    the variable, so they are replaced too."""
    kind = node[0]
    if kind == "s" or (kind == "c" and name in ("i", "e")):
        return value if node[1] == name else node
    if kind == "+":
        return add([substitute(a, name, value) for a in node[1]])
    if kind == "*":
        return mul([substitute(a, name, value) for a in node[1]])
    if kind == "^":
        return power(substitute(node[1], name, value), substitute(node[2], name, value))
    if kind == "!":
        return ("!", substitute(node[1], name, value))
    if kind == "f":
        return ("f", node[1], tuple(substitute(a, name, value) for a in node[2]))
    return node
