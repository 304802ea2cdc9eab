"""Angles given in degrees on one side and in radians (with pi) on the other.

Normalisation reads ``60^\\circ`` as the number 60 (degrees are a unit
wrapper), which is right when both sides use degrees. When exactly one side
carries a degree mark and the other is written with ``\\pi``, the answer is an
angle in the other unit: ``\\frac{\\pi}{3}`` for a gold ``60^\\circ`` (and the
reverse) is the same angle. Without a degree mark on one side and a ``\\pi``
on the other nothing is converted, so a bare ``60`` never equals ``\\pi/3``.
"""

from __future__ import annotations

import re
from fractions import Fraction

from verifiers.math import tree
from verifiers.math.equivalence import equivalent_any
from verifiers.math.structures import Answer, Items, Relation, Scalar, read_answer

_DEGREE_MARK = re.compile(r"\\circ(?![a-zA-Z])|\\(?:text)?degree(?![a-zA-Z])|°|\bdegrees?\b|度")
_PI = re.compile(r"\\pi(?![a-zA-Z])|π")
# Inside a trig function degrees are already angles (``\sin 30^\circ``): nothing to convert.
_TRIG = re.compile(r"sin|cos|tan|cot|sec|csc")
_DEGREE: tree.Node = tree.mul([("c", "pi"), tree.num(Fraction(1, 180))])


def angles_match(gold_text: str, answer_text: str) -> bool:
    """Whether the two answers are one angle, one in degrees and one in radians."""
    gold_in_degrees = bool(_DEGREE_MARK.search(gold_text))
    if gold_in_degrees == bool(_DEGREE_MARK.search(answer_text)):
        return False
    degrees_text, radians_text = (
        (gold_text, answer_text) if gold_in_degrees else (answer_text, gold_text)
    )
    if not _PI.search(radians_text) or _PI.search(degrees_text) or _TRIG.search(degrees_text):
        return False
    golds = read_answer(gold_text)
    preds = read_answer(answer_text, as_prediction=True)
    if gold_in_degrees:
        golds = _in_radians(golds)
    else:
        preds = _in_radians(preds)
    return equivalent_any(golds, preds)


def _in_radians(readings: tuple[Answer, ...]) -> tuple[Answer, ...]:
    """Each value times pi/180: scalars, lists of scalars and ``\\theta = 60^\\circ``
    (the named side kept); other readings are dropped."""
    converted: list[Answer] = []
    for reading in readings:
        if isinstance(reading, Scalar) and not reading.percent:
            converted.append(Scalar(tree.mul([reading.node, _DEGREE])))
        elif isinstance(reading, Items) and all(
            isinstance(i, Scalar) and not i.percent for i in reading.items
        ):
            items = tuple(_in_radians((i,))[0] for i in reading.items)
            converted.append(Items(items, reading.ordered, reading.braced))
        elif isinstance(reading, Relation) and _is_named_value(reading):
            value = tree.mul([reading.sides[1], _DEGREE])
            converted.append(Relation((reading.sides[0], value), reading.ops, reading.named))
    return tuple(converted)


def _is_named_value(reading: Relation) -> bool:
    return (
        reading.is_equation
        and len(reading.sides) == 2
        and reading.named[0]
        and not reading.named[1]
    )
