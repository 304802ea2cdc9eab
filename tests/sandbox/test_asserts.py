"""Cutting assert-style tests so that no expected value reaches the program."""

from __future__ import annotations

import json

import pytest

from sandbox.asserts import mbpp_entry_point, split_humaneval, split_mbpp
from sandbox.testcases import TestFormatError, parse_tests


def _humaneval(body: str, entry: str = "f", **extra: str) -> list:
    tests = {"test": body, "entry_point": entry, **extra}
    return split_humaneval(tests, "").tests


def test_literal_assert_is_judged_on_the_host() -> None:
    (check,) = _humaneval("def check(candidate):\n    assert candidate([1, 2]) == (3, 'x')\n")
    assert check.calls == (("f", [[1, 2]], {"$dict": []}),)
    assert check.has_literal and check.expected == (3, "x")
    assert check.judge is None and check.whole is None
    jail = json.dumps(check.for_jail())
    assert "3" not in jail and "assert" not in jail and "candidate" not in jail


def test_non_literal_assert_goes_to_the_clean_judge() -> None:
    (check,) = _humaneval(
        "import math\ndef check(candidate):\n    assert math.isclose(candidate(2), 1.5)\n"
    )
    assert check.calls == (("f", [2], {"$dict": []}),)
    assert check.judge == "math.isclose(__rlvr_r[0], 1.5)"
    assert "1.5" not in json.dumps(check.for_jail())
    assert check.setup == ("import math",)


def test_each_assert_is_a_test_with_its_prelude() -> None:
    checks = _humaneval("def check(c):\n    x = [1]\n    assert c(x) == 1\n    assert c([]) == 0\n")
    assert len(checks) == 2
    # c(x): the argument is the test's own value, so the judge runs it and calls across
    assert checks[0].whole == "assert c(x) == 1" and checks[0].setup[-1] == "x = [1]"
    assert dict(checks[0].aliases) == {"c": "f"} and checks[0].for_jail() == {"probe": ["f"]}
    assert checks[1].calls == (("f", [[]], {"$dict": []}),) and checks[1].expected == 0


def test_loops_run_whole_in_the_judge() -> None:
    (loop,) = _humaneval(
        "def check(candidate):\n    for i in range(3):\n        assert candidate(i) == i\n"
    )
    assert loop.whole == "check(f)" and dict(loop.aliases) == {"f": "f"}
    assert any("def check(candidate)" in block for block in loop.setup)
    assert loop.for_jail() == {"probe": ["f"]}
    (comp,) = split_mbpp({"test_list": ["assert all(f(i) == i for i in range(3))"]}, "").tests
    assert comp.whole is not None and dict(comp.aliases) == {"f": "f"}


def test_only_the_entry_point_is_under_test() -> None:
    program = "def set(*a):\n    return 0\ndef abs(x):\n    return 0\ndef f(x):\n    return x\n"
    (check,) = split_mbpp(
        {"test_list": ["assert set(f([1, 2])) == set([2, 1])"], "entry_point": "f"}, program
    ).tests
    assert check.calls == (("f", [[1, 2]], {"$dict": []}),)
    assert check.judge == "set(__rlvr_r[0]) == set([2, 1])"  # the judge's set, not the program's


def test_mbpp_entry_point_ignores_builtins_and_the_program() -> None:
    asserts = ["assert round(g(2.5)) == abs(-2)", "assert all([g(1)])"]
    assert mbpp_entry_point(asserts) == "g"
    # without an entry point, a program defining `set` does not make it a function under test
    (check, _) = split_mbpp({"test_list": asserts}, "def round(x): return 0").tests
    assert [call[0] for call in check.calls] == ["g"]
    # MBPP 126 tests a function named `sum`: only the reference can say so
    assert mbpp_entry_point(["assert sum(10, 15) == 6"], "def sum(a, b): pass") == "sum"
    with pytest.raises(TestFormatError):
        mbpp_entry_point(["assert sum(10, 15) == 6"])


def test_uncalled_asserts_are_setup_not_tests() -> None:
    split = split_humaneval(
        {
            "test": "def check(candidate):\n    assert True, 'debug'\n"
            "    assert candidate(1) == 2\n    assert 1 + 1 == 2\n",
            "entry_point": "f",
        },
        "",
    )
    assert len(split.tests) == 1 and split.setup_asserts == 2
    suite = parse_tests({"test_list": ["assert True", "assert f(1) == 1"], "entry_point": "f"})
    assert len(suite.cases) == 1 and suite.setup_asserts == 1


def test_trusted_setup_and_the_programs_stdlib_imports_reach_the_judge() -> None:
    split = split_humaneval(
        {
            "test": "def check(candidate):\n    assert abs(poly([1], candidate([1]))) < 1e-6\n",
            "entry_point": "find_zero",
            "trusted_setup": "def poly(xs, x):\n    return xs[0]",
        },
        "import math\n",
    )
    (check,) = split.tests
    assert "def poly(xs, x):\n    return xs[0]" in check.setup
    mbpp = split_mbpp(
        {"test_list": ["assert size((1, 2)) == sys.getsizeof((1, 2))"]},
        "import sys\nimport evil_local_module as sys2\nfrom os import path\n",
    ).tests[0]
    assert mbpp.setup == ("import sys",) and mbpp.judge == "__rlvr_r[0] == sys.getsizeof((1, 2))"


def test_arguments_that_are_not_literals_run_whole() -> None:
    tests = split_mbpp(
        {"test_list": ["assert f(math.pi) == 3", "assert f(f(1)) == 1", "assert f(*[1]) == 1"]},
        "",
    ).tests
    assert all(check.whole is not None for check in tests)
