"""Countdown: reach the target with the given numbers and + - * / only.

The Countdown task (TinyZero, "Cognitive Behaviors that Enable Self-Improving
Reasoners") asks for an arithmetic expression over given numbers that equals a
target. Model output is untrusted text, so it is never passed to ``eval``:
``ast`` parses it and a small evaluator walks the tree, allowing only integer
literals, ``+ - * /``, unary ``-``/``+`` and parentheses, with exact
``Fraction`` arithmetic (``7/2*2`` is exactly 7, no float rounding lets a
near-miss pass) and a cap on the size of every intermediate value.

Reference: ``{"target": int, "numbers": [int, ...]}``; ``nums`` instead of
``numbers`` (TinyZero) and a reasoning-gym entry (``metadata.numbers`` /
``metadata.target``) are accepted too. Option ``use_all`` (default True, as
reasoning-gym's and TinyZero's scorers require): every number exactly once;
``use_all=False``: each at most once.

Deliberate differences from reasoning-gym's scorer (which gives 1.0 or a
small consolation score): it evaluates with sympy and floats (``isclose``),
accepts ``**`` and reads numbers with a regex (so ``2.5`` counts as the
numbers 2 and 5); here powers and non-integer literals are rejected and
equality is exact. An ``= target`` suffix is tolerated, and so is prose around
a single expression ("The answer is 4*6*1*1.").
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from pydantic import Field

from verifiers.core.options import RewardContext
from verifiers.core.registry import VerifierInfo
from verifiers.core.verdict import Status, UnreadableReference, Verdict
from verifiers.format import split_response

MAX_EXPRESSION_CHARS = 1000
MAX_VALUE_BITS = 1024  # numerator/denominator cap (~308 digits) for every intermediate value

_OPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_REWRITES = [
    ("\\times", "*"), ("\\cdot", "*"), ("\\div", "/"), ("×", "*"), ("·", "*"), ("÷", "/"),
    ("−", "-"), ("–", "-"), ("\\left", ""), ("\\right", ""), ("$", ""), ("\\(", ""), ("\\)", ""),
    ("\\[", ""), ("\\]", ""), ("{", "("), ("}", ")"),
]  # fmt: skip
_BOXED = re.compile(r"\\boxed\s*\{(.*)\}", re.DOTALL)
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_ALLOWED_CHARS = re.compile(r"[\d\s+\-*/().]*")
# A run of arithmetic characters standing apart from words ("is 4*6." yes, "1_0" or "6j" no).
_ARITHMETIC_RUN = re.compile(r"(?<![^\s:])[\d\s+\-*/().]+(?![^\s,;:!?])")


class ExpressionError(ValueError):
    """The answer is not an expression of the allowed form (a parse error)."""


class RuleError(ValueError):
    """The expression is well formed but breaks a game rule (a wrong answer)."""


def parse_reference(reference: Any) -> tuple[int, list[int]]:
    """``(target, numbers)`` from the accepted reference shapes; ValueError otherwise."""
    if isinstance(reference, Mapping) and isinstance(reference.get("metadata"), Mapping):
        reference = reference["metadata"]
    if not isinstance(reference, Mapping):
        raise UnreadableReference(
            f"countdown reference must be a dict with 'target' and 'numbers', got {reference!r}"
        )
    numbers = reference.get("numbers", reference.get("nums"))
    target = reference.get("target")
    if numbers is None or target is None:
        raise UnreadableReference(
            f"countdown reference needs 'target' and 'numbers': {dict(reference)!r}"
        )
    try:
        parsed = int(target), [int(n) for n in numbers]
    except (TypeError, ValueError):  # e.g. "numbers": 5 or "target": "x": unreadable, not a bug
        raise UnreadableReference(
            f"countdown 'target' and 'numbers' must be integers: {dict(reference)!r}"
        ) from None
    if not parsed[1]:
        raise UnreadableReference(f"countdown reference has no numbers: {dict(reference)!r}")
    return parsed


def clean_expression(answer: str) -> str:
    """The bare expression: boxed/LaTeX wrappers, Unicode operators and ``= target`` removed."""
    text = answer.strip()
    boxed = _BOXED.search(text)
    if boxed:
        text = boxed.group(1)
    text = _FRAC.sub(r"(\1)/(\2)", text)
    for old, new in _REWRITES:
        text = text.replace(old, new)
    text = text.strip().rstrip(".")
    if "=" in text:
        sides = [s.strip() for s in text.split("=")]
        # "expr = 24" or "24 = expr": keep the side that is not a bare number.
        candidates = [s for s in sides if s and not re.fullmatch(r"-?\d+(?:\.\d+)?", s)]
        if len(candidates) != 1:
            raise ExpressionError(f"cannot tell the expression from the equation {answer!r}")
        text = candidates[0]
    text = text.strip().rstrip(".")
    if not _ALLOWED_CHARS.fullmatch(text):
        # Prose around one expression ("The answer is 4*6*1*1"): keep the expression
        # when exactly one run of arithmetic characters holds an operator.
        runs = [r.strip() for r in _ARITHMETIC_RUN.findall(text)]
        found = [r for r in runs if re.match(r"[\d(-]", r) and re.search(r"\d\s*\)*\s*[+\-*/]", r)]
        if len(found) == 1:
            return found[0].rstrip(".")
    return text


def evaluate(expression: str) -> tuple[Fraction, list[int]]:
    """Exact value of ``expression`` and the integer literals it uses, in order."""
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(f"expression longer than {MAX_EXPRESSION_CHARS} characters")
    if not _ALLOWED_CHARS.fullmatch(expression):
        bad = sorted(set(re.sub(r"[\d\s+\-*/().]", "", expression)))[:10]
        raise ExpressionError(f"characters {bad} are not allowed: only digits, + - * / and ()")
    try:
        tree = ast.parse(expression, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"not an arithmetic expression: {exc}") from exc
    literals: list[int] = []
    try:
        value = _eval(tree.body, literals)
    except RecursionError as exc:
        raise ExpressionError("expression nested too deeply") from exc
    return value, literals


def _eval(node: ast.AST, literals: list[int]) -> Fraction:
    if isinstance(node, ast.Constant):
        if type(node.value) is not int:
            raise RuleError(f"literal {node.value!r} is not an integer from the given numbers")
        literals.append(node.value)
        return Fraction(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _eval(node.operand, literals)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _eval(node.left, literals), _eval(node.right, literals)
        if isinstance(node.op, ast.Div) and right == 0:
            raise RuleError("division by zero")
        value = _OPS[type(node.op)](left, right)
        if max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_VALUE_BITS:
            raise RuleError("an intermediate value is too large")
        return value
    what = type(node.op).__name__ if isinstance(node, (ast.BinOp, ast.UnaryOp)) else None
    raise ExpressionError(
        f"{what or type(node).__name__} is not allowed: only integers, + - * / and parentheses"
    )


def check_numbers(used: list[int], numbers: list[int], *, use_all: bool) -> str | None:
    """Why ``used`` breaks the number rule, or None when it keeps it."""
    have, want = Counter(used), Counter(numbers)
    extra = have - want
    if extra:
        return f"uses {sorted(extra.elements())} beyond the given numbers {sorted(numbers)}"
    if use_all and have != want:
        missing = sorted((want - have).elements())
        return f"does not use {missing} (every number must be used exactly once)"
    return None


class CountdownOptions(RewardContext):
    """The game's rule on the given numbers; the shared reward context is accepted too."""

    use_all: bool = Field(True, description="every number exactly once (False: each at most once)")


