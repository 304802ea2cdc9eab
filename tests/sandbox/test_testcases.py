"""Reading the dataset formats (host side): what enters the jail never holds answers."""

from __future__ import annotations

import json

import pytest

from sandbox import TestFormatError, TestKind, parse_tests

SECRET = "EXPECTED-91ab"


def test_stdio_lists_of_lines_are_joined() -> None:
    suite = parse_tests({"inputs": [["1 2", "3"], "4\n"], "outputs": [["3", "3"], 4]})
    assert suite.kind is TestKind.STDIO
    assert suite.cases[0].stdin == "1 2\n3\n"
    assert suite.cases[1].expected_stdout == "4"


def test_json_text_is_accepted() -> None:
    suite = parse_tests(json.dumps({"inputs": ["1"], "outputs": ["1"]}))
    assert len(suite.cases) == 1


@pytest.mark.parametrize(
    "tests",
    [
        {"inputs": [SECRET], "outputs": [SECRET]},
        {"fn_name": "f", "inputs": [[1]], "outputs": [SECRET]},
        {
            "test": f"def check(candidate):\n    assert candidate(1) == {SECRET!r}\n",
            "entry_point": "f",
        },
        {"test_list": [f"assert f(1) == {SECRET!r}"]},
    ],
    ids=["stdio", "call", "humaneval", "mbpp"],
)
def test_expected_outputs_never_enter_the_jail(tests: dict) -> None:
    suite = parse_tests(tests, "def f(x):\n    return x\n")
    jail = json.dumps(suite.jail_tests())
    if suite.kind is TestKind.STDIO:
        jail = jail.replace(json.dumps(SECRET)[1:-1], "", 1)  # the input may equal the output
    assert SECRET not in jail


def test_call_inputs_in_livecodebench_style() -> None:
    suite = parse_tests({"fn_name": "f", "inputs": ["[1, 2]\n3"], "outputs": ["[4]"]})
    assert json.loads(suite.cases[0].args_json) == [[1, 2], 3]
    assert suite.cases[0].expected_value == [4]


def test_call_non_list_input_is_one_argument() -> None:
    suite = parse_tests({"fn_name": "f", "inputs": [{"a": 1}], "outputs": [1]})
    assert json.loads(suite.cases[0].args_json) == [{"a": 1}]


@pytest.mark.parametrize(
    "tests",
    [
        42,
        [],
        "not json",
        {"inputs": [1, 2], "outputs": [1]},
        {"outputs": []},
        {"test": "def check(candidate):\n    pass\n", "entry_point": "f"},
        {"test": "def check(:", "entry_point": "f"},
        {"test_list": []},
    ],
    ids=[
        "not_a_dict",
        "empty_list",
        "bad_json",
        "length_mismatch",
        "no_inputs",
        "no_assert",
        "syntax_error",
        "empty_mbpp",
    ],
)
def test_bad_tests_raise_format_error(tests: object) -> None:
    with pytest.raises(TestFormatError):
        parse_tests(tests)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("tests", "kind", "count"),
    [
        ({"input_output": json.dumps({"inputs": ["1"], "outputs": ["1"]})}, TestKind.STDIO, 1),
        ({"input_output": {"fn_name": "f", "inputs": [[1]], "outputs": [1]}}, TestKind.CALL, 1),
        (
            {
                "public_tests": {"input": ["1"], "output": ["1"]},
                "private_tests": {"input": ["2", "3"], "output": ["2", "3"]},
            },
            TestKind.STDIO,
            3,
        ),
        ({"input": ["1", "2"], "output": ["1", "2"]}, TestKind.STDIO, 2),
        ([{"input": "1\n", "output": "1\n", "testtype": "stdin"}], TestKind.STDIO, 1),
        (
            {
                "tests": [{"input": "[1]", "output": "1", "testtype": "functional"}],
                "func_name": "f",
            },
            TestKind.CALL,
            1,
        ),
    ],
    ids=[
        "apps_input_output_text",
        "taco_input_output_dict",
        "codecontests_splits_concatenated",
        "singular_keys",
        "livecodebench_stdin_list",
        "livecodebench_functional",
    ],
)
def test_other_spellings(tests: object, kind: TestKind, count: int) -> None:
    suite = parse_tests(tests)  # type: ignore[arg-type]
    assert suite.kind is kind and len(suite.cases) == count


def test_functional_list_without_name_is_an_error() -> None:
    with pytest.raises(TestFormatError):
        parse_tests([{"input": "[1]", "output": "1", "testtype": "functional"}])  # type: ignore[arg-type]
