"""Knights and Knaves puzzles, scored the Logic-RL way.

Logic-RL trains on these puzzles with a two-part reward: format ``+1`` when the
response is ``<think>..</think><answer>..</answer>``, else ``-1``; answer ``+2``
when every person's role is right, ``-1.5`` when the answer parses but a role
is wrong, ``-2`` when it cannot be parsed (or the format failed: Logic-RL only
grades answers of well-formed responses). ``verify`` returns that total as
``score``, both parts in ``details``, and ``correct``/``status`` so the
``logic_rl`` preset can map outcomes itself.

Reference shapes: a dict ``name -> role`` (``"knight"``/``"knave"``, any
reasoning-gym term such as ``"hero"``/``"villain"``, or a bool: True is a
truth-teller); a solution text (``"Amelia is a hero, and Elizabeth is a
villain."`` or Logic-RL's ``"(1) Zoey is a knight\\n(2) ..."``); a list of such
statements; a reasoning-gym entry or its ``metadata`` (``names`` + ``solution``).

Parsing the model's answer: each reference name is given the first role word
that follows it within its sentence or list item (``Zoey and Oliver are
knights`` gives both), else the last one before it (``Knights: Zoey, Ava``);
``not a knight`` is a knave. A name with no role, or with two different roles,
makes the answer unparsable. Deliberate difference from reasoning-gym's scorer,
which gives partial credit (0.3 + 0.7 x share right): here any wrong role is
wrong, as in Logic-RL.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from typing import Any

from verifiers.core.options import RewardContext
from verifiers.core.registry import VerifierInfo
from verifiers.core.verdict import Status, UnreadableReference, Verdict
from verifiers.format import find_violation, split_response

KNIGHT, KNAVE = "knight", "knave"
FORMAT_OK, FORMAT_BAD = 1.0, -1.0
ANSWER_RIGHT, ANSWER_WRONG, ANSWER_UNPARSABLE = 2.0, -1.5, -2.0

# Truth-teller and liar words (reasoning-gym's term pairs, Logic-RL's, common synonyms).
_TRUTH_TELLERS = ("knight", "pioneer", "saint", "hero", "angel", "altruist", "sage", "truthteller")
_LIARS = ("knave", "laggard", "sinner", "villain", "devil", "egoist", "fool", "liar")
_ROLE_WORDS = {
    **dict.fromkeys((*_TRUTH_TELLERS, "truth-teller", "truth teller", "骑士"), KNIGHT),
    **dict.fromkeys((*_LIARS, "骗子", "无赖", "恶棍"), KNAVE),
}
_ROLE_RE = re.compile(
    r"(?<![A-Za-z])(?P<neg>not\s+(?:an?\s+)?|不是)?"
    r"(?P<role>" + "|".join(sorted(map(re.escape, _ROLE_WORDS), key=len, reverse=True)) + r")"
    r"(?:e?s)?(?![A-Za-z])",
    re.IGNORECASE,
)
# Sentences and list items; not commas, so "Zoey, Oliver and Ava are knights" stays one clause.
_CLAUSE_SPLIT = re.compile(r"[\n;；。]|(?<!\d)\.(?!\d)|\(\d+\)|\b\d+[.)]\s")


def _role_of(value: Any) -> str:
    if isinstance(value, bool):
        return KNIGHT if value else KNAVE
    word = str(value).strip().lower().removeprefix("a ").removeprefix("an ").strip()
    role = _ROLE_WORDS.get(word) or _ROLE_WORDS.get(word.rstrip("s"))
    if role is None:
        raise ValueError(f"unknown role {value!r}: use knight/knave or a reasoning-gym term")
    return role


def parse_reference(reference: Any) -> dict[str, str]:
    """``{name: "knight" | "knave"}`` from any accepted reference shape.

    ``UnreadableReference`` (a ``reference_error``, the dataset's fault) for a
    shape it cannot read, an unknown role word, names and solution of different
    lengths, or a solution that names nobody (every answer would be "right").
    """
    try:
        found = _parse_reference(reference)
    except UnreadableReference:
        raise
    except (TypeError, ValueError) as exc:
        raise UnreadableReference(
            f"cannot read a knights-and-knaves solution from {reference!r}: {exc}"
        ) from None
    if not found:
        raise UnreadableReference(f"the knights-and-knaves solution names nobody: {reference!r}")
    return found


def _parse_reference(reference: Any) -> dict[str, str]:
    if isinstance(reference, Mapping):
        meta = reference.get("metadata", reference)
        if isinstance(meta, Mapping) and "names" in meta and "solution" in meta:
            return {
                str(n): _role_of(bool(s))
                for n, s in zip(meta["names"], meta["solution"], strict=True)
            }
        for key in ("answer", "solution_text", "solution_text_format", "solution"):
            if key in reference and not isinstance(reference[key], Mapping):
                return _parse_reference(reference[key])
        return {str(name): _role_of(role) for name, role in reference.items()}
    if isinstance(reference, str):
        found = _statements(reference)
        if found:
            return found
    elif isinstance(reference, Sequence):
        return _parse_reference("\n".join(map(str, reference)))
    raise UnreadableReference(f"cannot read a knights-and-knaves solution from {reference!r}")


def _statements(text: str) -> dict[str, str]:
    """Assignments stated as ``NAME is a ROLE`` / ``NAME: ROLE`` in a solution text."""
    pattern = re.compile(
        r"([^\W\d_][\w'-]*)\s*(?:is|was|:|-|=|是)\s*(?:an?\s+|一个|一名)?(not\s+(?:an?\s+)?|不是)?(\S+?)\b",
        re.IGNORECASE,
    )
    found: dict[str, str] = {}
    for name, neg, word in pattern.findall(text):
        role = _ROLE_WORDS.get(word.lower()) or _ROLE_WORDS.get(word.lower().rstrip("s"))
        if role:
            found[name] = _flip(role) if neg else role
    return found


def _flip(role: str) -> str:
    return KNAVE if role == KNIGHT else KNIGHT


def parse_answer(answer: str, names: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """``(assignments, problems)``: the role the answer gives each name, and why some are unread."""
    votes: dict[str, set[str]] = {name: set() for name in names}
    # Short names ("A", "B") match case-sensitively: "a knight" is not person A.
    alternatives = [
        re.escape(n) if len(n) > 2 else f"(?-i:{re.escape(n)})"
        for n in sorted(names, key=len, reverse=True)
    ]
    name_re = re.compile(
        r"(?<![A-Za-z])(" + "|".join(alternatives) + r")(?![A-Za-z])",
        re.IGNORECASE,
    )
    canonical = {n.lower(): n for n in names}
    for clause in _CLAUSE_SPLIT.split(answer):
        found = [(m.start(), _role_from_match(m)) for m in _ROLE_RE.finditer(clause)]
        starts = [at for at, _ in found]
        for m in name_re.finditer(clause):
            i = bisect.bisect_left(starts, m.end())
            if i < len(found):  # the first role word after the name ...
                votes[canonical[m.group(1).lower()]].add(found[i][1])
            elif found:  # ... else the last one before it ("Knights: Zoey, Ava")
                votes[canonical[m.group(1).lower()]].add(found[-1][1])
    assignments, problems = {}, []
    for name, roles in votes.items():
        if not roles:
            problems.append(f"no role for {name}")
        elif len(roles) > 1:
            problems.append(f"{name} is given both roles")
        else:
            assignments[name] = roles.pop()
    return assignments, problems


def _role_from_match(match: re.Match[str]) -> str:
    role = _ROLE_WORDS[match.group("role").lower()]
    return _flip(role) if match.group("neg") else role


class KnightsKnavesOptions(RewardContext):
    """No options of its own: the shared reward context (``prefilled_think``) only."""


def verify(response: str, reference: Any = None, **options: Any) -> Verdict:
    """Logic-RL reward for a knights-and-knaves answer (see the module docstring).

    Options: ``prefilled_think`` (the prompt already opened ``<think>``).
    ``correct`` is True only when every person's role is right.
    """
    opts = KnightsKnavesOptions.parse(options, where="verifier 'knights_knaves'")
    expected = parse_reference(reference)
    prefilled = opts.prefilled_think
    violation = find_violation(response, prefilled_think=prefilled, require_answer_tags=True)
    format_score = FORMAT_OK if violation is None else FORMAT_BAD
    parts = split_response(response, prefilled_think=prefilled)
    details: dict[str, Any] = {
        "format_score": format_score,
        "format_violation": violation[0] if violation else None,
        "expected": expected,
    }
    if not parts.answer.strip():
        reason = "the thought was never closed" if parts.truncated else "empty answer"
        return _verdict(Status.NO_ANSWER, None, reason, format_score, ANSWER_UNPARSABLE, details)
    assignments, problems = parse_answer(parts.answer, list(expected))
    details["assignments"] = assignments
    if problems:
        reason = "; ".join(problems)
        return _verdict(Status.PARSE_ERROR, None, reason, format_score, ANSWER_UNPARSABLE, details)
    wrong = sorted(n for n in expected if assignments[n] != expected[n])
    if wrong:
        reason = f"wrong role for {', '.join(wrong)}"
        return _verdict(Status.OK, False, reason, format_score, ANSWER_WRONG, details)
    return _verdict(Status.OK, True, "all roles right", format_score, ANSWER_RIGHT, details)


def _verdict(
    status: Status,
    correct: bool | None,
    reason: str,
    format_score: float,
    answer_score: float,
    details: dict[str, Any],
) -> Verdict:
    # Logic-RL grades the answer only when the format holds.
    graded = answer_score if format_score == FORMAT_OK else ANSWER_UNPARSABLE
    return Verdict(
        score=format_score + graded,
        correct=bool(correct),
        status=status,
        extracted=", ".join(f"{n}: {r}" for n, r in details.get("assignments", {}).items()) or None,
        reason=reason,
        details={**details, "answer_score": graded},
    )


INFO = VerifierInfo(
    needs_reference=True,
    name="knights_knaves",
    target="verifiers.knights_knaves:verify",
    options=KnightsKnavesOptions,
    data_sources=("*knight*knave*", "kk_logic*"),  # Logic-RL names its rows kk_logic
    expected_cost_s=0.0005,
    description="Logic-RL's knights-and-knaves puzzles (format and answer in one score)",
)
