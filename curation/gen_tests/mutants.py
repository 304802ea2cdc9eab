"""Wrong programs made from a reference, to measure how strict a test set is.

Classic mutation operators, one change per mutant: off-by-one on integer
constants, boundary flips of comparisons (``<`` / ``<=``), negated equality
and membership,
swapped ``+``/``-`` and ``and``/``or``, and dropped cases (an ``if`` without
``else`` removed, a branch's condition made false). Some mutants are
equivalent to the reference (no test can kill them); the strength report
counts them as survivors for the original and the extended tests alike, so
the comparison between the two stays fair.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator

_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_BINOPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
}


def make_mutants(program: str, limit: int) -> list[tuple[str, str]]:
    """Up to ``limit`` (operator, source) mutants, spread over the program's sites."""
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError):
        return []
    original = ast.unparse(tree)
    sites = list(_sites(tree))
    step = max(1, len(sites) // max(1, limit)) if limit else len(sites) + 1
    chosen = sites[::step][:limit]
    mutants: dict[str, str] = {}
    for operator, path, change in chosen:
        mutated = copy.deepcopy(tree)
        node = _follow(mutated, path)
        if change(node):
            source = ast.unparse(ast.fix_missing_locations(mutated))
            if source != original:
                mutants.setdefault(source, operator)
    return [(op, src) for src, op in mutants.items()]


Site = tuple[str, tuple[tuple[str, int | None], ...], Callable[[ast.AST], bool]]


def _sites(tree: ast.Module) -> Iterator[Site]:
    """Every place one operator applies, as a path to the node and the change."""
    for path, node in _walk(tree, ()):
        if _is_docstring_like(node):
            continue
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _FLIPS:
            yield "boundary_flip", path, _flip_compare
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            yield "off_by_one_plus", path, _shift(1)
            yield "off_by_one_minus", path, _shift(-1)
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            yield "swap_arithmetic", path, _swap_binop
        elif isinstance(node, ast.BoolOp):
            yield "swap_and_or", path, _swap_boolop
        elif isinstance(node, ast.If):
            yield "drop_case", path, _drop_case


def _walk(
    node: ast.AST, path: tuple[tuple[str, int | None], ...]
) -> Iterator[tuple[tuple[tuple[str, int | None], ...], ast.AST]]:
    yield path, node
    for field, value in ast.iter_fields(node):
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield from _walk(item, (*path, (field, index)))
        elif isinstance(value, ast.AST):
            yield from _walk(value, (*path, (field, None)))


def _follow(tree: ast.AST, path: tuple[tuple[str, int | None], ...]) -> ast.AST:
    node = tree
    for field, index in path:
        value = getattr(node, field)
        node = value[index] if index is not None else value
    return node


def _is_docstring_like(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _flip_compare(node: ast.AST) -> bool:
    assert isinstance(node, ast.Compare)
    node.ops[0] = _FLIPS[type(node.ops[0])]()
    return True


def _shift(delta: int) -> Callable[[ast.AST], bool]:
    def change(node: ast.AST) -> bool:
        assert isinstance(node, ast.Constant)
        node.value = node.value + delta
        return True

    return change


def _swap_binop(node: ast.AST) -> bool:
    assert isinstance(node, ast.BinOp)
    node.op = _BINOPS[type(node.op)]()
    return True


def _swap_boolop(node: ast.AST) -> bool:
    assert isinstance(node, ast.BoolOp)
    node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    return True


def _drop_case(node: ast.AST) -> bool:
    """Without an ``else``: the case is gone (``if False``); with one: always take the else."""
    assert isinstance(node, ast.If)
    node.test = ast.Constant(False)
    return True
