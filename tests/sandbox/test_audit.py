"""``sandbox audit`` on benchmark rows: an equivalent mutant is not a false pass (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox import suites
from sandbox.audit import AuditRow, audit_benchmarks

# Both branches return the same value: the off-by-one and the flipped comparison
# of this reference are equivalent mutants (the dataset's harness accepts them).
DEAD_BRANCH = {
    "task_id": 9001,
    "code": "def add_capped(a, b):\n    if a > 1000:\n        return a + b\n    return a + b\n",
    "test_imports": [],
    "test_list": ["assert add_capped(1, 2) == 3", "assert add_capped(5, 5) == 10"],
}
# Every mutant of this one is wrong (x * 3, ``return []``, NotImplementedError).
DOUBLE = {
    "task_id": 9002,
    "code": "def double(x):\n    return x * 2\n",
    "test_imports": [],
    "test_list": ["assert double(2) == 4", "assert double(5) == 10"],
}


def _audit(tmp_path: Path, engine: object, rows: list[dict[str, object]]) -> list[AuditRow]:
    path = tmp_path / "mbpp.json"
    path.write_text(json.dumps(rows))
    return audit_benchmarks(engine, "mbpp", str(path), 0)


def test_the_rows_mutants_are_what_the_test_says() -> None:
    kinds = dict(suites.mutants(suites.mbpp_problem(DEAD_BRANCH)))
    assert "1001" in kinds["off_by_one"]
    assert "a <= 1000" in kinds["flipped_comparison"]
    problem = suites.mbpp_problem(DEAD_BRANCH)
    assert suites.anchor_accepts(problem, kinds["off_by_one"])
    assert suites.anchor_accepts(problem, kinds["flipped_comparison"])
    assert not suites.anchor_accepts(problem, kinds["not_implemented"])


def test_equivalent_mutants_are_not_false_passes(tmp_path: Path, local_backend: object) -> None:
    references, mutants = _audit(tmp_path, local_backend, [DEAD_BRANCH, DOUBLE])
    assert references.blocked, references
    assert mutants.blocked, mutants
    assert mutants.attack == (
        "mutants rejected (4/6; 2 equivalent (the anchor accepts them too), 0 false passes)"
    )
    assert mutants.detail == "equivalent: 9001:off_by_one, 9001:flipped_comparison"


def test_a_mutant_the_anchor_rejects_is_still_a_false_pass(
    tmp_path: Path, local_backend: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The anchor decides: were it to reject the accepted mutants, they are false passes."""
    monkeypatch.setattr(suites, "anchor_accepts", lambda problem, program: False)
    _references, mutants = _audit(tmp_path, local_backend, [DEAD_BRANCH])
    assert not mutants.blocked
    assert "2 false passes" in mutants.attack
    assert mutants.detail == "9001:off_by_one, 9001:flipped_comparison"
