"""Whether a predicted answer denotes what the gold answer denotes.

The gold decides the kind of answer expected; each kind accepts only the
forms that say the same thing. Several candidates where one is expected
(``7 or 8`` for a single number, ``A, C`` for one letter) never match, and
nothing here looks for the gold as a substring of the prediction.
"""

from __future__ import annotations

from fractions import Fraction

from verifiers.math import approximate, compare, tree
from verifiers.math.evaluate import EvaluationError
from verifiers.math.intervals import endpoint_value
from verifiers.math.options import current
from verifiers.math.structures import (
    Answer,
    Choice,
    Interval,
    IntervalUnion,
    Items,
    Matrix,
    Relation,
    Scalar,
    Text,
    inequality_to_intervals,
    read_answer,
)
from verifiers.math.text import number_word
from verifiers.math.tree import Node

_HUNDREDTH = tree.num(Fraction(1, 100))


def equivalent_any(golds: tuple[Answer, ...], preds: tuple[Answer, ...]) -> bool:
    """True when some reading of the prediction matches some reading of the gold."""
    return any(equivalent(g, p) for g in golds for p in preds)


def equivalent(gold: Answer, pred: Answer) -> bool:
    if isinstance(pred, Choice) and pred.text and not isinstance(gold, Choice):
        return _option_text_matches(pred.text, gold, as_gold=False)  # "(C) 42" for gold 42
    if isinstance(gold, Text):
        return _text_equal(gold, pred)
    if isinstance(gold, Choice):
        if gold.text and not isinstance(pred, Choice) and _option_text_matches(gold.text, pred):
            return True  # gold "(B) 12", answer "12"
        if isinstance(pred, Scalar) and pred.node[0] == "s" and len(pred.node[1]) == 1:
            return frozenset({pred.node[1].upper()}) == gold.letters  # "the answer is b"
        return isinstance(pred, Choice) and pred.letters == gold.letters
    if isinstance(gold, Scalar):
        return _scalar_matches(gold, pred)
    if isinstance(gold, Relation):
        return _relation_matches(gold, pred)
    if isinstance(gold, (Interval, IntervalUnion)):
        return _intervals_match(_as_union(gold), pred)
    if isinstance(gold, Items):
        return _items_match(gold, pred)
    if isinstance(gold, Matrix):
        return _matrix_matches(gold, pred)
    return False


def _option_text_matches(text: str, other: Answer, as_gold: bool = True) -> bool:
    readings = read_answer(text)
    if as_gold:
        return any(equivalent(r, other) for r in readings if not isinstance(r, Choice))
    return any(equivalent(other, r) for r in readings if not isinstance(r, Choice))


# -- words -------------------------------------------------------------------


def _text_equal(gold: Text, pred: Answer) -> bool:
    if isinstance(pred, Text):
        if gold.synonym is not None or pred.synonym is not None:
            return gold.synonym == pred.synonym
        return _squeeze(gold.words) == _squeeze(pred.words)
    if gold.synonym == "empty":
        return isinstance(pred, Items) and pred.braced and not pred.items
    if gold.synonym == "reals":
        return isinstance(pred, (Interval, IntervalUnion)) and _is_real_line(_as_union(pred))
    if isinstance(pred, Scalar) and number_word(gold.words) is not None:
        return _nodes_equal(tree.num(number_word(gold.words) or 0), pred.node)
    return False


def _squeeze(words: str) -> str:
    """``north-east`` = ``North East`` = ``northeast``."""
    return words.replace(" ", "").replace("-", "")


def _is_real_line(union: IntervalUnion) -> bool:
    return (
        len(union.parts) == 1
        and _nodes_equal(union.parts[0].lo, tree.neg(("c", "inf")))
        and (_nodes_equal(union.parts[0].hi, ("c", "inf")))
    )


# -- single values -------------------------------------------------------------


