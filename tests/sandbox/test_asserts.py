"""Cutting assert-style tests so the program never judges itself."""

from __future__ import annotations

from sandbox.asserts import split_humaneval, split_mbpp


def test_literal_assert_is_judged_on_the_host() -> None:
    (check,) = split_humaneval(
        {
            "test": "def check(candidate):\n    assert candidate([1, 2]) == (3, 'x')\n",
            "entry_point": "f",
        },
        "",
    )
    assert check.exprs == ("candidate([1, 2])",)
    assert check.has_literal and check.expected == (3, "x")
    assert check.judge is None and check.whole is None
    assert "3" not in str(check.for_jail())


def test_non_literal_assert_goes_to_the_clean_judge() -> None:
    (check,) = split_humaneval(
        {
            "test": "import math\ndef check(candidate):\n"
            "    assert math.isclose(candidate(2), 1.5)\n",
            "entry_point": "f",
        },
        "",
    )
    assert check.exprs == ("candidate(2)",)
    assert check.judge == "math.isclose(__rlvr_r[0], 1.5)"
    assert "1.5" not in " ".join(check.exprs)
    assert check.setup == ("import math",)


def test_each_assert_is_a_test_with_its_prelude() -> None:
    checks = split_humaneval(
        {
            "test": "def check(c):\n    x = [1]\n    assert c(x) == 1\n    assert c([]) == 0\n",
            "entry_point": "f",
        },
        "",
    )
    assert len(checks) == 2
    assert checks[1].setup[-1] == "x = [1]"
    assert dict(checks[0].bind) == {"c": "f", "f": "f"}


def test_loops_and_comprehensions_run_whole() -> None:
    loop = split_humaneval(
        {
            "test": "def check(candidate):\n    for i in range(3):\n"
            "        assert candidate(i) == i\n",
            "entry_point": "f",
        },
        "",
    )
    comp = split_mbpp(
        {"test_list": ["assert all(f(i) == i for i in range(3))"]}, "def f(x): return x"
    )
    assert len(loop) == 1 and loop[0].whole == "check(f)"
    assert dict(loop[0].bind) == {"candidate": "f", "f": "f"}
    assert comp[0].whole is not None and dict(comp[0].bind) == {"f": "f"}
    assert loop[0].needs_judge and comp[0].needs_judge


def test_mbpp_entry_points_come_from_the_program() -> None:
    checks = split_mbpp(
        {
            "test_list": ["assert add(1, 2) == 3", "assert helper() is None"],
            "test_imports": ["import os"],
        },
        "def add(a, b):\n    return a + b\ndef helper():\n    pass\n",
    )
    assert checks[0].exprs == ("add(1, 2)",) and checks[0].expected == 3
    assert checks[1].judge == "__rlvr_r[0] is None"
    assert checks[0].setup == ("import os",)
