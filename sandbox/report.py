"""What a sandbox run returns: one TestResult per test, gathered in a TestReport."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any


class TestVerdict(str, enum.Enum):
    """How one test ended. ``passed`` is the only success."""

    __test__ = False  # not a pytest class

    PASSED = "passed"
    WRONG_ANSWER = "wrong_answer"
    RUNTIME_ERROR = "runtime_error"
    TIMEOUT = "timeout"
    MEMORY_LIMIT = "memory_limit"
    OUTPUT_LIMIT = "output_limit"
    COMPILE_ERROR = "compile_error"
    SANDBOX_ERROR = "sandbox_error"
    UNSUPPORTED = "unsupported"  # the test cannot be judged across the boundary (not a guess)


@dataclasses.dataclass(frozen=True)
class TestResult:
    """One test: its verdict, why, and what it cost.

    ``cpu_s`` is the CPU time of every process of the test (the cgroup's count)
    and is what the time limit judges; ``wall_s`` is reported separately.
    """

    __test__ = False

    index: int
    verdict: TestVerdict
    reason: str = ""
    exit_code: int | None = None
    signal: int | None = None
    cpu_s: float | None = None
    wall_s: float = 0.0
    memory_peak_mb: float | None = None
    stderr: str = ""

    @property
    def passed(self) -> bool:
        return self.verdict is TestVerdict.PASSED

    @property
    def run_time_s(self) -> float:
        """Wall-clock run time of the test (``cpu_s`` is what the limit judges)."""
        return self.wall_s

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["verdict"] = self.verdict.value
        return data


@dataclasses.dataclass(frozen=True)
class TestReport:
    """All tests of one program. Every test runs: partial rewards are exact.

    ``setup_asserts``: asserts of the tests that call no function under test
    (``assert True``); they were run as setup and are not in ``per_test``.
    """

    __test__ = False

    per_test: tuple[TestResult, ...]
    backend: str = ""
    language: str = ""
    compile_output: str = ""
    elapsed_s: float = 0.0
    setup_asserts: int = 0

    @property
    def passed(self) -> int:
        return sum(result.passed for result in self.per_test)

    @property
    def pass_fraction(self) -> float:
        return self.passed / len(self.per_test) if self.per_test else 0.0

    @property
    def accepted(self) -> bool:
        return bool(self.per_test) and all(result.passed for result in self.per_test)

    @property
    def verdict_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for result in self.per_test:
            counts[result.verdict.value] = counts.get(result.verdict.value, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "per_test": [result.to_dict() for result in self.per_test],
            "pass_fraction": self.pass_fraction,
            "accepted": self.accepted,
            "backend": self.backend,
            "language": self.language,
            "compile_output": self.compile_output,
            "elapsed_s": self.elapsed_s,
            "setup_asserts": self.setup_asserts,
        }