def _scalar_matches(gold: Scalar, pred: Answer) -> bool:
    if isinstance(pred, Scalar):
        if gold.percent and pred.percent:  # p% vs q%: the numbers written are compared
            return _nodes_equal(gold.node, pred.node) or approximately_equal(gold, pred)
        golds, preds = _percent_readings(gold), _percent_readings(pred)
        if any(_nodes_equal(g, p) for g in golds for p in preds):
            return True
        return not (gold.percent or pred.percent) and approximately_equal(gold, pred)
    if isinstance(pred, Relation):
        value = _named_value(pred)
        if value is not None:
            return any(_nodes_equal(g, value) for g in _percent_readings(gold))
        return _true_constant_chain(pred) and all(_nodes_equal(gold.node, s) for s in pred.sides)
    if isinstance(pred, Items) and len(pred.items) == 1:
        return _scalar_matches(gold, pred.items[0])
    if isinstance(pred, Matrix) and len(pred.rows) == 1 and len(pred.rows[0]) == 1:
        return _scalar_matches(gold, Scalar(pred.rows[0][0]))
    if isinstance(pred, Text):
        word = number_word(pred.words)
        return word is not None and _nodes_equal(gold.node, tree.num(word))
    return False


def approximately_equal(gold: Scalar, pred: Scalar) -> bool:
    """Decimals against exact values: the policy of ``approximate`` (documented there)."""
    if gold.literal is None and pred.literal is None:
        return False
    digits = current().min_decimal_digits
    return approximate.approximately_equal(gold.node, gold.literal, pred.node, pred.literal, digits)


def _percent_readings(answer: Scalar) -> list[Node]:
    """``50\\%`` reads as 50 or as 0.5; a number without ``%`` only as itself."""
    if answer.percent:
        return [answer.node, tree.mul([answer.node, _HUNDREDTH])]
    return [answer.node]


def _named_value(relation: Relation) -> Node | None:
    """``x = 5`` -> 5: the value a model wrote after naming what it is."""
    if relation.is_equation and len(relation.sides) == 2:
        if relation.named[0] and not relation.named[1]:
            return relation.sides[1]
        if relation.named[1] and not relation.named[0]:
            return relation.sides[0]
        if relation.named[0] and relation.named[1]:
            return relation.sides[1]
        # "m + n = 17": an expression the question asked about, then its value
        lhs_free, rhs_free = (bool(tree.symbols(s)) for s in relation.sides)
        if lhs_free != rhs_free:
            return relation.sides[1] if lhs_free else relation.sides[0]
    if relation.is_equation and relation.named[0] and len(relation.sides) > 2:
        values = relation.sides[1:]  # x = 2 + 3 = 5 names 5; x = 12 = 13 names nothing
        if all(_nodes_equal(values[-1], v) for v in values[:-1]):
            return values[-1]
    return None


def _gold_named_value(relation: Relation) -> Node | None:
    """The value a gold equation names: only a bare name on one side (``x_1 = 3``,
    ``y = 2x + 1``). ``a + 3z = 0`` or ``x^2 + y^2 = 1`` name nothing, so a bare
    ``0`` or ``1`` is never their answer."""
    if not relation.is_equation:
        return None
    if len(relation.sides) == 2:
        if relation.named[0]:
            return relation.sides[1]
        if relation.named[1]:
            return relation.sides[0]
        return None
    return _named_value(relation)


def _true_constant_chain(relation: Relation) -> bool:
    """``2 + 3 = 5`` is a value (5); ``13 = 12`` is not the number 12."""
    if not relation.is_equation or any(tree.symbols(s) for s in relation.sides):
        return False
    return all(_nodes_equal(relation.sides[0], s) for s in relation.sides[1:])


def _nodes_equal(a: Node, b: Node) -> bool:
    try:
        return compare.scalars_equal(a, b)
    except (compare.TooComplex, EvaluationError, RecursionError):
        return False


# -- equations and inequalities ----------------------------------------------------


