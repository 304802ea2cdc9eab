"""Read a normalised answer into what it denotes: a value, a set, an interval...

The same characters can mean different things (``(1, 2)`` is an ordered pair
or an open interval; ``1,234`` a number or a two-item list), so ``read_answer``
returns every reasonable reading and the comparison accepts a match with any
of them. Readings are frozen dataclasses, so parsed golds can be cached.
"""

from __future__ import annotations

import dataclasses
import re
from fractions import Fraction
from functools import lru_cache
from typing import TypeGuard

from verifiers.math import tree
from verifiers.math.approximate import decimal_literal
from verifiers.math.intervals import (
    INF,
    NEG_INF,
    Interval,
    IntervalUnion,
    intersect,
    intervals_from_relation,
    remove_points,
)
from verifiers.math.latex import ParseError, parse_expression
from verifiers.math.matrices import matrix_expression, parse_rows
from verifiers.math.normalize import has_thousands_commas, normalize
from verifiers.math.splitting import encloses, split_items, split_relation, split_top
from verifiers.math.text import (
    canonical_text,
    is_wordy,
    option_letters,
    option_text,
    synonym_class,
)
from verifiers.math.tree import Node

MAX_ITEMS = 64


@dataclasses.dataclass(frozen=True)
class Scalar:
    """One value; ``percent`` when written with a ``%`` sign (read as x or x/100);
    ``literal`` is the numeral when written as a plain decimal (``4.1231``), which
    the approximate-value policy reads (see ``approximate``)."""

    node: Node
    percent: bool = False
    literal: str | None = None


@dataclasses.dataclass(frozen=True)
class Relation:
    """``a = b``, ``1 < x \\le 3``: sides and the operators between them.

    ``named[k]`` says side k is a bare name (``x``, ``a_1``, ``f(x)``), the
    thing a model puts in front of its value.
    """

    sides: tuple[Node, ...]
    ops: tuple[str, ...]
    named: tuple[bool, ...]

    @property
    def is_equation(self) -> bool:
        return all(op == "=" for op in self.ops)


@dataclasses.dataclass(frozen=True)
class Items:
    """Several answers: ``ordered`` for tuples, unordered for sets and lists.

    ``braced`` marks a written set ``\\{...\\}`` or tuple ``(...)`` as opposed
    to a bare list ``1, 2``.
    """

    items: tuple[Answer, ...]
    ordered: bool
    braced: bool = False


@dataclasses.dataclass(frozen=True)
class Matrix:
    rows: tuple[tuple[Node, ...], ...]


@dataclasses.dataclass(frozen=True)
class Text:
    """A word answer: canonical spelling plus its synonym group, if any."""

    words: str
    synonym: str | None = None
    parsed: bool = True


@dataclasses.dataclass(frozen=True)
class Choice:
    """Option letter(s), with the option text when one letter came with it."""

    letters: frozenset[str]
    text: str | None = None


Answer = Scalar | Relation | Interval | IntervalUnion | Items | Matrix | Text | Choice


def _all_scalars(items: tuple[Answer, ...]) -> TypeGuard[tuple[Scalar, ...]]:
    """Every item a ``Scalar`` (a guard: ``all(isinstance(...))`` does not narrow the tuple)."""
    return all(isinstance(i, Scalar) for i in items)


