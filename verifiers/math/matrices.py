"""Matrix arithmetic in an answer: ``A + B``, ``2A``, ``AB`` written out with literal matrices.

A model sometimes leaves a sum like ``\\begin{pmatrix}1&2\\end{pmatrix} +
\\begin{pmatrix}3&4\\end{pmatrix}`` as its answer. The sums, scalar multiples and products
are computed cell by cell on expression trees (exact where the cells are), so the
result compares like any matrix.
What is not a plain sum of products of matrices and scalars is refused (``ParseError``).
"""

from __future__ import annotations

import re

from verifiers.math import tree
from verifiers.math.latex import ParseError, parse_expression
from verifiers.math.tree import Node

Rows = tuple[tuple[Node, ...], ...]

_ENV = re.compile(r"\\begin\{([pbvBV]?matrix|array)\}(?:\{[^{}]*\})?(.*?)\\end\{\1\}", re.DOTALL)
_MARK = "\x00"
_TIMES = re.compile(r"^\s*(?:\\cdot|\\times|\*)?\s*$")
MAX_CELLS = 400


def parse_rows(body: str) -> Rows:
    """The cells of one matrix body (``1 & 2 \\\\ 3 & 4``)."""
    rows = [r for r in re.split(r"\\\\(?:\[[^\]]*\])?", body) if r.strip()]
    parsed = tuple(tuple(parse_expression(c.strip()) for c in r.split("&")) for r in rows)
    if not parsed or len({len(r) for r in parsed}) != 1:
        raise ParseError("ragged matrix")
    if sum(len(r) for r in parsed) > MAX_CELLS:
        raise ParseError("matrix too large")
    return parsed


def matrix_expression(text: str) -> Rows | None:
    """The matrix ``text`` computes, or None when it is not arithmetic on matrices."""
    found = list(_ENV.finditer(text))
    if not found or "=" in _ENV.sub("", text):
        return None
    if len(found) == 1:  # one matrix: only a scalar multiple (2A) is arithmetic
        before, after = text[: found[0].start()].strip(), text[found[0].end() :].strip()
        if not before or after or before.endswith(("(", "[", r"\{")):
            return None
    matrices = [parse_rows(m.group(2)) for m in found]
    marked = _ENV.sub(_MARK, text)
    marked = re.sub(r"\\left|\\right", "", marked)
    result: Rows | None = None
    index = 0  # the matrices are consumed in order, term by term
    for sign, term in _terms(marked):
        value = _product(term, matrices, index)
        index += term.count(_MARK)
        if sign < 0:
            value = _scale(value, tree.MINUS_ONE)
        result = value if result is None else _add(result, value)
    return result


def _terms(text: str) -> list[tuple[int, str]]:
    """Top-level ``+``/``-`` terms with their signs (brackets and braces respected)."""
    terms: list[tuple[int, str]] = []
    depth, start, sign = 0, 0, 1
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch in "+-" and depth == 0:
            head = text[start:i]
            if head.strip():
                terms.append((sign, head))
                sign = 1 if ch == "+" else -1
            else:
                sign = sign * (1 if ch == "+" else -1)  # a leading sign
            start = i + 1
    terms.append((sign, text[start:]))
    if any(not t.strip() for _, t in terms):
        raise ParseError("an empty term in a matrix expression")
    return terms


def _product(term: str, matrices: list[Rows], index: int) -> Rows:
    pieces = term.split(_MARK)
    if len(pieces) < 2:
        raise ParseError("a scalar term added to a matrix")
    scalar_text = pieces[0].strip()
    if scalar_text:
        scalar_text = re.sub(r"(?:\\cdot|\\times|\*)\s*$", "", scalar_text).strip()
    if any(not _TIMES.match(p) for p in pieces[1:]):
        raise ParseError("a matrix product this reader does not understand")
    value = matrices[index]
    for k in range(1, len(pieces) - 1):
        value = _multiply(value, matrices[index + k])
    if scalar_text:
        value = _scale(value, parse_expression(scalar_text))
    return value


def _scale(rows: Rows, factor: Node) -> Rows:
    return tuple(tuple(tree.mul([factor, c]) for c in row) for row in rows)


def _add(a: Rows, b: Rows) -> Rows:
    if len(a) != len(b) or len(a[0]) != len(b[0]):
        raise ParseError("matrices of different shapes added")
    return tuple(
        tuple(tree.add([x, y]) for x, y in zip(ra, rb, strict=True))
        for ra, rb in zip(a, b, strict=True)
    )


def _multiply(a: Rows, b: Rows) -> Rows:
    if len(a[0]) != len(b):
        raise ParseError("matrix product of incompatible shapes")
    return tuple(
        tuple(
            tree.add([tree.mul([a[i][k], b[k][j]]) for k in range(len(b))])
            for j in range(len(b[0]))
        )
        for i in range(len(a))
    )