def _relation_matches(gold: Relation, pred: Answer) -> bool:
    if not gold.is_equation:
        if isinstance(pred, Relation) and _same_inequality(gold, pred):
            return True
        intervals = inequality_to_intervals(gold)
        return intervals is not None and _intervals_match(intervals, pred)
    if isinstance(pred, Scalar):
        value = _gold_named_value(gold)
        return value is not None and _scalar_matches(Scalar(value), pred)
    if isinstance(pred, Items) and len(pred.items) == 1:
        return _relation_matches(gold, pred.items[0])
    if not isinstance(pred, Relation) or not pred.is_equation:
        return False
    if len(gold.sides) == 2 and len(pred.sides) == 2:
        if _same_named_value(gold, pred):
            return True
        gdiff = tree.add([gold.sides[0], tree.neg(gold.sides[1])])
        pdiff = tree.add([pred.sides[0], tree.neg(pred.sides[1])])
        try:
            return compare.ratio_is_constant(gdiff, pdiff)
        except (EvaluationError, RecursionError):
            return False
    return False


def _same_named_value(gold: Relation, pred: Relation) -> bool:
    """``x = 5`` vs ``x = 5.0``; ``y = 2x+1`` vs ``y = 1+2x``, the names matching
    (``x_1 = 3`` in a gold names the value of x: ``x = 3`` answers it)."""
    for gi, pi in ((0, 0), (1, 1), (0, 1), (1, 0)):
        if gold.named[gi] and pred.named[pi] and _same_name(gold.sides[gi], pred.sides[pi]):
            return _nodes_equal(gold.sides[1 - gi], pred.sides[1 - pi])
    return False


def _same_name(gold: Node, pred: Node) -> bool:
    if gold == pred:
        return True
    if gold[0] != "s" or pred[0] != "s":
        return False
    g, p = str(gold[1]), str(pred[1])
    return "_" in g and "_" not in p and g.partition("_")[0] == p


def _same_inequality(gold: Relation, pred: Relation) -> bool:
    """Inequalities as mathematics: ``-x > -1`` is ``x < 1``, ``2b < a`` is ``a > 2b``,
    ``f(4) > f(1) > f(2)`` is ``f(2) < f(1) < f(4)``. Both are turned to point the same
    way; two sides compare by ``lhs - rhs`` up to a positive factor, chains side by side."""
    g, p = _oriented(gold), _oriented(pred)
    if g is None or p is None or g[1] != p[1]:
        return False
    if len(g[0]) == 2:
        dg = tree.add([g[0][0], tree.neg(g[0][1])])
        dp = tree.add([p[0][0], tree.neg(p[0][1])])
        if _nodes_equal(dg, dp):
            return True
        try:
            return compare.positive_multiple(dg, dp)
        except (EvaluationError, RecursionError, compare.TooComplex):
            return False
    return all(_nodes_equal(a, b) for a, b in zip(g[0], p[0], strict=True))


def _oriented(relation: Relation) -> tuple[tuple[Node, ...], tuple[str, ...]] | None:
    """Sides and operators with every operator ``<`` or ``<=`` (None for a mixed chain)."""
    if all(op in ("<", "<=") for op in relation.ops):
        return relation.sides, relation.ops
    if all(op in (">", ">=") for op in relation.ops):
        flipped = tuple({">": "<", ">=": "<="}[op] for op in reversed(relation.ops))
        return tuple(reversed(relation.sides)), flipped
    return None


# -- intervals ---------------------------------------------------------------------


def _as_union(answer: Interval | IntervalUnion) -> IntervalUnion:
    return answer if isinstance(answer, IntervalUnion) else IntervalUnion((answer,))


def _intervals_match(gold: IntervalUnion, pred: Answer) -> bool:
    if isinstance(pred, Relation):
        converted = inequality_to_intervals(pred)
        if converted is None:
            return False
        pred = converted
    if isinstance(pred, Text):
        return pred.synonym == "reals" and _is_real_line(gold)
    if not isinstance(pred, (Interval, IntervalUnion)):
        return False
    parts_g, parts_p = _sorted_parts(gold), _sorted_parts(_as_union(pred))
    if parts_g is None or parts_p is None or len(parts_g) != len(parts_p):
        return False
    return all(_interval_equal(g, p) for g, p in zip(parts_g, parts_p, strict=True))


def _interval_equal(g: Interval, p: Interval) -> bool:
    return (
        g.lo_closed == p.lo_closed
        and g.hi_closed == p.hi_closed
        and _nodes_equal(g.lo, p.lo)
        and _nodes_equal(g.hi, p.hi)
    )


