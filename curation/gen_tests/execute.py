"""Run one program on many candidate inputs in the sandbox and read what it produced.

Grading compares against an expected output; here there is none yet, so the
jail's raw outcome is read instead: stdout for stdin/stdout problems, the
returned value (tagged JSON, decoded on the host) for call-based and
assert-style problems. Limits and crashes are judged by the sandbox's own
grading code, so a case counts as failed exactly when grading would fail it.
Every input is its own jailed test: a reference that hangs on one input costs
one time limit, the others still run.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from typing import Any

from curation.gen_tests.problem import Problem
from sandbox import Checker, SandboxLimits, TestVerdict, get_backend, get_language
from sandbox.asserts import AssertTest
from sandbox.grading import judge_test
from sandbox.run import build_request
from sandbox.testcases import TestCase, TestKind, TestSuite
from sandbox.values import ValueDecodeError, decode_result

_OK = (TestVerdict.PASSED, TestVerdict.WRONG_ANSWER)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a program did on one input: a comparable ``key`` or an ``error``."""

    key: str | None = None
    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_inputs(
    program: str,
    problem: Problem,
    texts: Sequence[str],
    *,
    limits: SandboxLimits,
    backend: Any,
    language: str = "python",
) -> list[Outcome]:
    """``program``'s outcome on every input text (one jailed test each)."""
    if not texts:
        return []
    suite = _suite(problem, texts)
    engine = get_backend(backend)
    request = build_request(program, suite, get_language(language), limits)
    run = engine.execute(request, memory_mb=limits.memory_mb, pids=limits.pids, plan=None)
    if run.compile is not None and run.compile.header.get("exit_code") not in (0, None):
        return [Outcome(error="compile error")] * len(texts)
    checker = Checker()
    outcomes: list[Outcome] = []
    for index, case in enumerate(suite.cases):
        if index >= len(run.tests):
            outcomes.append(Outcome(error=run.error or "no result from the jail"))
            continue
        raw = run.tests[index]
        verdict = judge_test(index, case, suite.kind, raw, limits, checker)
        if verdict.verdict not in _OK:
            outcomes.append(Outcome(error=f"{verdict.verdict.value}: {verdict.reason}"[:300]))
        elif suite.kind is TestKind.STDIO:
            text = raw.stdout.decode("utf-8", errors="replace")
            outcomes.append(Outcome(key=stdout_key(text), value=text))
        else:
            outcomes.append(_value_outcome(raw.header.get("result")))
    return outcomes


def _suite(problem: Problem, texts: Sequence[str]) -> TestSuite:
    if problem.kind is TestKind.STDIO:
        return TestSuite(
            TestKind.STDIO, tuple(TestCase(stdin=t, expected_stdout="") for t in texts)
        )
    if problem.kind is TestKind.CALL:
        cases = tuple(TestCase(args_json=_json_args(t), expected_value=None) for t in texts)
        return TestSuite(TestKind.CALL, cases, fn_name=problem.entry)
    entry = problem.entry or ""
    checks = (
        AssertTest(
            setup=problem.setup,
            entry=entry,
            bind=((entry, entry),),
            exprs=(f"{entry}(*{text})",),
            expected=None,
            source=f"{entry}(*{text})",
        )
        for text in texts
    )
    return TestSuite(TestKind.ASSERT, tuple(TestCase(check=check) for check in checks))


def _json_args(text: str) -> str:
    from curation.gen_tests.problem import parse_arguments

    args = parse_arguments(text)
    try:
        return json.dumps(args if args is not None else [], allow_nan=False)
    except (TypeError, ValueError):
        return "[]"


def _value_outcome(result: str | None) -> Outcome:
    try:
        values = decode_result(result)
    except ValueDecodeError as exc:
        return Outcome(error=f"raised or returned no value: {exc}"[:300])
    if len(values) != 1:
        return Outcome(error="the result channel was tampered with")
    return Outcome(key=value_key(values[0]), value=values[0])


def stdout_key(text: str) -> str:
    """Outputs that the default checker accepts as equal share a key (trailing spaces)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def value_key(value: Any) -> str:
    """A canonical text of a value: floats to 9 significant digits, sets sorted, types kept."""
    return repr(_canon(value))


def _canon(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (int, str, bytes)):
        return value
    if isinstance(value, float):
        return value if not math.isfinite(value) else float(f"{value:.9g}")
    if isinstance(value, complex):
        return ("complex", _canon(value.real), _canon(value.imag))
    if isinstance(value, list):
        return [_canon(v) for v in value]
    if isinstance(value, tuple):
        return ("tuple", *(_canon(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return (type(value).__name__, *sorted(repr(_canon(v)) for v in value))
    if isinstance(value, dict):
        return ("dict", *sorted((repr(_canon(k)), repr(_canon(v))) for k, v in value.items()))
    return repr(value)
