"""Source (c): type-aware mutation of the existing call arguments.

Each variant changes one argument of one original call: bounds (the smallest
and largest value seen, one past them), empties, single elements,
duplicates, reversed and sorted orders, and large sizes up to ``max_size``.
Mutations stay on the side of the domain the originals show (no negative
number where every original is non-negative, nothing below 1 where every
original is positive, no capitals in all-lowercase strings): an input
outside the problem's domain lets a correct program differ from the
reference, and a test that fails correct programs is worse than none.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from typing import Any

from curation.gen_tests.problem import Candidate, parse_arguments


@dataclasses.dataclass(frozen=True)
class Domain:
    """What the original values show about one kind of value (ints, floats, strings)."""

    int_lo: int = 0
    int_hi: int = 10
    float_lo: float = 0.0
    float_hi: float = 10.0
    alphabet: str = "abcdefghijklmnopqrstuvwxyz"


def observe(values: list[Any]) -> Domain:
    """The ranges and alphabet of every int, float and string inside ``values``."""
    ints: list[int] = []
    floats: list[float] = []
    chars: set[str] = set()
    for leaf in _leaves(values):
        if isinstance(leaf, bool):
            continue
        if isinstance(leaf, int):
            ints.append(leaf)
        elif isinstance(leaf, float):
            floats.append(leaf)
        elif isinstance(leaf, str):
            chars.update(leaf)
    return Domain(
        int_lo=min(ints, default=0),
        int_hi=max(ints, default=10),
        float_lo=min(floats, default=0.0),
        float_hi=max(floats, default=10.0),
        alphabet="".join(sorted(chars)) or "abcdefghijklmnopqrstuvwxyz",
    )


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(key)
            yield from _leaves(item)
    else:
        yield value


def mutate_inputs(
    originals: list[Candidate], *, per_input: int, max_size: int, seed: int
) -> list[Candidate]:
    """Up to ``per_input`` one-argument variants of each original argument list."""
    parsed = [args for c in originals if (args := parse_arguments(c.text)) is not None]
    domain = observe(parsed)
    rng = random.Random(seed)
    out: dict[str, Candidate] = {}
    known = {c.text for c in originals}
    for args in parsed:
        options = [
            [*args[:i], variant, *args[i + 1 :]]
            for i, value in enumerate(args)
            for variant in variants(value, domain, max_size, rng)
        ]
        rng.shuffle(options)
        taken = 0
        for option in options:
            text = repr(option)
            if text in known or text in out:
                continue
            out[text] = Candidate("mutation", text)
            taken += 1
            if taken >= per_input:
                break
    return list(out.values())


def variants(value: Any, domain: Domain, max_size: int, rng: random.Random) -> list[Any]:
    """Edge-case neighbours of one value, of the same type."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return _ints(value, domain)
    if isinstance(value, float):
        return _floats(value, domain)
    if isinstance(value, str):
        return _strings(value, domain, max_size, rng)
    if isinstance(value, list):
        return _lists(value, domain, max_size, rng)
    if isinstance(value, tuple):  # often a fixed-size record: change elements, not the length
        return [tuple(v) for v in _element_edits(list(value), domain, max_size, rng)]
    if isinstance(value, dict):
        items = list(value.items())
        return [{}, dict(items[:1]), dict(items[1:])] if items else []
    return []


def _ints(value: int, d: Domain) -> list[int]:
    lo = min(d.int_lo, 1) if d.int_lo >= 0 else 2 * d.int_lo - 1
    hi = max(d.int_hi * 2, d.int_hi + 10)
    hi = min(hi, max(d.int_hi, 10**6))
    wanted = {value - 1, value + 1, lo, hi, d.int_lo, d.int_hi, 0, 1, 2, -value, value * 2}
    return sorted(v for v in wanted if lo <= v <= hi and v != value)


def _floats(value: float, d: Domain) -> list[float]:
    lo = min(d.float_lo, 0.0) if d.float_lo >= 0 else 2 * d.float_lo - 1
    hi = max(d.float_hi * 2, d.float_hi + 10)
    wanted = {value + 0.5, value - 0.5, value * 2, 0.0, lo, hi, -value}
    return sorted(v for v in wanted if lo <= v <= hi and v != value)


def _strings(value: str, d: Domain, max_size: int, rng: random.Random) -> list[str]:
    out = ["", value[:1], value[::-1], value + value[-1:], value[1:], value * 2]
    if value:
        chars = list(value)
        rng.shuffle(chars)
        out.append("".join(chars))
        position = rng.randrange(len(value))
        out.append(value[:position] + rng.choice(d.alphabet) + value[position + 1 :])
    out.append("".join(rng.choice(d.alphabet) for _ in range(max_size)))
    return [s[:max_size] for s in dict.fromkeys(out) if s != value]


def _lists(value: list[Any], d: Domain, max_size: int, rng: random.Random) -> list[list[Any]]:
    out: list[list[Any]] = [[], value[:1], value[::-1], value + value[:1], value[1:]]
    if value and _sortable(value):
        out += [sorted(value), sorted(value, reverse=True)]
    if value:
        out.append([value[0]] * len(value))  # all duplicates
        large = [rng.choice(value) for _ in range(max_size)]
        out.append([_jitter(v, d, rng) for v in large])
    out += _element_edits(value, d, max_size, rng)
    unique: dict[str, list[Any]] = {}
    for candidate in out:
        unique.setdefault(repr(candidate), candidate[:max_size])
    return [v for k, v in unique.items() if k != repr(value)]


def _element_edits(
    value: list[Any], d: Domain, max_size: int, rng: random.Random
) -> list[list[Any]]:
    if not value:
        return []
    index = rng.randrange(len(value))
    options = variants(value[index], d, max_size, rng)
    picked = rng.sample(options, min(3, len(options)))
    return [[*value[:index], v, *value[index + 1 :]] for v in picked]


def _jitter(value: Any, d: Domain, rng: random.Random) -> Any:
    """A same-typed random neighbour, for the elements of a large list."""
    if isinstance(value, bool):
        return rng.random() < 0.5
    if isinstance(value, int):
        return rng.randint(d.int_lo, max(d.int_lo, d.int_hi))
    if isinstance(value, float):
        return round(rng.uniform(d.float_lo, d.float_hi), 3)
    if isinstance(value, str) and value:
        return "".join(rng.choice(d.alphabet) for _ in value)
    return value


def _sortable(value: list[Any]) -> bool:
    try:
        sorted(value)
    except TypeError:
        return False
    return True