def _sorted_parts(union: IntervalUnion) -> list[Interval] | None:
    keyed = []
    for part in union.parts:
        key = endpoint_value(part.lo)
        if key is None:
            return None
        keyed.append((key, not part.lo_closed, part))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [k[2] for k in keyed]


# -- collections ---------------------------------------------------------------------


def _items_match(gold: Items, pred: Answer) -> bool:
    if isinstance(pred, Matrix) and gold.ordered:
        return _matrix_matches(pred, gold)
    pair = gold.ordered and gold.braced and len(gold.items) == 2
    if pair and isinstance(pred, Interval) and not (pred.lo_closed or pred.hi_closed):
        # "(7, 2)" is read first as an open interval; against a gold pair it is the pair
        pred = Items((Scalar(pred.lo), Scalar(pred.hi)), ordered=True, braced=True)
    if not isinstance(pred, Items):
        return len(gold.items) == 1 and equivalent(gold.items[0], pred)
    if len(gold.items) != len(pred.items):
        return False
    by_name_gold, by_name_pred = _named_values(gold), _named_values(pred)
    if by_name_gold is not None and by_name_pred is not None:
        # "a = 2, b = -3" vs "b = -3, a = 2": coordinates are matched by their names
        return by_name_gold.keys() == by_name_pred.keys() and all(
            _nodes_equal(by_name_gold[k], by_name_pred[k]) for k in by_name_gold
        )
    if gold.braced and pred.braced and gold.ordered != pred.ordered:
        return False  # a set is not a tuple: {0, 1} vs (0, 1), either way round
    ordered = gold.ordered or (not gold.braced and pred.ordered and pred.braced)
    if ordered:
        return _in_order(gold, pred)
    return _matching(list(gold.items), list(pred.items))


def _named_values(items: Items) -> dict[Node, Node] | None:
    """``{a: 2, b: -3}`` for ``a = 2, b = -3``; None unless every item names a distinct variable."""
    found: dict[Node, Node] = {}
    for item in items.items:
        if not (isinstance(item, Relation) and item.is_equation and len(item.sides) == 2):
            return None
        if not item.named[0] or item.sides[0][0] != "s" or item.sides[0] in found:
            return None
        found[item.sides[0]] = item.sides[1]
    return found


def _in_order(gold: Items, pred: Items) -> bool:
    return all(equivalent(g, p) for g, p in zip(gold.items, pred.items, strict=True))


def _matching(golds: list[Answer], preds: list[Answer]) -> bool:
    """A perfect matching of unordered items, greedily: equivalence is transitive, so
    taking the first match never blocks a later one (and backtracking, which is
    factorial on repeated items like ``{1, 1, ..., 1, 2}``, is never needed)."""
    unused = list(preds)
    for gold_item in golds:
        k = next((k for k, p in enumerate(unused) if equivalent(gold_item, p)), None)
        if k is None:
            return False
        del unused[k]
    return True


def _matrix_matches(gold: Matrix, pred: Answer) -> bool:
    if isinstance(pred, Matrix):
        if len(gold.rows) != len(pred.rows) or len(gold.rows[0]) != len(pred.rows[0]):
            return False
        return all(
            _nodes_equal(g, p)
            for grow, prow in zip(gold.rows, pred.rows, strict=True)
            for g, p in zip(grow, prow, strict=True)
        )
    is_vector = len(gold.rows) == 1 or len(gold.rows[0]) == 1
    if isinstance(pred, Interval) and pred.lo_closed and pred.hi_closed and is_vector:
        pred = Items((Scalar(pred.lo), Scalar(pred.hi)), ordered=True, braced=True)  # [1, 2]
    if isinstance(pred, Items) and pred.ordered and is_vector:
        flat = [cell for row in gold.rows for cell in row]
        if len(flat) != len(pred.items):
            return False
        return all(
            isinstance(p, Scalar) and _nodes_equal(g, p.node)
            for g, p in zip(flat, pred.items, strict=True)
        )
    return False
