"""Written tests are read by the sandbox as they are, originals first, and pass the reference."""

from __future__ import annotations

import pytest

from curation.gen_tests.emit import assert_line, emit_tests
from curation.gen_tests.problem import Candidate, load_problem
from curation.gen_tests.validate import AgreedCase
from sandbox import SandboxLimits, parse_tests, run_tests

REF = "def pair(a, b):\n    return (min(a, b), max(a, b))\n"
HALF = "def half(x):\n    return x / 2\n"


def _case(text: str, value: object) -> AgreedCase:
    return AgreedCase(Candidate("mutation", text), repr(value), value, frozenset({0}))


@pytest.mark.parametrize(
    ("tests", "program", "cases", "n_original"),
    [
        pytest.param(
            {"test_list": ["assert pair(2, 1) == (1, 2)"]},
            REF,
            [_case("[5, 3]", (3, 5)), _case("[0, 0]", (0, 0))],
            1,
            id="mbpp_tuple_values",
        ),
        pytest.param(
            {
                "test": "def check(candidate):\n    assert candidate(2, 1) == (1, 2)\n",
                "entry_point": "pair",
            },
            REF,
            [_case("[5, 3]", (3, 5))],
            1,
            id="humaneval_appends_to_check",
        ),
        pytest.param(
            {"fn_name": "half", "inputs": [[4]], "outputs": [2.0]},
            HALF,
            [_case("[3]", 1.5), _case("[7]", 3.5)],
            1,
            id="call_based_lists",
        ),
        pytest.param(
            {"inputs": ["1 2\n"], "outputs": ["3\n"]},
            "a, b = map(int, input().split())\nprint(a + b)\n",
            [_case("5 5\n", "10\n")],
            1,
            id="stdio_lists",
        ),
    ],
)
def test_written_tests_keep_originals_first_and_pass_the_reference(
    tests: dict, program: str, cases: list[AgreedCase], n_original: int
) -> None:
    problem = load_problem("p", tests, [program])
    written_tests, written = emit_tests(problem, cases)
    assert written == cases
    suite = parse_tests(written_tests, program)
    assert len(suite.cases) == n_original + len(cases)
    report = run_tests(program, written_tests, limits=SandboxLimits(time_s=1.0), backend="local")
    assert report.accepted, report.to_dict()
    wrong = program.replace("min(a, b), max(a, b)", "a, b").replace("x / 2", "x // 2")
    wrong = wrong.replace("a + b", "a * b")
    bad = run_tests(wrong, written_tests, limits=SandboxLimits(time_s=1.0), backend="local")
    assert not bad.accepted


def test_values_without_an_exact_literal_are_left_out() -> None:
    class Opaque:
        def __repr__(self) -> str:
            return "<opaque>"

    assert assert_line("f", _case("[1]", Opaque())) is None
    assert assert_line("f", _case("[1]", float("nan"))) is None
    line = assert_line("f", _case("[1]", 0.1 + 0.2))
    assert line is not None and "abs(f(1) - 0.30000000000000004)" in line
    problem = load_problem("c", {"fn_name": "f", "inputs": [[1]], "outputs": [1]}, ["def f(x): 1"])
    _, written = emit_tests(problem, [_case("[1]", {1, 2}), _case("[2]", [3])])
    assert [c.candidate.text for c in written] == ["[2]"]  # a set has no JSON form