_NAME = re.compile(
    r"^(?:[a-zA-Z]|\\[a-zA-Z]+)(?:_\{?[a-zA-Z0-9]+\}?)?(?:\^\{?(?:\*|-1)\}?)?(?:\(\s*[a-z](?:\s*,\s*[a-z])*\s*\))?$"
)
_QUANTITY_NAME = re.compile(
    r"^(?:[A-Z]{1,5}(?:_\{?[A-Za-z0-9]+\}?)?"  # AB, ABC, S_1: segments, areas, points
    r"|\|\s*[A-Z]{1,3}\s*\||\\overline\s*\{\s*[A-Z]{2,3}\s*\}"  # |AB|, \overline{AB}
    r"|[A-Za-z]_\{[^{}=<>]{1,24}\}"  # S_{\triangle ABC}, V_{\text{cone}}
    r"|[fghFGHPQ](?:\^\{?-1\}?)?\(\s*[-\w\\{}./ ]{1,20}\s*\))$"  # f(2), g(\frac{1}{2})
)
_DECORATED = re.compile(
    r"^\\(?:vec|overrightarrow|hat|bar)\s*(?:\{\s*([a-zA-Z]|[A-Z]{2,3})\s*\}|([a-zA-Z]))"
)
_MATRIX = re.compile(
    r"^[\[(]?\s*\\begin\{([a-zA-Z]*matrix|array)\}(?:\{[^{}]*\})?(.*?)\\end\{\1\}\s*[\])]?$",
    re.DOTALL,
)
# ``\{x \mid x > 2\}``: the condition is the answer.
_SET_BUILDER = re.compile(r"^[a-zA-Z]\s*(?:\\mid|\||:|\\colon)\s*(.+)$")
_FRENCH_INTERVAL = re.compile(r"^(\]|\[)\s*([^\[\],]+?)\s*,\s*([^\[\],]+?)\s*(\[|\])$")
_AND = re.compile(r"\band\b|且|\\land|\\wedge")
_OR = re.compile(r"\bor\b|或|\\lor|\\vee|,|;")
_CLOCK_OR_RATIO = re.compile(r"^(\d{1,2})\s*:\s*(\d{2})$")
_RATIO = re.compile(r"^(?!\d{1,2}:\d{2}\b)([^:=<>]+?)\s*:\s*([^:=<>]+)$")  # not a clock time


_DECIMAL_COMMA = re.compile(r"^\s*\$?\s*(-?\d+),(?!\d{3}\b)(\d+)\s*\$?\s*$")


@lru_cache(maxsize=8192)
def read_answer(
    raw: str, *, as_prediction: bool = False, decimal_comma: bool = False
) -> tuple[Answer, ...]:
    """Every reasonable reading of ``raw``; empty when none (cached: golds repeat).

    A gold ``1,234`` is the number 1234. A predicted ``10,100`` may also be the
    list 10, 100 (``as_prediction``), matched only against a gold that is a list.
    ``decimal_comma`` reads ``3,5`` as 3.5, only where that is the sole reading of a
    single number (never a thousands group like ``1,234``).
    """
    if decimal_comma:
        raw = _DECIMAL_COMMA.sub(r"\1.\2", raw)
    text = normalize(raw)
    if not text:
        return ()
    readings = _readings(text)
    clock = _CLOCK_OR_RATIO.match(text) if as_prediction else None
    if clock and int(clock.group(2)):  # 7:32 is a time of day or a ratio: both readings
        readings += (Scalar(tree.num(Fraction(int(clock.group(1)), int(clock.group(2))))),)
    if as_prediction and has_thousands_commas(_strip_delims(raw)):
        listed = normalize(raw, join_commas=False)
        readings += tuple(r for r in _readings(listed) if r not in readings)
    return readings


def _strip_delims(raw: str) -> str:
    return raw.replace("$", " ")


def _readings(text: str) -> tuple[Answer, ...]:
    text = _exact_part(text)
    synonym = synonym_class(text)
    if synonym is not None:
        return (Text(canonical_text(text), synonym),)
    letters = option_letters(text)
    readings: list[Answer] = []
    if letters is not None:
        readings.append(Choice(letters, option_text(text) if len(letters) == 1 else None))
    try:
        readings.extend(_structure(text, depth=0))
    except ParseError:
        if not readings:
            readings.append(Text(canonical_text(text), None, parsed=is_wordy(text)))
    return tuple(readings)


def _exact_part(text: str) -> str:
    """``\\frac{2}{3} \\approx 0.667``: the exact value is the answer."""
    if r"\approx" not in text:
        return text
    head, _, tail = text.partition(r"\approx")
    if not head.strip() or _is_name(head):  # "x \approx 11": the name's value
        return tail.strip()
    return head.strip()


