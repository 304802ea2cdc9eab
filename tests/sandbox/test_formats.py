# ruff: noqa: E501  (program texts in the tables read best on one line)
"""Correct, wrong and edge programs for every test format and both languages, on both backends."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from sandbox import SandboxLimits, run_tests

LIMITS = SandboxLimits(time_s=1.0, wall_s=3.0, memory_mb=256)


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    program: str
    tests: dict[str, Any]
    verdicts: tuple[str, ...]
    language: str = "python"


ADD = {"inputs": ["1 2\n", "10 -3\n", "0 0\n"], "outputs": ["3\n", "7", "0\n\n"]}
SQUARE_CALL = {"fn_name": "square", "inputs": [[2], [3], [-4]], "outputs": [4, 9, 16]}
HUMANEVAL = {
    "test": "METADATA = {}\n\ndef check(candidate):\n    assert candidate([1, 2, 3]) == 6\n"
    "    assert candidate([]) == 0\n    assert abs(candidate([0.5, 0.25]) - 0.75) < 1e-9\n",
    "entry_point": "total",
}
BIG = 16 * 1024 * 1024

CASES = [
    # ------------------------------------------------------------ stdin/stdout
    Case("stdio_correct", "a, b = map(int, input().split())\nprint(a + b)\n", ADD, ("passed",) * 3),
    Case(
        "stdio_off_by_one",
        "a, b = map(int, input().split())\nprint(a + b + 1)\n",
        ADD,
        ("wrong_answer",) * 3,
    ),
    Case(
        "stdio_partial_is_exact",
        "a, b = map(int, input().split())\nprint(a + b if a else 5)\n",
        ADD,
        ("passed", "passed", "wrong_answer"),
    ),
    Case(
        "stdio_crlf_trailing_spaces_and_blank_lines_ignored",
        "import sys\nsys.stdout.write('3   \\r\\n\\r\\n\\n')\n",
        {"inputs": [""], "outputs": ["3"]},
        ("passed",),
    ),
    Case(
        "stdio_case_sensitive",
        "print('yes')\n",
        {"inputs": [""], "outputs": ["YES"]},
        ("wrong_answer",),
    ),
    Case(
        "stdio_leading_space_counts",
        "print(' 3')\n",
        {"inputs": [""], "outputs": ["3"]},
        ("wrong_answer",),
    ),
    Case(
        "stdio_float_tolerance_on_decimal_tokens",
        "print(1/3, 2.0, 7)\n",
        {
            "inputs": ["", "", ""],
            "outputs": ["0.333333333 2 7", "0.3334 2 7", "0.333333333 2.0 7.0"],
        },
        ("wrong_answer", "wrong_answer", "passed"),
    ),
    Case(
        "stdio_integers_exact",
        "print(1000001)\n",
        {"inputs": [""], "outputs": ["1000000"]},
        ("wrong_answer",),
    ),
    Case(
        "stdio_reads_all_stdin_ways",
        "import sys\ndata = open(0).read().split()\nprint(sum(map(int, data)))\n",
        {"inputs": [["1 2", "3 4"], "5\n"], "outputs": [["10"], "5"]},
        ("passed", "passed"),
    ),
    Case(
        "stdio_input_until_eof",
        "n = 0\nwhile True:\n    try:\n        n += int(input())\n    except EOFError:\n        break\nprint(n)\n",
        {"inputs": ["1\n2\n3\n", ""], "outputs": ["6", "0"]},
        ("passed", "passed"),
    ),
    Case(
        "stdio_large_input_fed_concurrently",
        "import sys\nprint(len(sys.stdin.buffer.read()))\n",
        {"inputs": ["x" * (6 * 1024 * 1024)], "outputs": [str(6 * 1024 * 1024)]},
        ("passed",),
    ),
    Case(
        "stdio_16mb_output_is_judged",
        f"import sys\nsys.stdout.write('a' * {BIG - 1} + '\\n')\n",
        {"inputs": [""], "outputs": ["a" * (BIG - 1)]},
        ("passed",),
    ),
    Case(
        "stdio_exception_is_runtime_error",
        "print(1 // 0)\n",
        {"inputs": [""], "outputs": ["1"]},
        ("runtime_error",),
    ),
    Case("stdio_syntax_error_is_compile_error", "print(1\n", ADD, ("compile_error",) * 3),
    Case(
        "stdio_exit_builtin_works",
        "print(3)\nexit()\n",
        {"inputs": [""], "outputs": ["3"]},
        ("passed",),
    ),
    Case(
        "stdio_non_daemon_thread_output_kept",
        "import threading, time\ndef late():\n    time.sleep(0.05)\n    print('late')\n"
        "threading.Thread(target=late).start()\nprint('early')\n",
        {"inputs": [""], "outputs": ["early\nlate"]},
        ("passed",),
    ),
    # -------------------------------------------------------------- call-based
    Case(
        "call_function_correct", "def square(x):\n    return x * x\n", SQUARE_CALL, ("passed",) * 3
    ),
    Case(
        "call_solution_method_correct",
        "class Solution:\n    def square(self, x):\n        return x * x\n",
        SQUARE_CALL,
        ("passed",) * 3,
    ),
    Case(
        "call_wrong",
        "def square(x):\n    return x + x\n",
        SQUARE_CALL,
        ("passed", "wrong_answer", "wrong_answer"),
    ),
    Case(
        "call_strict_types_str_vs_int_and_bool_vs_int",
        "def f(x):\n    return {'a': '3', 'b': True}[x]\n",
        {"fn_name": "f", "inputs": [["a"], ["b"]], "outputs": [3, 1]},
        ("wrong_answer", "wrong_answer"),
    ),
    Case(
        "call_tuple_equals_json_list_and_apps_wrapping",
        "def f(x):\n    return (x, x)\n",
        {"fn_name": "f", "inputs": [[1], [2]], "outputs": [[1, 1], [[2, 2]]]},
        ("passed", "passed"),
    ),
    Case(
        "call_float_tolerance",
        "def f(x):\n    return x / 3\n",
        {"fn_name": "f", "inputs": [[1], [1]], "outputs": [0.3333333333, 0.34]},
        ("passed", "wrong_answer"),
    ),
    Case(
        "call_livecodebench_string_inputs",
        "class Solution:\n    def f(self, nums, k):\n        return sorted(nums)[:k]\n",
        {"fn_name": "f", "inputs": ["[3, 1, 2]\n2"], "outputs": ["[1, 2]"]},
        ("passed",),
    ),
    Case(
        "call_leetcode_names_are_predefined",
        "class Solution:\n    def square(self, x: int) -> List[int]:\n        return Counter([x])[x] * x * x\n",
        SQUARE_CALL,
        ("passed",) * 3,
    ),
    Case(
        "call_prints_do_not_matter",
        "def square(x):\n    print('debug', x)\n    return x * x\n",
        SQUARE_CALL,
        ("passed",) * 3,
    ),
    Case(
        "call_exception_is_runtime_error",
        "def square(x):\n    raise ValueError(x)\n",
        SQUARE_CALL,
        ("runtime_error",) * 3,
    ),
    Case(
        "call_missing_function",
        "def cube(x):\n    return x ** 3\n",
        SQUARE_CALL,
        ("runtime_error",) * 3,
    ),
    # ------------------------------------------------------------ assert-style
    Case("humaneval_correct", "def total(xs):\n    return sum(xs)\n", HUMANEVAL, ("passed",) * 3),
    Case(
        "humaneval_partial_each_assert_is_a_test",
        "def total(xs):\n    return sum(xs) if xs else 1\n",
        HUMANEVAL,
        ("passed", "wrong_answer", "passed"),
    ),
    Case(
        "humaneval_loop_check_runs_whole",
        "def double(x):\n    return 2 * x\n",
        {
            "test": "def check(candidate):\n    for i in range(5):\n        assert candidate(i) == i + i\n",
            "entry_point": "double",
        },
        ("passed",),
    ),
    Case(
        "humaneval_loop_check_wrong",
        "def double(x):\n    return 2 * x if x < 3 else 0\n",
        {
            "test": "def check(candidate):\n    for i in range(5):\n        assert candidate(i) == i + i\n",
            "entry_point": "double",
        },
        ("wrong_answer",),
    ),
    Case(
        "mbpp_with_imports_and_set_compare",
        "def common(a, b):\n    return list(set(a) & set(b))\n",
        {
            "test_list": [
                "assert set(common([1, 2, 3], [2, 3])) == set([2, 3])",
                "assert math.isclose(len(common([1], [1])), 1)",
                "assert common([1], [2]) == []",
            ],
            "test_imports": ["import math"],
        },
        ("passed",) * 3,
    ),
    Case(
        "mbpp_comprehension_assert_recorded_and_replayed",
        "def twice(x):\n    return 2 * x\n",
        {
            "test_list": [
                "assert all(twice(i) == 2 * i for i in range(4))",
                "assert [twice(i) for i in (1, 5)] == [2, 11]",
            ]
        },
        ("passed", "wrong_answer"),
    ),
    Case(
        "mbpp_wrong",
        "def common(a, b):\n    return a\n",
        {"test_list": ["assert common([1, 2], [2]) == [2]", "assert common([], [1]) == []"]},
        ("wrong_answer", "passed"),
    ),
    # --------------------------------------------------------------------- C++
    Case(
        "cpp_correct",
        "#include <iostream>\nint main(){ long long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }\n",
        ADD,
        ("passed",) * 3,
        "cpp",
    ),
    Case(
        "cpp_wrong",
        "#include <iostream>\nint main(){ long long a, b; std::cin >> a >> b; std::cout << a - b << '\\n'; }\n",
        ADD,
        ("wrong_answer", "wrong_answer", "passed"),
        "cpp",
    ),
    Case("cpp_compile_error", "int main() { return x; }\n", ADD, ("compile_error",) * 3, "cpp"),
    Case(
        "cpp_segfault_is_runtime_error",
        "int main(){ volatile int* p = nullptr; return *p; }\n",
        {"inputs": [""], "outputs": [""]},
        ("runtime_error",),
        "cpp",
    ),
    Case(
        "cpp_nonzero_exit_after_correct_output",
        '#include <cstdio>\nint main(){ puts("3"); return 2; }\n',
        {"inputs": [""], "outputs": ["3"]},
        ("runtime_error",),
        "cpp",
    ),
    Case(
        "cpp_call_based_needs_python", "int main(){}\n", SQUARE_CALL, ("compile_error",) * 3, "cpp"
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_format(case: Case, jail_backend: object) -> None:
    report = run_tests(
        case.program, case.tests, language=case.language, limits=LIMITS, backend=jail_backend
    )
    got = tuple(result.verdict.value for result in report.per_test)
    assert got == case.verdicts, [
        (r.verdict.value, r.reason, r.stderr[-300:]) for r in report.per_test
    ]
    assert report.pass_fraction == case.verdicts.count("passed") / len(case.verdicts)
    assert report.accepted == all(v == "passed" for v in case.verdicts)


def test_runtime_error_keeps_stderr_excerpt(local_backend: object) -> None:
    report = run_tests("print(1 // 0)", {"inputs": [""], "outputs": ["1"]}, backend=local_backend)
    assert "ZeroDivisionError" in report.per_test[0].stderr


def test_cpu_time_reported_separately_from_wall(local_backend: object) -> None:
    program = (
        "import time\ns = time.process_time()\nwhile time.process_time() - s < 0.2:\n    pass\n"
    )
    program += "time.sleep(0.3)\nprint(1)\n"
    report = run_tests(program, {"inputs": [""], "outputs": ["1"]}, backend=local_backend)
    result = report.per_test[0]
    assert result.passed
    assert result.cpu_s is not None and 0.15 < result.cpu_s < 0.45
    assert result.wall_s >= 0.45


def test_lanes_keep_test_order(jail_backend: object) -> None:
    """Many tests are split over parallel jails; results come back in test order."""
    n = 13
    tests = {"inputs": [f"{i}\n" for i in range(n)], "outputs": [str(i * i) for i in range(n)]}
    program = "x = int(input())\nprint(x * x if x % 5 else -1)\n"
    report = run_tests(program, tests, limits=LIMITS, backend=jail_backend)
    got = [result.verdict.value for result in report.per_test]
    assert got == ["wrong_answer" if i % 5 == 0 else "passed" for i in range(n)]
    assert [result.index for result in report.per_test] == list(range(n))
