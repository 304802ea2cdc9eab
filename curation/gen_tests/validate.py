"""Kimi k1.5's agreement rule: which candidate cases survive, and which problems.

With ``n`` references, a case needs ``agree_needed(n) = ceil(agree_fraction * n)``
of them to produce the same output (7 of 10 by default), and no reference may
crash or time out on it (a crash means the input is outside the problem's
domain). A problem is kept when ``pass_needed(n) = ceil(problem_pass_fraction * n)``
references pass every kept case (9 of 10). The ceilings make small ``n``
strict, never lenient: 1 reference -> 1 (its own output is the expectation,
so a single buggy reference cannot be caught: say so when reporting), 2 -> 2,
3 -> 3, 4 -> 3 (agree) and 4 (pass), 10 -> 7 and 9.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from curation.gen_tests.execute import Outcome
from curation.gen_tests.problem import Candidate


def agree_needed(n: int, fraction: float) -> int:
    """References that must share a case's output (at least one)."""
    return max(1, math.ceil(fraction * n - 1e-9))


def pass_needed(n: int, fraction: float) -> int:
    """References that must pass every kept case for the problem to be kept."""
    return max(1, math.ceil(fraction * n - 1e-9))


@dataclasses.dataclass(frozen=True)
class AgreedCase:
    """A candidate whose expected output the references agreed on."""

    candidate: Candidate
    key: str
    value: Any
    voters: frozenset[int]  # the references that produced ``key``


@dataclasses.dataclass(frozen=True)
class Selection:
    """The kept cases of one problem and why the others went."""

    kept: tuple[AgreedCase, ...]
    rejected: dict[str, int]


def agree(
    candidates: Sequence[Candidate],
    outcomes: Sequence[Sequence[Outcome]],
    *,
    fraction: float,
    max_output_chars: int,
    is_empty: Any = None,
) -> tuple[list[AgreedCase], Counter[str]]:
    """Per candidate (``outcomes[ref][candidate]``): the agreed output, or a rejection reason."""
    needed = agree_needed(len(outcomes), fraction)
    agreed: list[AgreedCase] = []
    rejected: Counter[str] = Counter()
    for index, candidate in enumerate(candidates):
        column = [ref_outcomes[index] for ref_outcomes in outcomes]
        if any(not outcome.ok for outcome in column):
            rejected["reference_failed"] += 1
            continue
        votes = Counter(outcome.key for outcome in column)
        key, count = votes.most_common(1)[0]
        if count < needed or key is None:
            rejected["references_disagree"] += 1
            continue
        if len(key) > max_output_chars:
            rejected["output_too_long"] += 1
            continue
        winner = next(o for o in column if o.key == key)
        if is_empty is not None and is_empty(winner.value):
            rejected["empty_output"] += 1
            continue
        voters = frozenset(i for i, outcome in enumerate(column) if outcome.key == key)
        agreed.append(AgreedCase(candidate, key, winner.value, voters))
    return agreed, rejected


def select(
    originals: Sequence[Candidate],
    generated: Sequence[AgreedCase],
    *,
    max_new: int,
    max_per_output: int,
    original_keys: Sequence[str] = (),
) -> Selection:
    """Deduplicate, drop trivial outputs and cap the generated cases.

    Whether the problem stays is decided on the written tests (``pass_needed``
    references must pass them in the sandbox, see ``step.py``).

    - inputs: one case per input text, originals win;
    - outputs: at most ``max_per_output`` generated cases per expected output,
      taken round-robin over outputs so the cap keeps variety;
    - trivial: when every generated case (two or more) has the one same output
      and it is also the only output the originals have, the inputs do not
      exercise the program (a constant answer): none is kept.
    """
    rejected: Counter[str] = Counter()
    seen = {candidate.text for candidate in originals}
    fresh: list[AgreedCase] = []
    for case in generated:
        if case.candidate.text in seen:
            rejected["duplicate_input"] += 1
            continue
        seen.add(case.candidate.text)
        fresh.append(case)
    outputs = {case.key for case in fresh}
    if len(fresh) >= 2 and len(outputs) == 1 and set(original_keys) <= outputs:
        rejected["trivial_output"] += len(fresh)
        fresh = []
    kept = _round_robin(fresh, max_per_output, max_new, rejected)
    return Selection(tuple(kept), dict(rejected))


def _round_robin(
    cases: list[AgreedCase], per_output: int, cap: int, rejected: Counter[str]
) -> list[AgreedCase]:
    groups: dict[str, list[AgreedCase]] = {}
    for case in cases:
        groups.setdefault(case.key, []).append(case)
    for key, group in groups.items():
        if len(group) > per_output:
            rejected["duplicate_output"] += len(group) - per_output
            groups[key] = group[:per_output]
    kept: list[AgreedCase] = []
    for depth in range(per_output):
        for group in groups.values():
            if depth < len(group) and len(kept) < cap:
                kept.append(group[depth])
    rejected["over_cap"] += sum(len(g) for g in groups.values()) - len(kept)
    order = {id(case): i for i, case in enumerate(cases)}
    return sorted(kept, key=lambda case: order[id(case)])