def _structure(text: str, depth: int) -> list[Answer]:
    if depth > 6:
        raise ParseError("answer nested too deeply")
    text = text.strip()
    if r"\begin" in text:
        computed = matrix_expression(text)  # A + B, 2A, AB written with literal matrices
        if computed is not None:
            return [Matrix(computed)]
    matrix = _MATRIX.match(text)
    if matrix:
        return [_matrix(matrix.group(2))]
    if r"\pm" in text or r"\mp" in text:
        return [_plus_minus(text, depth)]
    if text.startswith(r"\{") and text.endswith(r"\}") and encloses(text):
        inner = text[2:-2].strip()
        builder = _SET_BUILDER.match(inner)
        if builder:
            return _structure(builder.group(1), depth + 1)
        items = [] if not inner else [_single(p, depth) for p in split_items(inner)]
        return [Items(tuple(items), ordered=False, braced=True)]
    if text.startswith("{") and text.endswith("}") and encloses(text):
        members = split_items(text[1:-1])  # {1, 3}: a set written without escaped braces
        if len(members) > 1:
            return [Items(tuple(_single(p, depth) for p in members), ordered=False, braced=True)]
    groups = _named_groups(text, depth)
    if groups is not None:
        return [groups]
    text = _FRENCH_INTERVAL.sub(_standard_brackets, text)
    difference = split_top(text, r"\setminus")
    if len(difference) == 2:
        return [_set_difference(difference[0], difference[1])]
    unions = split_top(text, r"\cup")
    if len(unions) > 1:
        return [_union([_structure(p, depth + 1) for p in unions])]
    parts = split_items(text)
    if len(parts) > 1:
        return _list(parts, depth, conjunction=bool(_AND.search(text)) and not _OR.search(text))
    if text[:1] in "([" and text[-1:] in ")]" and encloses(text):
        entries = split_items(text[1:-1])
        if len(entries) > 1:
            return _bracketed(text, entries, depth)
    relation = _relation(text)
    if relation is not None:
        return relation
    return [_scalar(text)]


def _named_groups(text: str, depth: int) -> Items | None:
    """``p=5,q=2;p=7,q=2``: solutions separated by ``;``, each naming its coordinates,
    read as a set of tuples ((5, 2), (7, 2))."""
    if ";" not in text:
        return None
    groups = [g for g in split_top(text, ";") if g]
    if len(groups) < 2:
        return None
    tuples: list[Answer] = []
    for group in groups:
        parts = split_items(group)
        if len(parts) < 2:
            return None
        items = tuple(_single(p, depth) for p in parts)
        names = [i.sides[0] for i in items if isinstance(i, Relation) and i.named[0]]
        if len(names) != len(items) or len(set(names)) != len(names):
            return None
        tuples.append(Items(items, ordered=True, braced=True))
    return Items(tuple(tuples), ordered=False)


def _labelled(left: str, right: str, depth: int) -> list[Answer] | None:
    """A gold that names what it gives: ``(p, q) = (3, 2)`` is p = 3, q = 2 (in order);
    ``V_1 : V_2 = 11 : 21`` and ``S_{MBCN} : S = 7 : 32`` are the ratio on the right."""
    left = left.strip()
    fraction = _NAMED_FRACTION.match(left)
    if fraction and all(_is_name(n) or _POINTS_NAME.match(n) for n in fraction.groups()):
        return _structure(right, depth + 1)  # \frac{NO}{BO} = \frac{1}{\sqrt6}: the ratio
    if left[:1] == "(" and left[-1:] == ")" and encloses(left):
        names = split_items(left[1:-1])
        if len(names) < 2 or not all(_is_name(n) for n in names):
            return None
        if len(split_items(right)) > 1:  # (x, y) = (5, 8), (8, 5): the solutions listed
            return _structure(right, depth + 1)
        for reading in _structure(right, depth + 1):
            if isinstance(reading, Items) and reading.ordered and len(reading.items) == len(names):
                if not _all_scalars(reading.items):
                    return None
                named = tuple(
                    Relation((parse_expression(n), i.node), ("=",), (True, False))
                    for n, i in zip(names, reading.items, strict=True)
                )
                return [Items(named, ordered=True, braced=True)]
        return None
    terms = left.split(":")
    if len(terms) >= 2 and all(_is_name(t) or _POINTS_NAME.match(t.strip()) for t in terms):
        values = right.split(":")
        if len(values) == 2:  # 7:32 is a ratio here, never a clock time
            top, bottom = parse_expression(values[0]), parse_expression(values[1])
            return [Scalar(tree.div(top, bottom))]
        return _structure(right, depth + 1)
    return None


_NAMED_FRACTION = re.compile(r"^\\frac\s*\{([^{}]+)\}\s*\{([^{}]+)\}$")
_POINTS_NAME = re.compile(r"^[A-Z]{1,5}(?:_\{?[A-Za-z0-9]+\}?)?$")  # AB, MBCN: segments, areas


