"""The ``code`` verifier: extraction from the answer part, reward by tests passed."""

from __future__ import annotations

import json

import pytest

from verifiers.code import extract_program, verify
from verifiers.core import registry
from verifiers.core.options import OptionsError
from verifiers.core.verdict import Status

ADD_TESTS = {"inputs": ["1 2\n", "2 2\n", "0 5\n", "4 4\n"], "outputs": ["3", "4", "5", "8"]}
GOOD = "a, b = map(int, input().split())\nprint(a + b)\n"
HALF = "a, b = map(int, input().split())\nprint(a + b if a == 1 else 0)\n"


def fenced(code: str, tag: str = "python") -> str:
    return f"```{tag}\n{code}```"


EXTRACTION = [
    ("<think>x</think>" + fenced("print(1)\n"), "print(1)\n", "python"),
    ("<think>```python\nprint(0)\n```</think>" + fenced("print(2)\n"), "print(2)\n", "python"),
    (fenced("print(1)\n") + "\nthen\n" + fenced("int main(){}\n", "cpp"), "int main(){}\n", "cpp"),
    ("<think>t</think><answer>" + fenced("x = 1\n", "") + "</answer>", "x = 1\n", None),
    ("```py title\nprint(3)\n```", "print(3)\n", "py"),
]


@pytest.mark.parametrize(
    ("response", "program", "tag"),
    EXTRACTION,
    ids=[
        "after_think",
        "code_in_thought_ignored",
        "last_block_wins",
        "inside_answer_tags",
        "fence_info",
    ],
)
def test_extract_program(response: str, program: str, tag: str | None) -> None:
    assert extract_program(response) == (program, tag)


@pytest.mark.parametrize(
    "response",
    ["no code here", "<think>" + fenced("print(1)\n"), "```python\nprint(1)\n", ""],
    ids=["no_fence", "truncated_thought", "unclosed_fence", "empty"],
)
def test_no_program_is_no_answer(response: str) -> None:
    verdict = verify(response, ADD_TESTS)
    assert verdict.status is Status.NO_ANSWER and verdict.score == 0.0


def test_unfenced_answer_when_allowed() -> None:
    assert extract_program("<think>t</think>print(1)", allow_unfenced=True) == ("print(1)", None)


def test_pass_fraction_and_all_or_nothing() -> None:
    response = "<think>add</think>" + fenced(HALF)
    partial = verify(response, ADD_TESTS, backend="local")
    strict = verify(response, json.dumps(ADD_TESTS), backend="local", all_or_nothing=True)
    assert partial.status is Status.OK and partial.score == 0.25 and partial.correct is False
    assert strict.score == 0.0
    verdicts = [test["verdict"] for test in partial.details["per_test"]]
    assert verdicts == ["passed", "wrong_answer", "wrong_answer", "wrong_answer"]


def test_correct_program_through_the_registry() -> None:
    verdict = registry.verify("code", fenced(GOOD), ADD_TESTS, backend="local")
    assert verdict.correct is True and verdict.score == 1.0
    assert verdict.details["passed"] == 4 and verdict.extracted == GOOD


def test_unknown_option_is_an_error_naming_the_valid_keys() -> None:
    with pytest.raises(OptionsError, match=r"unknown option 'unknown_option'.*all_or_nothing"):
        registry.verify("code", fenced(GOOD), ADD_TESTS, backend="local", unknown_option=1)


def test_language_from_fence_beats_option() -> None:
    cpp = '#include <cstdio>\nint main(){ int a, b; scanf("%d %d", &a, &b);'
    cpp += ' printf("%d\\n", a + b); }\n'
    verdict = verify(fenced(cpp, "cpp"), ADD_TESTS, language="python", backend="local")
    assert verdict.details["language"] == "cpp" and verdict.score == 1.0


def test_limits_options_are_applied() -> None:
    verdict = verify(
        fenced("while True:\n    pass\n"), ADD_TESTS, time_s=0.2, wall_s=1.0, backend="local"
    )
    assert verdict.score == 0.0
    assert {test["verdict"] for test in verdict.details["per_test"]} == {"timeout"}


@pytest.mark.parametrize(
    "reference",
    [
        {"nonsense": 1},
        "not json",
        None,
        {"inputs": [], "outputs": []},
        {"inputs": ["1"], "outputs": ["1", "2"]},
        {"test_list": 5},
        {"test": "assert f(1) == 1", "entry_point": 5},
        {"test": "def check(c):\n    pass\n", "entry_point": "f"},
    ],
    ids=[
        "unknown_format",
        "bad_json",
        "none",
        "no_cases",
        "lengths_differ",
        "test_list_not_a_list",
        "entry_point_not_a_name",
        "no_assert",
    ],
)
@pytest.mark.parametrize("response", [fenced(GOOD), "no code at all"], ids=["code", "no_code"])
def test_unreadable_reference_is_a_reference_error(reference: object, response: str) -> None:
    """The dataset's fault, not the model's, whatever the response holds (issue 14)."""
    verdict = verify(response, reference, backend="local")
    assert verdict.status is Status.REFERENCE_ERROR, verdict
    assert verdict.correct is None and verdict.reason.startswith("unreadable reference tests")
    through_registry = registry.verify("code", response, reference, backend="local")
    assert through_registry.status is Status.REFERENCE_ERROR


def test_compile_error_scores_zero() -> None:
    verdict = verify(fenced("print(\n"), ADD_TESTS, backend="local")
    assert verdict.status is Status.OK and verdict.score == 0.0
    assert verdict.details["verdicts"] == {"compile_error": 4}


HUMANEVAL_STYLE = {
    "test": "def check(candidate):\n    assert True, 'debug'\n"
    "    assert candidate([1, 2]) == 3\n    assert abs(candidate([0.5]) - 0.5) < 1e-9\n",
    "entry_point": "total",
    "trusted_setup": "from typing import List",
}


def test_assert_tests_score_only_calls_of_the_entry_point() -> None:
    honest = verify(
        fenced("def total(xs):\n    return sum(xs)\n"), HUMANEVAL_STYLE, backend="local"
    )
    assert honest.score == 1.0 and honest.details["setup_asserts"] == 1
    assert honest.details["total"] == 2
    shadow = "def abs(x):\n    return 0\ndef total(xs):\n    return 3\n"
    faked = verify(fenced(shadow), HUMANEVAL_STYLE, backend="local")
    assert faked.score == 0.5 and faked.status is Status.OK


def test_an_unsupported_test_is_an_error_not_a_score() -> None:
    tests = {"test": "def check(c):\n    assert c(len) == 1\n", "entry_point": "f"}
    verdict = verify(fenced("def f(g):\n    return g([1])\n"), tests, backend="local")
    assert verdict.status is Status.ERROR and verdict.correct is None
    assert verdict.reason.startswith("unsupported test")
