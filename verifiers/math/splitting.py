"""Cut answer text at the top level: list separators, relations, unions.

Every split here ignores what is inside brackets, so ``(1, 2), (3, 4)`` is two
points and ``f(x, y) = 0`` is one relation.
"""

from __future__ import annotations

import re

from verifiers.math.latex import ParseError

_REL_OPS = [
    (r"\leqslant", "<="),
    (r"\geqslant", ">="),
    (r"\leq", "<="),
    (r"\geq", ">="),
    (r"\neq", "!="),
    (r"\le", "<="),
    (r"\ge", ">="),
    (r"\ne", "!="),
    (r"\lt", "<"),
    (r"\gt", ">"),
    (r"\in", "in"),
    ("<=", "<="),
    (">=", ">="),
    ("!=", "!="),
    ("=", "="),
    ("<", "<"),
    (">", ">"),
]
_SEPARATORS = re.compile(
    r"\s*(?:,|;|\bor\b|\band\b|\\lor|\\land|\\wedge|\\vee|\\text\{\s*or\s*\}|或|和|及|且|或者|\\quad)\s*"
)
_OPENERS, _CLOSERS = "([{", ")]}"


def split_relation(text: str) -> tuple[list[str], list[str]]:
    """``1 < x \\le 3`` -> ``(["1 ", " x ", " 3"], ["<", "<="])``; no ops when no relation."""
    pieces: list[str] = []
    ops: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth -= 1
        elif depth == 0:
            for token, op in _REL_OPS:
                if text.startswith(token, i) and not (
                    token[0] == "\\" and text[i + len(token) : i + len(token) + 1].isalpha()
                ):
                    pieces.append(text[start:i])
                    ops.append(op)
                    i += len(token)
                    start = i
                    break
            else:
                i += 1
                continue
            continue
        i += 1
    pieces.append(text[start:])
    if any(not p.strip() for p in pieces):
        raise ParseError("a relation with an empty side")
    return pieces, ops


def encloses(text: str) -> bool:
    """Whether the opening bracket at 0 closes at the very end of ``text``."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth -= 1
            if depth == 0 and i < len(text) - 1:
                return False
    return depth == 0


def split_items(text: str) -> list[str]:
    """Split on list separators (comma, ``or``, ``and``, ...) outside brackets."""
    pieces, depth, start = [], 0, 0
    for m in re.finditer(r"[()\[\]{}]|" + _SEPARATORS.pattern, text):
        token = m.group(0)
        if token in _OPENERS:
            depth += 1
        elif token in _CLOSERS:
            depth -= 1
        elif depth == 0:
            pieces.append(text[start : m.start()])
            start = m.end()
    pieces.append(text[start:])
    pieces = [p.strip() for p in pieces]
    if len(pieces) > 1 and any(not p for p in pieces):
        pieces = [p for p in pieces if p]
    return pieces


def split_top(text: str, token: str) -> list[str]:
    """Split on ``token`` (``\\cup``) outside brackets."""
    pieces, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth -= 1
        elif depth == 0 and text.startswith(token, i):
            pieces.append(text[start:i])
            i += len(token)
            start = i
            continue
        i += 1
    pieces.append(text[start:])
    return [p.strip() for p in pieces]