def _standard_brackets(m: re.Match[str]) -> str:
    """``]1, 2]`` -> ``(1, 2]``; ``[1, 2[`` -> ``[1, 2)`` (the French notation)."""
    if m.group(1) == "[" and m.group(4) == "]":
        return m.group(0)  # the standard closed interval
    opener = "[" if m.group(1) == "[" else "("
    closer = "]" if m.group(4) == "]" else ")"
    return f"{opener}{m.group(2)}, {m.group(3)}{closer}"


def _set_difference(left: str, right: str) -> Answer:
    """``\\mathbb{R} \\setminus \\{0\\}``, ``(0, 2) \\setminus \\{1\\}``: intervals minus points."""
    base: IntervalUnion | None = None
    for reading in _readings(left.strip()):
        if isinstance(reading, Text) and reading.synonym == "reals":
            base = IntervalUnion((Interval(NEG_INF, INF, False, False),))
        elif isinstance(reading, (Interval, IntervalUnion)):
            base = reading if isinstance(reading, IntervalUnion) else IntervalUnion((reading,))
        if base is not None:
            break
    removed = next((r for r in _readings(right.strip()) if isinstance(r, Items)), None)
    if base is None or removed is None or not _all_scalars(removed.items):
        raise ParseError("a set difference this reader does not understand")
    result = remove_points(base, [i.node for i in removed.items])
    if result is None:
        raise ParseError("a set difference with symbolic points")
    return result


def _single(text: str, depth: int) -> Answer:
    return _structure(text, depth + 1)[0]


def _scalar(text: str) -> Answer:
    ratio = _RATIO.match(text)
    if ratio and not is_wordy(text):
        top, bottom = parse_expression(ratio.group(1)), parse_expression(ratio.group(2))
        return Scalar(tree.div(top, bottom) if bottom[0] != "n" or bottom[1] else top)
    percent = text.endswith("%")
    body = text[:-1].strip() if percent else text
    if is_wordy(body):
        return Text(canonical_text(text), synonym_class(text))
    return Scalar(parse_expression(body), percent, decimal_literal(body))


def _list(parts: list[str], depth: int, conjunction: bool = False) -> list[Answer]:
    if len(parts) > MAX_ITEMS:
        raise ParseError("too many items")
    items = tuple(_single(p, depth) for p in parts)
    readings: list[Answer] = []
    intervals = _as_interval_union(items)
    if intervals is not None and conjunction:
        both = intersect(list(intervals.parts)) if len(intervals.parts) == len(items) else None
        if both is not None:
            readings.append(IntervalUnion((both,)))  # "x > 1 and x < 3" is (1, 3)
    elif intervals is not None:
        readings.append(intervals)
    # ``x = 1, y = 2`` names each coordinate: an ordered pair, not a set.
    names = [i.sides[0] for i in items if isinstance(i, Relation) and i.named[0]]
    ordered = len(names) == len(items) and len(set(names)) == len(names)
    # ``x_1 = 2, x_2 = -3``: the roots of one equation, numbered; not coordinates
    ordered = ordered and not _indexed_family(names)
    readings.append(Items(items, ordered=ordered))
    return readings


def _indexed_family(names: list[Node]) -> bool:
    bases = {str(n[1]).partition("_")[0] for n in names if n[0] == "s" and "_" in str(n[1])}
    return len(bases) == 1 and all(n[0] == "s" and "_" in str(n[1]) for n in names)


def _bracketed(text: str, inner: list[str], depth: int) -> list[Answer]:
    items = tuple(_single(p, depth) for p in inner)
    readings: list[Answer] = []
    if len(items) == 2 and _all_scalars(items):
        lo, hi = items[0].node, items[1].node
        readings.append(Interval(lo, hi, text[0] == "[", text[-1] == "]"))
    square_list = text[0] == "[" and text[-1] == "]" and len(items) != 2
    if (text[0] == "(" and text[-1] == ")") or square_list:
        readings.append(Items(items, ordered=True, braced=True))
    if not readings:
        raise ParseError("mismatched brackets")
    return readings


def _union(parts: list[list[Answer]]) -> Answer:
    intervals: list[Interval] = []
    for readings in parts:
        found = next((r for r in readings if isinstance(r, (Interval, IntervalUnion))), None)
        if isinstance(found, Interval):
            intervals.append(found)
        elif isinstance(found, IntervalUnion):
            intervals.extend(found.parts)
        else:
            raise ParseError("a union of things that are not intervals")
    return IntervalUnion(tuple(intervals))


