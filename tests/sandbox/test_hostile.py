"""The hostile suite on both backends: every attack fails, the runner survives it."""

from __future__ import annotations

import pytest

from sandbox import SandboxLimits, TestVerdict, parse_tests, run_tests
from tests.sandbox.hostile_programs import CASES, Hostile

LIMITS = SandboxLimits(time_s=0.25, wall_s=1.0, memory_mb=128, output_mb=4, pids=32)


def test_suite_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_attack_fails(case: Hostile, jail_backend: object) -> None:
    report = run_tests(
        case.program, case.tests, language=case.language, limits=LIMITS, backend=jail_backend
    )
    verdicts = [result.verdict.value for result in report.per_test]
    assert len(verdicts) == len(parse_tests(case.tests, case.program).cases)
    assert "sandbox_error" not in verdicts, [r.reason for r in report.per_test]
    if case.expect == "passed":
        assert report.accepted, [(r.verdict.value, r.reason, r.stderr) for r in report.per_test]
    else:
        assert set(verdicts) <= case.expect, [(r.verdict.value, r.reason) for r in report.per_test]
        assert not any(result.passed for result in report.per_test)


def test_runner_survives_the_suite(jail_backend: object) -> None:
    """After every attack the backend still judges a plain program correctly."""
    tests = {"inputs": ["1 2\n", "5 7\n"], "outputs": ["3", "12"]}
    report = run_tests("print(sum(map(int, input().split())))", tests, backend=jail_backend)
    assert report.accepted
    assert all(result.verdict is TestVerdict.PASSED for result in report.per_test)
