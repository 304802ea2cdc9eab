"""Sums and products with a symbolic bound: ``\\sum_{k=1}^{n} k`` against ``\\frac{n(n+1)}{2}``.

The reader expands a sum whose bounds are numbers; one with a symbolic bound stays a
``sum``/``prod`` node (bound variable renamed, so the index letter does not matter).
Two values holding such nodes are compared at the first ``len(TRIALS)`` integer values
of the bound variables, where every sum expands to finitely many terms: a closed form
of degree below that count that agrees there is the same polynomial, and a difference
at any trial is a proof of difference. Values beyond this (a bound that is not an
integer expression, huge expansions) are left undecided (None).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from verifiers.math import tree
from verifiers.math.evaluate import fold
from verifiers.math.tree import Node

BIG_OPERATORS = ("sum", "prod")
BOUND = "_bound"
TRIALS = (1, 2, 3, 4, 5, 6, 7, 9)
MAX_TERMS = 200


def has_big_operator(node: Node) -> bool:
    kind = node[0]
    if kind == "f":
        return node[1] in BIG_OPERATORS or any(has_big_operator(a) for a in node[2])
    if kind in ("+", "*"):
        return any(has_big_operator(a) for a in node[1])
    if kind == "^":
        return has_big_operator(node[1]) or has_big_operator(node[2])
    if kind == "!":
        return has_big_operator(node[1])
    return False


def equal(a: Node, b: Node, scalars_equal: Callable[[Node, Node], bool]) -> bool | None:
    """Whether ``a`` and ``b`` agree at every trial value of the sums' bound variables."""
    bound_vars = sorted(_bound_variables(a) | _bound_variables(b))
    if not bound_vars:
        return None
    for t in TRIALS:
        at_a, at_b = a, b
        for name in bound_vars:
            at_a = tree.substitute(at_a, name, tree.num(t))
            at_b = tree.substitute(at_b, name, tree.num(t))
        expanded_a, expanded_b = expand(at_a), expand(at_b)
        if expanded_a is None or expanded_b is None:
            return None
        if not scalars_equal(expanded_a, expanded_b):
            return False
    return True


def _bound_variables(node: Node) -> frozenset[str]:
    kind = node[0]
    if kind == "f":
        found = frozenset().union(*(_bound_variables(a) for a in node[2]))
        if node[1] in BIG_OPERATORS:
            found |= tree.symbols(node[2][1]) | tree.symbols(node[2][2])
        return found - {BOUND}
    if kind in ("+", "*"):
        return frozenset().union(*(_bound_variables(a) for a in node[1]))
    if kind == "^":
        return _bound_variables(node[1]) | _bound_variables(node[2])
    if kind == "!":
        return _bound_variables(node[1])
    return frozenset()


def expand(node: Node) -> Node | None:
    """Every sum/product with integer bounds written out; None when one cannot be."""
    kind = node[0]
    if kind in ("+", "*"):
        parts = _expand_all(node[1])
        if parts is None:
            return None
        return tree.add(parts) if kind == "+" else tree.mul(parts)
    if kind == "^":
        base, exponent = expand(node[1]), expand(node[2])
        return None if base is None or exponent is None else tree.power(base, exponent)
    if kind == "!":
        inner = expand(node[1])
        return None if inner is None else ("!", inner)
    if kind != "f":
        return node
    args = _expand_all(node[2])
    if args is None:
        return None
    if node[1] not in BIG_OPERATORS:
        return ("f", node[1], tuple(args))
    body, lo, hi = args
    lo_v, hi_v = fold(lo), fold(hi)
    if lo_v[0] != "n" or hi_v[0] != "n" or lo_v[1].denominator != 1 or hi_v[1].denominator != 1:
        return None
    count = int(hi_v[1]) - int(lo_v[1]) + 1
    if count > MAX_TERMS:
        return None
    if count <= 0:  # an empty sum is 0, an empty product 1
        return tree.num(0 if node[1] == "sum" else 1)
    terms = [
        tree.substitute(body, BOUND, tree.num(k)) for k in range(int(lo_v[1]), int(hi_v[1]) + 1)
    ]
    return tree.add(terms) if node[1] == "sum" else tree.mul(terms)


def _expand_all(nodes: Iterable[Node]) -> list[Node] | None:
    """Every node expanded, or None when one cannot be (typed: a list without None)."""
    expanded = [expand(n) for n in nodes]
    return None if any(e is None for e in expanded) else [e for e in expanded if e is not None]