def _plus_minus(text: str, depth: int) -> Answer:
    first = min(i for i in (text.find(r"\pm"), text.find(r"\mp")) if i >= 0)
    sign = text[first : first + 3]
    head, tail = text[:first], text[first + 3 :]
    plus, minus = ("+", "-") if sign == r"\pm" else ("-", "+")
    tail_pm = (
        tail.replace(r"\pm", "\0").replace(r"\mp", r"\pm").replace("\0", r"\mp")
        if (sign == r"\mp")
        else tail
    )
    variants = [head + plus + tail_pm, head + minus + tail]
    items: list[Answer] = []
    for variant in variants:
        reading = _single(variant.replace("=+", "=").replace("+-", "-"), depth)
        items.extend(reading.items if isinstance(reading, Items) else (reading,))
    return Items(tuple(items), ordered=False)


def _relation(text: str) -> list[Answer] | None:
    pieces, ops = split_relation(text)
    if not ops:
        return None
    if ops == ["in"] and len(pieces) == 2:
        target = _readings(pieces[1].strip())
        return [r for r in target if isinstance(r, (Interval, IntervalUnion, Items, Text))]
    if "in" in ops:
        raise ParseError("a membership inside a chain")
    if ops == ["="] and len(pieces) == 2:
        labelled = _labelled(pieces[0], pieces[1], 0)
        if labelled is not None:
            return labelled
    named = tuple(_is_name(p) for p in pieces)
    if any(is_wordy(p) and not n for p, n in zip(pieces, named, strict=True)):
        raise ParseError("a relation between words")
    if ops == ["="] and named[0] and not _looks_scalar(pieces[1]):
        # "S = \{1, 2\}", "\mathbf{v} = (1, 2)": the name labels a structure
        return _structure(pieces[1], depth=1)
    sides = tuple(_side(p, n) for p, n in zip(pieces, named, strict=True))
    relation = Relation(sides, tuple(ops), named)
    readings: list[Answer] = [relation]
    interval = inequality_to_intervals(relation)
    if interval is None and named.count(True) == 1 and "=" not in ops:
        # "0 < f(x) < 1", "S_n < 2": the range of one named quantity
        k = named.index(True)
        if not any(tree.symbols(side) for j, side in enumerate(sides) if j != k):
            placeholder = tuple(("s", "_named") if j == k else sd for j, sd in enumerate(sides))
            interval = intervals_from_relation(placeholder, tuple(ops))
    if interval is not None:
        readings.append(interval)
    return readings


def _side(text: str, named: bool) -> Node:
    """One side of a relation; a name the expression reader cannot spell
    (``S_{\\triangle ABC}``) becomes one variable named by its text."""
    try:
        return parse_expression(text)
    except ParseError:
        if not named:
            raise
        return ("s", re.sub(r"\s+", "", text))


def _is_name(text: str) -> bool:
    """Whether ``text`` names a quantity: ``x``, ``a_{10}``, ``f(x)``, ``f(2)``, ``AB``,
    ``|AB|``, ``\\overline{AB}``, ``S_{\\triangle ABC}`` (what a gold puts before its value)."""
    stripped = text.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        stripped = stripped[1:-1].strip()  # \mathbf{v} arrives as {v}
    stripped = _DECORATED.sub(lambda m: m.group(1) or m.group(2), stripped)
    return bool(_NAME.match(stripped) or _QUANTITY_NAME.match(stripped))


def _looks_scalar(text: str) -> bool:
    """Whether the right side of ``name = ...`` is one expression, not a set/tuple/matrix."""
    stripped = text.strip()
    if stripped.startswith((r"\{", r"\begin")):
        return False
    return not (stripped[:1] in "([" and len(split_items(stripped[1:-1])) > 1)


def inequality_to_intervals(relation: Relation) -> IntervalUnion | None:
    """``1 < x \\le 3`` -> ``(1, 3]``; ``|x| < 2`` -> ``(-2, 2)``; None if not one variable."""
    return intervals_from_relation(relation.sides, relation.ops)


def _as_interval_union(items: tuple[Answer, ...]) -> IntervalUnion | None:
    parts: list[Interval] = []
    for item in items:
        if isinstance(item, Relation):
            converted = inequality_to_intervals(item)
            if converted is None:
                return None
            parts.extend(converted.parts)
        else:
            return None
    return IntervalUnion(tuple(parts))


def _matrix(body: str) -> Matrix:
    return Matrix(parse_rows(body))
