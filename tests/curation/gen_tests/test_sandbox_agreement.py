"""The references really run in the sandbox: disagreement, crashes and hangs on real programs."""

from __future__ import annotations

import ast
import time

import pytest

from curation.gen_tests import (
    GenTestsConfig,
    InputSource,
    Problem,
    ProblemResult,
    generate_for_problem,
    load_problem,
)
from curation.gen_tests.execute import run_inputs
from sandbox import SandboxLimits

RIGHT = "def grow(xs, k):\n    return [x + k for x in xs]\n"
ALSO_RIGHT = (
    "def grow(xs, k):\n    out = []\n    for x in xs:\n        out.append(k + x)\n    return out\n"
)
WRONG_ON_BIG = (  # agrees on the original tests, differs when k >= 6
    "def grow(xs, k):\n    return [x + k if k < 6 else x + k - 1 for x in xs]\n"
)
TESTS = {"test_list": ["assert grow([1, 2], 1) == [2, 3]", "assert grow([0], 3) == [3]"]}
CONFIG = GenTestsConfig(
    sources=(InputSource.MUTATION, InputSource.GENERATOR),
    generator_seeds=6,
    mutations_per_input=6,
    max_size=20,
    mutants=4,
    limits=SandboxLimits(time_s=1.0),
)


def _added_k(problem: Problem, config: GenTestsConfig) -> tuple[ProblemResult, list[int]]:
    """The result, and the ``k`` argument of every generated assert."""
    result = generate_for_problem(problem, config)
    added = result.tests["test_list"][len(TESTS["test_list"]) :]
    calls = [ast.parse(line).body[0].test.left for line in added]  # type: ignore[attr-defined]
    return result, [ast.literal_eval(call.args[1]) for call in calls]


def test_a_case_the_references_disagree_on_is_never_kept() -> None:
    problem = load_problem("p", TESTS, [RIGHT, ALSO_RIGHT, WRONG_ON_BIG])
    result, ks = _added_k(problem, CONFIG)  # 3 references: all 3 must agree
    assert result.rejected.get("references_disagree", 0) > 0
    assert ks and all(k < 6 for k in ks)  # where the buggy reference differs, nothing is kept
    assert result.refs_passed == 3 and result.kept


def test_kimi_fraction_keeps_majority_cases_and_rejects_the_problem() -> None:
    """7 of 10 agree: the case is kept; then the 3 dissenters fail it, so fewer than 9 pass."""
    refs = [RIGHT] * 4 + [ALSO_RIGHT] * 3 + [WRONG_ON_BIG] * 3
    problem = load_problem("p", TESTS, refs)
    config = CONFIG.model_copy(update={"strength": False})
    result, ks = _added_k(problem, config)
    assert any(k >= 6 for k in ks)  # the majority's output became the expectation
    assert result.refs_passed == 7
    assert not result.kept


def test_a_hanging_reference_costs_one_time_limit_not_the_batch() -> None:
    hangs = "def f(n):\n    while n == 3:\n        pass\n    return n * 2\n"
    problem = load_problem("h", {"test_list": ["assert f(1) == 2"]}, [hangs])
    limits = SandboxLimits(time_s=0.5)
    started = time.monotonic()
    outcomes = run_inputs(
        hangs, problem, [f"[{i}]" for i in range(8)], limits=limits, backend="local"
    )
    elapsed = time.monotonic() - started
    assert [o.ok for o in outcomes] == [True, True, True, False, True, True, True, True]
    assert outcomes[3].error and outcomes[3].error.startswith("timeout")
    assert [o.value for o in outcomes if o.ok] == [0, 2, 4, 8, 10, 12, 14]
    assert elapsed < limits.wall_limit_s + 4.0


@pytest.mark.parametrize(
    ("program", "kind"),
    [
        pytest.param("def f(n):\n    return 1 // (n - 2)\n", "runtime_error", id="raises"),
        pytest.param(
            "def f(n):\n    return -1 if n == 1 else len([0] * 10**9)\n", "memory", id="memory"
        ),
    ],
)
def test_a_failing_reference_is_an_outcome_not_an_exception(program: str, kind: str) -> None:
    problem = load_problem("c", {"test_list": ["assert f(1) == -1"]}, [program])
    outcomes = run_inputs(
        program, problem, ["[1]", "[2]"], limits=SandboxLimits(time_s=1.0), backend="local"
    )
    assert outcomes[0].ok and outcomes[0].value == -1
    assert not outcomes[1].ok and str(outcomes[1].error).startswith(kind)
