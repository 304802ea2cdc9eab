"""How strict a test set is: the share of wrong programs it rejects.

Wrong programs are the row's known wrong solutions plus mutants of the first
reference (``mutants.py``). Each is run through the real grading path
(``sandbox.run_tests``) on the original tests and, if it survived those, on
the original + generated tests (which start with the originals, so a program
the originals reject is rejected by both).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from curation.gen_tests.mutants import make_mutants
from sandbox import SandboxLimits, run_tests


@dataclasses.dataclass(frozen=True)
class Strength:
    """Counts for one problem, or summed over many."""

    wrong: int = 0
    killed_original: int = 0
    killed_all: int = 0

    def __add__(self, other: Strength) -> Strength:
        return Strength(
            self.wrong + other.wrong,
            self.killed_original + other.killed_original,
            self.killed_all + other.killed_all,
        )

    @property
    def original_share(self) -> float | None:
        return self.killed_original / self.wrong if self.wrong else None

    @property
    def all_share(self) -> float | None:
        return self.killed_all / self.wrong if self.wrong else None


def wrong_programs(references: tuple[str, ...], known: Iterable[str], mutants: int) -> list[str]:
    """Known wrong solutions, then mutants of the first reference (none equal a reference)."""
    made = [source for _, source in make_mutants(references[0], mutants)] if references else []
    refs = set(references)
    return [p for p in dict.fromkeys([*known, *made]) if p not in refs]


def measure(
    programs: list[str],
    original: dict[str, Any],
    extended: dict[str, Any],
    *,
    limits: SandboxLimits,
    backend: Any,
    language: str,
) -> Strength:
    """Kill counts of ``programs`` under the original and the extended tests."""
    killed_original = killed_all = 0
    for program in programs:
        if not _accepted(program, original, limits, backend, language):
            killed_original += 1
            killed_all += 1
        elif not _accepted(program, extended, limits, backend, language):
            killed_all += 1
    return Strength(len(programs), killed_original, killed_all)


def _accepted(
    program: str, tests: dict[str, Any], limits: SandboxLimits, backend: Any, language: str
) -> bool:
    report = run_tests(program, tests, language=language, limits=limits, backend=backend)
    return report.accepted
