"""Source (b): input-generator programs, run in the sandbox with seeds.

A generator reads a seed (an integer on stdin) and prints one input: the stdin
text itself for stdin/stdout problems, or the Python literal of the argument
list on one line for call-based and assert-style ones. It comes from the row
(CodeContests ships generators; a model may write one, as Kimi had its model
write CYaRon generators) or is synthesised here from the shape of the
original arguments with CYaRon: same types and nesting, sizes that grow with
the seed up to ``max_size``, values in the range the originals show. Either
way it runs only in the jail: a generator is a program like any other.
"""

from __future__ import annotations

import json
from typing import Any

from curation.gen_tests.cyaron_bundle import with_cyaron
from curation.gen_tests.execute import run_inputs
from curation.gen_tests.mutate import Domain, observe
from curation.gen_tests.problem import Candidate, Problem, parse_arguments
from sandbox import SandboxLimits
from sandbox.testcases import TestKind

_SYNTHESISED = """
import json, random, sys
import cyaron

SCHEMA = json.loads({schema!r})
MAX_SIZE = {max_size}
seed = int(sys.stdin.read().strip() or 0)
random.seed(seed)
# seeds 0, 3, 6, ... small; 1, 4, ... medium; 2, 5, ... up to MAX_SIZE
SCALE = [3, max(4, SCHEMA["observed_len"] * 2), MAX_SIZE][seed % 3]


def size(spec):
    lo = 0 if spec["may_be_empty"] else 1
    return random.randint(lo, max(lo, min(SCALE, MAX_SIZE)))


def make(spec):
    kind = spec["t"]
    if kind == "int":
        return random.randint(spec["lo"], spec["hi"])
    if kind == "float":
        return round(random.uniform(spec["lo"], spec["hi"]), 3)
    if kind == "bool":
        return random.random() < 0.5
    if kind == "str":
        n = size(spec)
        return cyaron.String.random(n, charset=spec["alphabet"]) if n else ""
    if kind == "list":
        return [make(spec["elem"]) for _ in range(size(spec))]
    if kind == "tuple":
        return tuple(make(item) for item in spec["items"])
    return json.loads(spec["v"])


print(repr([make(spec) for spec in SCHEMA["args"]]))
"""


def synthesise_generator(problem: Problem, max_size: int) -> str | None:
    """A CYaRon generator of argument lists shaped like the originals (None if none parse)."""
    parsed = [a for c in problem.originals if (a := parse_arguments(c.text)) is not None]
    if not parsed or problem.kind is TestKind.STDIO:
        return None
    width = len(parsed[0])
    if any(len(args) != width for args in parsed):
        return None
    domain = observe(parsed)
    specs = [_spec([args[i] for args in parsed], domain) for i in range(width)]
    if any(spec is None for spec in specs):
        return None
    lengths = [len(v) for args in parsed for v in args if isinstance(v, (str, list))]
    schema = {"args": specs, "observed_len": max(lengths, default=3)}
    return _SYNTHESISED.format(schema=json.dumps(schema), max_size=max_size)


def _spec(values: list[Any], d: Domain) -> dict[str, Any] | None:
    first = values[0]
    if isinstance(first, bool):
        return {"t": "bool"}
    if isinstance(first, int) and all(isinstance(v, int) for v in values):
        return {"t": "int", "lo": d.int_lo, "hi": max(d.int_hi, d.int_lo)}
    if isinstance(first, (int, float)) and all(isinstance(v, (int, float)) for v in values):
        return {"t": "float", "lo": d.float_lo, "hi": max(d.float_hi, d.float_lo)}
    if isinstance(first, str) and all(isinstance(v, str) for v in values):
        return {"t": "str", "alphabet": d.alphabet, "may_be_empty": any(not v for v in values)}
    if isinstance(first, list) and all(isinstance(v, list) for v in values):
        items = [item for v in values for item in v]
        elem = _spec(items, d) if items else None
        if elem is None:
            return None
        return {"t": "list", "elem": elem, "may_be_empty": any(not v for v in values)}
    if isinstance(first, tuple) and all(
        isinstance(v, tuple) and len(v) == len(first) for v in values
    ):
        items = [_spec([v[i] for v in values], d) for i in range(len(first))]
        return None if any(i is None for i in items) else {"t": "tuple", "items": items}
    try:
        if all(v == first for v in values):
            return {"t": "const", "v": json.dumps(first)}
    except (TypeError, ValueError):
        return None
    return None


def run_generator(
    program: str,
    problem: Problem,
    *,
    seeds: int,
    seed: int,
    limits: SandboxLimits,
    backend: Any,
    language: str,
) -> tuple[list[Candidate], int]:
    """The inputs ``program`` prints for ``seeds`` seeds, and how many runs failed."""
    stdio = Problem(id=problem.id, kind=TestKind.STDIO, style="stdio", tests={}, references=())
    texts = [f"{seed + i}\n" for i in range(seeds)]
    outcomes = run_inputs(
        with_cyaron(program), stdio, texts, limits=limits, backend=backend, language=language
    )
    found: list[Candidate] = []
    failed = 0
    for outcome in outcomes:
        text = outcome.value if outcome.ok else None
        if not isinstance(text, str):
            failed += 1
            continue
        if problem.kind is TestKind.STDIO:
            found.append(Candidate("generator", text))
            continue
        args = parse_arguments(text.strip())
        if args is None:
            failed += 1
        else:
            found.append(Candidate("generator", repr(args)))
    return found, failed
