"""``sandbox audit``: run the hostile suite (and benchmark references) on a backend, as a table.

Operators check their own hosts with it: every attack of ``sandbox.hostile``
runs on the chosen backend, the leak probes run a planter and then a hunter
in the same warm jail, and (when the datasets are at hand) HumanEval/MBPP
reference solutions must pass and their mutants must not. Each row says
whether the attack was blocked, and why not when it was not. The backend's
``enforcement`` (printed first) says how each limit is enforced on this host,
cgroup v2 hosts included (see ``sandbox.cgroups``).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterable, Iterator
from typing import Any

from sandbox.hostile import CASES, LEAK_PROBES, Hostile, LeakProbe
from sandbox.limits import SandboxLimits
from sandbox.run import run_tests
from sandbox.testcases import parse_tests

LIMITS = SandboxLimits(time_s=0.25, wall_s=1.0, memory_mb=128, output_mb=4, pids=32)
# A hunter reads its whole address space or file tree: give it room to finish.
HUNT_LIMITS = SandboxLimits(time_s=5.0, wall_s=15.0, memory_mb=256, output_mb=4, pids=32)


@dataclasses.dataclass(frozen=True)
class AuditRow:
    """One attack (or benchmark check) and whether the sandbox held."""

    klass: str
    attack: str
    blocked: bool
    detail: str = ""


def judge_case(case: Hostile, report: Any) -> tuple[bool, str]:
    """Did the attack fail as it must? (The rule of ``tests/sandbox/test_hostile.py``.)"""
    verdicts = [result.verdict.value for result in report.per_test]
    if len(verdicts) != len(parse_tests(case.tests, case.program).cases):
        return False, f"{len(verdicts)} results"
    if "sandbox_error" in verdicts:
        return False, "sandbox_error: " + "; ".join(r.reason for r in report.per_test)[:200]
    if case.expect == "passed":
        if report.accepted:
            return True, "isolated"
        bad = next(r for r in report.per_test if not r.passed)
        return False, f"{bad.verdict.value}: {bad.reason}"[:200]
    if any(result.passed for result in report.per_test):
        return False, "a test passed"
    if not set(verdicts) <= case.expect:
        return False, f"verdicts {sorted(set(verdicts))}"
    return True, ",".join(sorted(set(verdicts)))


def audit_case(engine: Any, case: Hostile, limits: SandboxLimits = LIMITS) -> AuditRow:
    report = run_tests(
        case.program, case.tests, language=case.language, limits=limits, backend=engine
    )
    blocked, detail = judge_case(case, report)
    return AuditRow(case.klass, case.id, blocked, detail)


def audit_leak(engine: Any, probe: LeakProbe, limits: SandboxLimits = HUNT_LIMITS) -> AuditRow:
    """Planter then hunter; the engine must reuse one jail (``warm=1``, ``lanes=1``)."""
    program, tests = probe.planter(probe.token())
    planted = run_tests(program, tests, limits=limits, backend=engine)
    if not planted.accepted:
        reason = "; ".join(r.reason for r in planted.per_test)
        return AuditRow("leaks", probe.id, False, f"the planter failed: {reason}"[:200])
    program, tests = probe.hunter(probe.token())
    hunted = run_tests(program, tests, limits=limits, backend=engine)
    result = hunted.per_test[0]
    if result.passed:
        return AuditRow("leaks", probe.id, True, "clean (control found)")
    return AuditRow("leaks", probe.id, False, f"{result.verdict.value}: {result.reason}"[:200])


def audit_benchmarks(engine: Any, suite: str, mbpp_path: str | None, limit: int) -> list[AuditRow]:
    """References must pass and wrong mutants must fail (``sandbox.suites``, when present).

    Some mutants are not wrong (the change hit dead code, or the dataset's tests
    cannot tell): a mutant we accept is a false pass only when the dataset's own
    harness (``suites.anchor_accepts``) rejects it too; otherwise it is counted
    as equivalent, apart from the wrong ones.
    """
    try:
        suites: Any = importlib.import_module("sandbox.suites")
    except ImportError:
        return [AuditRow(suite, "benchmark", False, "sandbox.suites is not installed here")]
    try:
        if suite == "humaneval":
            problems = suites.humaneval_problems()
        elif mbpp_path:
            problems = suites.mbpp_problems(mbpp_path)
        else:
            return []
    except (ImportError, OSError, ValueError) as exc:
        return [AuditRow(suite, "load", False, f"cannot load {suite}: {exc}")]
    rejected: list[str] = []
    false_passes: list[str] = []
    equivalent: list[str] = []
    mutants_run = 0
    for problem in problems[:limit] if limit else problems:
        report = run_tests(problem.reference, problem.tests, backend=engine)
        if not report.accepted:
            rejected.append(problem.task_id)
        for name, program in suites.mutants(problem):
            mutants_run += 1
            if not run_tests(program, problem.tests, backend=engine).accepted:
                continue
            # the anchor runs only the datasets' references and their mutants (trusted code)
            if suites.anchor_accepts(problem, program):
                equivalent.append(f"{problem.task_id}:{name}")
            else:
                false_passes.append(f"{problem.task_id}:{name}")
    count = len(problems[:limit] if limit else problems)
    mutants_rejected = mutants_run - len(equivalent) - len(false_passes)
    listed = ", ".join(false_passes[:8])
    if not false_passes and equivalent:  # which ones, so an operator can look
        listed = "equivalent: " + ", ".join(equivalent[:8])
    return [
        AuditRow(
            suite,
            f"references accepted ({count - len(rejected)}/{count})",
            not rejected,
            ", ".join(rejected[:8]),
        ),
        AuditRow(
            suite,
            f"mutants rejected ({mutants_rejected}/{mutants_run}; {len(equivalent)} equivalent"
            f" (the anchor accepts them too), {len(false_passes)} false passes)",
            not false_passes,
            listed,
        ),
    ]


def run_audit(
    engine: Any,
    *,
    only: Iterable[str] = (),
    benchmarks: Iterable[str] = (),
    mbpp_path: str | None = None,
    benchmark_limit: int = 0,
) -> Iterator[AuditRow]:
    """Every hostile case and leak probe (or those whose id contains one of ``only``)."""
    wanted = tuple(only)

    def chosen(name: str) -> bool:
        return not wanted or any(part in name for part in wanted)

    for case in CASES:
        if chosen(case.id):
            yield audit_case(engine, case)
    for probe in LEAK_PROBES:
        if chosen(probe.id):
            yield audit_leak(engine, probe)
    for suite in benchmarks:
        yield from audit_benchmarks(engine, suite, mbpp_path, benchmark_limit)


def format_table(rows: list[AuditRow]) -> str:
    lines = ["| class | attack | blocked | detail |", "|---|---|---|---|"]
    for row in rows:
        detail = row.detail.replace("|", "/").replace("\n", " ")
        blocked = "yes" if row.blocked else "NO"
        lines.append(f"| {row.klass} | {row.attack} | {blocked} | {detail} |")
    held = sum(row.blocked for row in rows)
    lines.append("")
    lines.append(f"{held}/{len(rows)} blocked")
    return "\n".join(lines)
