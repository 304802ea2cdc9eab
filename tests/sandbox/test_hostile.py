"""The hostile suite on both backends: every attack fails, the runner survives it.

The leak probes run a planter (a correct submission that leaves its token in
every channel) and then a hunter in the SAME warm jail (a backend with one
jail and one lane): the hunter must find no earlier program's source, inputs
or outputs in its memory, files, keyrings, shared memory, sockets or
environment, while it does find its own token there (the control).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from sandbox import SandboxLimits, TestVerdict, create_backend, parse_tests, run_tests
from sandbox.audit import audit_leak
from sandbox.backends.docker_pool import image_available
from tests.sandbox.hostile_programs import CASES, KNOWN_GAPS, LEAK_PROBES, Hostile, LeakProbe

LIMITS = SandboxLimits(time_s=0.25, wall_s=1.0, memory_mb=128, output_mb=4, pids=32)


def test_suite_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)
    assert {probe.channel for probe in LEAK_PROBES} >= {
        "memory",
        "files",
        "keyring",
        "shm",
        "sockets",
        "environment",
    }


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_attack_fails(case: Hostile, jail_backend: object) -> None:
    if (getattr(jail_backend, "name", ""), case.id) in KNOWN_GAPS:
        pytest.xfail("a known gap of this backend, documented in sandbox.hostile")
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


@pytest.fixture(scope="module", params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def one_jail(request: pytest.FixtureRequest) -> Iterator[object]:
    """A backend with exactly one warm jail, so consecutive programs share it."""
    if request.param == "local":
        engine = create_backend("local", warm=1, lanes=1)
    else:
        if not image_available() and os.environ.get("RLVR_REQUIRE_DOCKER") != "1":
            pytest.skip("no sandbox image: build it with `sandbox build-image`")
        engine = create_backend("docker", pool_size=1, lanes=1)
    yield engine
    engine.close()


@pytest.mark.parametrize("probe", LEAK_PROBES, ids=[probe.id for probe in LEAK_PROBES])
def test_no_program_sees_an_earlier_one(probe: LeakProbe, one_jail: object) -> None:
    row = audit_leak(one_jail, probe)
    assert row.blocked, row.detail


def test_hunter_is_not_blind(one_jail: object) -> None:
    """The memory hunter does report a token that is in its memory (its own source)."""
    probe = next(p for p in LEAK_PROBES if p.channel == "memory")
    token = probe.token()
    program, tests = probe.hunter(probe.token())
    program = f"PLANTED = {token!r}\n" + program
    report = run_tests(program, tests, limits=SandboxLimits(time_s=5, wall_s=15), backend=one_jail)
    assert not report.accepted
    assert token in report.per_test[0].reason
