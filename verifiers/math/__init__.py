"""Math answer equivalence: ``verify(response, gold)`` -> ``Verdict``.

The pipeline is one module per stage: ``extract`` (find the final answer),
``normalize`` (one spelling), ``latex`` + ``numerals`` (read expressions),
``structures`` + ``intervals`` (what the answer denotes), ``judge`` (does it
denote the gold; ``angles`` for degrees vs radians), ``compare`` + ``evaluate`` +
``guards`` (exact rationals, then bounded high-precision arithmetic, sizes estimated
in log space first) and ``exact`` (sympy settles surds and rational functions that
numerics cannot prove equal, only behind size guards). Extraction, guards and fast
paths are ours, so the common cases cost microseconds and nothing can hang; the
core's ``verify_batch`` adds the hard per-item timeout on top.
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from verifiers.core.verdict import Status, Verdict
from verifiers.math.angles import angles_match
from verifiers.math.equivalence import equivalent_any
from verifiers.math.extract import (
    Extraction,
    boxed_contents,
    extract,
    has_math_content,
    several_parts,
)
from verifiers.math.numerals import base_literal_value
from verifiers.math.options import CURRENT, DEFAULT, MathOptions
from verifiers.math.second_opinion import second_opinion
from verifiers.math.structures import Items, Text, read_answer
from verifiers.math.text import number_word

__all__ = ["MathOptions", "extract_answer", "verify"]

NAME = "math"
MAX_ANSWER = 1000  # a final answer longer than this is prose or an attack, never a value


def extract_answer(response: str) -> str | None:
    """The final answer text of ``response``, or ``None`` when it states none."""
    if not isinstance(response, str):
        return None
    return extract(response).answer


def verify(response: str, gold: Any, **options: Any) -> Verdict:
    """Judge ``response`` against ``gold``; never raises on model output.

    Options: ``MathOptions`` (``require_boxed``, ``prefilled_think``,
    ``min_decimal_digits``, ``decimal_comma``, ``second_opinion``, and the shared reward
    context); an unknown option is an ``error`` verdict naming it (specs are checked
    against ``MathOptions`` when they are loaded, so this is a last line of defence).
    """
    opts = MathOptions.parse(options, where="verifier 'math'")
    if not isinstance(response, str):
        return _failure(Status.PARSE_ERROR, f"response is a {type(response).__name__}, not text")
    try:
        opts = options_or_default(options)
    except ValueError as exc:
        return _failure(Status.ERROR, f"invalid math options: {exc}"[:500])
    gold_text = _gold_text(gold)
    if gold_text is None:
        return _failure(Status.REFERENCE_ERROR, f"gold {gold!r} is not a math answer"[:200])
    found = extract(
        response, require_boxed=opts.require_boxed, prefilled_think=opts.prefilled_think
    )
    if found.answer is None:
        return _failure(Status.NO_ANSWER, found.reason, source=found.source)
    token = CURRENT.set(opts)
    try:
        verdict = _judge(found, gold_text, opts)
        if verdict.status is Status.PARSE_ERROR and opts.second_opinion:
            verdict = second_opinion(verdict, found.answer, gold_text)
        return verdict
    except RecursionError:
        return _failure(Status.PARSE_ERROR, "answer nested too deeply", extracted=found.answer)
    except Exception as exc:  # a bug of ours: reported as an error verdict, never raised
        return Verdict(
            score=0.0,
            correct=None,
            status=Status.ERROR,
            extracted=found.answer,
            reason=f"math verifier failed: {type(exc).__name__}: {exc}"[:500],
            verifier=NAME,
        )
    finally:
        CURRENT.reset(token)


def options_or_default(options: dict[str, Any]) -> MathOptions:
    """The typed options of one call (the default instance when none are given)."""
    if not options:
        return DEFAULT
    return MathOptions.from_context(options)


def _judge(found: Extraction, gold_text: str, opts: MathOptions) -> Verdict:
    answer, source = found.answer or "", found.source
    if len(answer) > MAX_ANSWER or len(gold_text) > MAX_ANSWER:
        reason = f"answer longer than {MAX_ANSWER} characters"
        return _failure(Status.PARSE_ERROR, reason, extracted=answer[:200])
    golds = read_answer(gold_text, decimal_comma=opts.decimal_comma)
    if not golds:
        return _failure(Status.REFERENCE_ERROR, "the gold answer is empty")
    preds = read_answer(answer, as_prediction=True, decimal_comma=opts.decimal_comma)
    if not preds:
        return _failure(Status.NO_ANSWER, "the extracted answer is empty", extracted=answer)
    if _is_non_answer(preds, golds, answer):
        reason = "the stated answer holds no mathematical content (a non-answer)"
        return _failure(Status.NO_ANSWER, reason, extracted=answer, source=source)
    correct = (
        equivalent_any(golds, preds)
        or _same_base_numeral(gold_text, answer)
        or angles_match(gold_text, answer)
    )
    if not correct:
        parts = several_parts(found.boxes, found.gaps, _part_count(golds))
        if parts is not None and parts != answer:
            listed = read_answer(parts, as_prediction=True, decimal_comma=opts.decimal_comma)
            if equivalent_any(golds, listed):
                answer, source, correct = parts, "boxed_parts", True
    if not correct:
        unreadable = _unreadable(golds, preds, gold_text)
        if unreadable:
            status, reason = unreadable
            return Verdict(
                score=0.0,
                correct=False if status.judged else None,
                status=status,
                extracted=answer,
                reason=reason,
                details={"source": source},
                verifier=NAME,
            )
    return Verdict(
        score=1.0 if correct else 0.0,
        correct=correct,
        extracted=answer,
        reason="equivalent to the gold" if correct else "not equivalent to the gold",
        details={"source": source},
        verifier=NAME,
    )


def _part_count(golds: tuple[Any, ...]) -> int:
    """How many parts the gold asks for (a list of n answers), 1 when it is one answer."""
    return max((len(g.items) for g in golds if isinstance(g, Items) and not g.braced), default=1)


def _is_non_answer(preds: tuple[Any, ...], golds: tuple[Any, ...], answer: str) -> bool:
    """``I am not sure.``: prose with nothing mathematical in it, against a gold that is
    math (a word gold like ``Monday`` keeps word answers as answers, right or wrong)."""
    if any(isinstance(g, Text) for g in golds):
        return False
    return all(_only_words(p) for p in preds) and not has_math_content(answer)


def _only_words(reading: Any) -> bool:
    """A reading that is words and nothing else (no value, letter, set or synonym)."""
    if isinstance(reading, Items):
        return all(_only_words(i) for i in reading.items)
    return isinstance(reading, Text) and reading.synonym is None and not number_word(reading.words)


def _unreadable(
    golds: tuple[Any, ...], preds: tuple[Any, ...], gold_text: str
) -> tuple[Status, str] | None:
    """Why a wrong verdict is really a read failure (malformed LaTeX), if it is.

    An unreadable gold is the dataset's fault (``reference_error``), an unreadable
    answer the model's (``parse_error``).
    """
    if all(isinstance(g, Text) and not g.parsed for g in golds):
        if _looks_like_markup(gold_text):  # \frac{1}{: a broken gold
            return Status.REFERENCE_ERROR, "the gold answer could not be read as math"
        # plain text we cannot read as math (a clock time): the answer did not match it
        return Status.PARSE_ERROR, "the gold answer could not be read as math"
    if all(isinstance(p, Text) and not p.parsed for p in preds) and not all(
        isinstance(g, Text) for g in golds
    ):
        return Status.PARSE_ERROR, "the answer could not be read as math"
    return None


def _looks_like_markup(text: str) -> bool:
    """Unreadable LaTeX (``\\frac{1}{``) is a broken gold; unreadable plain words are not."""
    return any(mark in text for mark in ("\\", "{", "}", "^", "_"))


def _gold_text(gold: Any) -> str | None:
    """The gold as answer text: numbers of any numeric type (numpy's included) are written out."""
    if isinstance(gold, bool) or gold is None:
        return None
    if isinstance(gold, numbers.Integral):
        return str(int(gold))
    if isinstance(gold, (Fraction, Decimal)):
        return str(gold)
    if isinstance(gold, numbers.Real):
        value = float(gold)
        return repr(value) if math.isfinite(value) else None
    if not isinstance(gold, str) or not gold.strip():
        return None
    boxed = boxed_contents(gold)
    if boxed:  # a solution as gold (MATH): its boxes are its answer, several boxes a list
        distinct = list(dict.fromkeys(b.strip() for b in boxed))
        return ", ".join(distinct)
    if "####" in gold:  # a GSM8K solution: the answer follows the last ####
        return gold.rpartition("####")[2].strip() or None
    return gold


def _same_base_numeral(gold: str, answer: str) -> bool:
    """``1011_2`` asked, ``1011`` given: the same numeral, its base left implicit.

    The subscript is evaluated everywhere else (``1011_2`` is 11, never 1011);
    this only accepts the digits the gold itself writes.
    """
    m = re.fullmatch(r"\s*\$?\(?([0-9A-Za-z]+)\)?_\{?\(?(\d+)\)?\}?\$?\s*", gold)
    if not m or base_literal_value(m.group(1), int(m.group(2))) is None:
        return False
    return answer.strip().strip("$").strip() == m.group(1)


def _failure(status: Status, reason: str, **details: Any) -> Verdict:
    extracted = details.pop("extracted", None)
    return Verdict(
        score=0.0,
        correct=False if status.judged else None,
        status=status,
        extracted=extracted,
        reason=reason,
        details=details,
        verifier=NAME,
    )
