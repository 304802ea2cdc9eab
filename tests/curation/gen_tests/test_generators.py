"""Source (b): generator programs run in the jail with seeds, CYaRon bundled in."""

from __future__ import annotations

import ast

from curation.gen_tests.generators import run_generator, synthesise_generator
from curation.gen_tests.problem import load_problem
from sandbox import SandboxLimits

LIMITS = SandboxLimits(time_s=2.0)
MBPP = {"test_list": ["assert f([1, 2], 'ab') == 2", "assert f([0, 9, 4], 'xyz') == 3"]}
REF = "def f(xs, s):\n    return len(xs)\n"


def test_synthesised_cyaron_generator_runs_in_the_jail_with_the_originals_shape() -> None:
    problem = load_problem("g", MBPP, [REF])
    program = synthesise_generator(problem, max_size=30)
    assert program is not None and "import cyaron" in program
    found, failed = run_generator(
        program, problem, seeds=6, seed=0, limits=LIMITS, backend="local", language="python"
    )
    assert failed == 0 and len(found) == 6
    for candidate in found:
        xs, s = ast.literal_eval(candidate.text)
        assert all(isinstance(x, int) and 0 <= x <= 9 for x in xs)
        assert set(s) <= set("abxyz") and len(xs) <= 30
    again, _ = run_generator(
        program, problem, seeds=6, seed=0, limits=LIMITS, backend="local", language="python"
    )
    assert again == found  # seeded: the same inputs on a rerun (resume)
    assert max(len(ast.literal_eval(c.text)[0]) for c in found) > 3  # sizes grow with the seed


def test_shipped_stdio_generator_and_its_failures() -> None:
    tests = {"inputs": ["2\n1 2\n"], "outputs": ["3\n"]}
    solution = "input()\nprint(sum(map(int, input().split())))\n"
    generator = (
        "import random, sys\nseed = int(sys.stdin.read())\nrandom.seed(seed)\n"
        "if seed == 2:\n    raise SystemExit(3)\n"
        "n = random.randint(1, 5)\nprint(n)\nprint(*[random.randint(-9, 9) for _ in range(n)])\n"
    )
    problem = load_problem("s", tests, [solution], generator=generator)
    assert problem.generator == generator
    found, failed = run_generator(
        generator, problem, seeds=4, seed=0, limits=LIMITS, backend="local", language="python"
    )
    assert failed == 1 and len(found) == 3
    for candidate in found:
        n, values = candidate.text.splitlines()
        assert len(values.split()) == int(n)


def test_generator_output_that_is_not_an_argument_list_is_a_failure() -> None:
    problem = load_problem("g", MBPP, [REF])
    found, failed = run_generator(
        "print('not a list')\n",
        problem,
        seeds=2,
        seed=0,
        limits=LIMITS,
        backend="local",
        language="python",
    )
    assert found == [] and failed == 2


def test_no_generator_without_readable_originals_or_for_stdio() -> None:
    stdio = load_problem("s", {"inputs": ["1\n"], "outputs": ["1\n"]}, ["print(input())"])
    assert synthesise_generator(stdio, 10) is None