def verify(response: str, reference: Any = None, **options: Any) -> Verdict:
    """1.0 when the answer's expression reaches the target under the rules, else 0.0.

    Statuses: ``no_answer`` (empty or truncated answer), ``parse_error`` (not an
    expression of numbers, + - * / and parentheses), ``ok`` with ``correct``
    False for a reused/missing/foreign number, a non-integer literal, division
    by zero, an oversized value or a wrong result.
    """
    opts = CountdownOptions.parse(options, where="verifier 'countdown'")
    target, numbers = parse_reference(reference)
    use_all = opts.use_all
    parts = split_response(response, prefilled_think=opts.prefilled_think)
    if not parts.answer.strip():
        reason = "the thought was never closed" if parts.truncated else "empty answer"
        return Verdict.failure(Status.NO_ANSWER, reason)
    try:
        expression = clean_expression(parts.answer)
        value, used = evaluate(expression)
    except ExpressionError as exc:
        return Verdict.failure(Status.PARSE_ERROR, str(exc), answer=parts.answer[:200])
    except RuleError as exc:
        return _wrong(parts.answer, str(exc))
    broken = check_numbers(used, numbers, use_all=use_all)
    if broken:
        return _wrong(expression, broken, value=str(value))
    if value != target:
        return _wrong(expression, f"evaluates to {_short(value)}, not {target}", value=str(value))
    return Verdict(
        score=1.0,
        correct=True,
        extracted=expression,
        reason=f"reaches {target}",
        details={"value": str(value), "numbers_used": used},
    )


def _short(value: Fraction) -> str:
    text = str(value)
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} chars)"


def _wrong(expression: str, reason: str, **details: Any) -> Verdict:
    return Verdict(
        score=0.0, correct=False, extracted=expression[:200], reason=reason, details=details
    )


INFO = VerifierInfo(
    needs_reference=True,
    name="countdown",
    target="verifiers.countdown:verify",
    options=CountdownOptions,
    answer_only=False,
    data_sources=("*countdown*",),
    expected_cost_s=0.0005,
    description="reach the target with the given numbers and + - * / (TinyZero)",
)
