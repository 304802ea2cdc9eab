"""The public entry points: limits as dict or object, the async twin, backend selection."""

from __future__ import annotations

import asyncio

import pytest

from sandbox import SandboxLimits, TestVerdict, run_tests, run_tests_async
from sandbox.backends import create_backend, default_backend_name

TESTS = {"inputs": ["2\n", "3\n"], "outputs": ["4", "9"]}
SQUARE = "x = int(input())\nprint(x * x)\n"


async def test_async_twin_runs_programs_concurrently(local_backend: object) -> None:
    programs = [SQUARE, "print(0)", "x = int(input())\nprint(x + x)\n"]
    reports = await asyncio.gather(
        *(run_tests_async(p, TESTS, backend=local_backend) for p in programs)
    )
    assert [r.pass_fraction for r in reports] == [1.0, 0.0, 0.5]


@pytest.mark.parametrize(
    "limits",
    [{"time_s": 0.3, "wall_s": 10.0}, SandboxLimits(time_s=0.3, wall_s=10.0)],
    ids=["dict", "object"],
)
def test_limits_as_dict_or_object(limits: object, local_backend: object) -> None:
    report = run_tests("while True:\n    pass\n", TESTS, limits=limits, backend=local_backend)
    assert {r.verdict for r in report.per_test} == {TestVerdict.TIMEOUT}
    assert all(r.cpu_s is not None and r.cpu_s >= 0.3 for r in report.per_test)


def test_output_limit_is_configurable(local_backend: object) -> None:
    program = "print('x' * (2 * 1024 * 1024))\n"
    tests = {"inputs": [""], "outputs": ["x" * (2 * 1024 * 1024)]}
    small = run_tests(program, tests, limits={"output_mb": 1}, backend=local_backend)
    large = run_tests(program, tests, limits={"output_mb": 4}, backend=local_backend)
    assert small.per_test[0].verdict is TestVerdict.OUTPUT_LIMIT
    assert large.per_test[0].verdict is TestVerdict.PASSED


def test_memory_limit_is_configurable(jail_backend: object) -> None:
    program = "x = bytearray(150 * 1024 * 1024)\nprint(len(x) > 0)\n"
    tests = {"inputs": [""], "outputs": ["True"]}
    small = run_tests(program, tests, limits={"memory_mb": 100}, backend=jail_backend)
    large = run_tests(program, tests, limits={"memory_mb": 300}, backend=jail_backend)
    assert small.per_test[0].verdict is TestVerdict.MEMORY_LIMIT
    assert large.per_test[0].verdict is TestVerdict.PASSED


def test_unknown_limit_is_a_programmer_error() -> None:
    with pytest.raises(ValueError):
        SandboxLimits.coerce({"time": 1})


def test_backend_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RLVR_SANDBOX_BACKEND", "local")
    assert default_backend_name() == "local"
    with pytest.raises(ValueError):
        create_backend("nope")


def test_report_serialises(local_backend: object) -> None:
    data = run_tests(SQUARE, TESTS, backend=local_backend).to_dict()
    assert data["pass_fraction"] == 1.0 and data["accepted"] is True
    assert data["per_test"][0]["verdict"] == "passed"


@pytest.mark.parametrize("language", ["python", "cpp"])
def test_nothing_of_a_program_survives_into_the_next(language: str, jail_backend: object) -> None:
    """Jails serve programs one after another: a broken program never runs the last one."""
    good = {
        "python": "print(int(input()) * 2)\n",
        "cpp": '#include <cstdio>\nint main(){int x; scanf("%d", &x); printf("%d\\n", 2 * x);}\n',
    }[language]
    tests = {"inputs": ["2\n"], "outputs": ["4"]}
    for _ in range(3):  # enough to land in every warm jail of the pool
        assert run_tests(good, tests, language=language, backend=jail_backend).accepted
    for _ in range(3):
        broken = run_tests("this does not compile(", tests, language=language, backend=jail_backend)
        assert broken.per_test[0].verdict is TestVerdict.COMPILE_ERROR


def test_verdicts_do_not_change_with_concurrency(local_backend: object) -> None:
    """The time limit is on CPU time: four programs at once on two cores still pass."""
    burn = "import time\ns = time.process_time()\nwhile time.process_time() - s < 0.3:\n    pass\n"
    program = burn + "print(int(input()) + 1)\n"
    tests = {"inputs": ["1\n"], "outputs": ["2"]}
    limits = {"time_s": 0.8, "wall_s": 20.0}

    async def many() -> list:
        runs = [
            run_tests_async(program, tests, limits=limits, backend=local_backend) for _ in range(4)
        ]
        return await asyncio.gather(*runs)

    reports = asyncio.run(many())
    assert all(report.accepted for report in reports), [r.per_test[0].reason for r in reports]
    assert all(0.25 < report.per_test[0].cpu_s < 0.8 for report in reports)
