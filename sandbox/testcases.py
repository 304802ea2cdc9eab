"""Read the test formats public datasets use, so their rows load as they are.

- stdin/stdout: ``{"inputs": [...], "outputs": [...]}`` (APPS, TACO,
  CodeContests, verl); an element may be a string or a list of lines.
- call-based: the same plus ``"fn_name"`` (a ``class Solution`` method or a
  top-level function). An input is the positional-argument list; a string
  input is LiveCodeBench style (one JSON argument per line, output JSON).
- assert-style: HumanEval ``{"test": "def check(candidate): ...",
  "entry_point": ...}`` or MBPP ``{"test_list": [...], "test_imports": [...],
  "test_setup_code": ..., "entry_point": ...}``; every assert that calls the
  function under test is its own test (see asserts.py). ``entry_point`` may be
  a list of names. ``trusted_setup``: the dataset's own code (HumanEval's
  prompt helpers such as ``poly``, MBPP's setup), run by the judge before the
  check, never taken from the program (``sandbox.suites`` fills it).
- other spellings of these (APPS ``input_output``, CodeContests splits,
  LiveCodeBench case lists): see ``normalise``.

What crosses into the jail is ``TestSuite.jail_tests()``: inputs only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import json
from typing import Any

from sandbox.asserts import AssertSplit, AssertTest, split_humaneval, split_mbpp


class TestFormatError(ValueError):
    """The tests dict is not in a format we know (a data error, not a verdict)."""

    __test__ = False


class TestKind(str, enum.Enum):
    __test__ = False

    STDIO = "stdio"
    CALL = "call"
    ASSERT = "assert"


@dataclasses.dataclass(frozen=True)
class TestCase:
    """One test, with its expectation kept on the host."""

    __test__ = False

    stdin: str = ""
    expected_stdout: str | None = None
    args_json: str | None = None
    expected_value: Any = None
    check: AssertTest | None = None


@dataclasses.dataclass(frozen=True)
class TestSuite:
    __test__ = False

    kind: TestKind
    cases: tuple[TestCase, ...]
    fn_name: str | None = None
    setup_asserts: int = 0  # asserts that call no function under test: setup, not tests

    def jail_tests(self) -> list[dict[str, Any]]:
        """What the jail receives per test: never an expected output."""
        tests: list[dict[str, Any]] = []
        for index, case in enumerate(self.cases):
            if self.kind is TestKind.STDIO:
                test: dict[str, Any] = {"stdin": case.stdin}
            elif self.kind is TestKind.CALL:
                test = {"args": case.args_json}
            else:
                assert case.check is not None, "assert cases always carry their check"
                test = case.check.for_jail()
            tests.append({**test, "case": index})
        return tests


def parse_tests(tests: dict[str, Any] | list[Any] | str, program: str = "") -> TestSuite:
    """Turn a dataset's tests field into a TestSuite (TestFormatError if unknown).

    A field of the wrong type deep inside (``test_list: 5``, ``entry_point: 5``)
    is a format error too: the row is unreadable, which is the dataset's fault.
    Whether the tests can be read never depends on ``program``.
    """
    try:
        return _parse_tests(tests, program)
    except (TypeError, AttributeError, KeyError) as exc:
        raise TestFormatError(f"malformed tests: {exc!r}") from exc


def _parse_tests(tests: dict[str, Any] | list[Any] | str, program: str) -> TestSuite:
    tests = normalise(tests)
    if "test_list" in tests:
        return _assert_suite(split_mbpp(tests, program))
    if "test" in tests and "inputs" not in tests:
        return _assert_suite(split_humaneval(tests, program))
    inputs, outputs = tests.get("inputs"), tests.get("outputs")
    if not isinstance(inputs, list) or not isinstance(outputs, list):
        raise TestFormatError("expected 'inputs' and 'outputs' lists, 'test' or 'test_list'")
    if len(inputs) != len(outputs):
        raise TestFormatError(f"{len(inputs)} inputs but {len(outputs)} outputs")
    if not inputs:
        raise TestFormatError("the tests hold no test case")
    fn_name = tests.get("fn_name")
    if fn_name:
        cases = tuple(_call_case(i, o) for i, o in zip(inputs, outputs, strict=False))
        return TestSuite(TestKind.CALL, cases, fn_name=str(fn_name))
    pairs = zip(inputs, outputs, strict=True)
    cases = tuple(TestCase(stdin=_text(i), expected_stdout=_text(o)) for i, o in pairs)
    return TestSuite(TestKind.STDIO, cases)


def _loads(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise TestFormatError(f"tests are not valid JSON: {exc}") from exc


def normalise(tests: Any) -> dict[str, Any]:
    """Other spellings of the same formats, as they appear in public rows.

    - APPS/TACO rows: ``{"input_output": "<json of inputs/outputs[/fn_name]>"}``;
    - CodeContests: ``public_tests``/``private_tests``/``generated_tests``, each
      ``{"input": [...], "output": [...]}`` (all present ones are used);
    - singular ``input``/``output`` lists;
    - LiveCodeBench: a list of ``{"input", "output", "testtype"}`` (or that list
      under ``"tests"`` with ``fn_name``/``func_name`` for functional tests).
    """
    if isinstance(tests, (str, bytes)):
        tests = _loads(tests)
    if isinstance(tests, list):
        tests = {"tests": tests}
    if not isinstance(tests, dict):
        raise TestFormatError(f"tests must be a dict, got {type(tests).__name__}")
    if "input_output" in tests and "inputs" not in tests:
        inner = tests["input_output"]
        inner = _loads(inner) if isinstance(inner, (str, bytes)) else inner
        if not isinstance(inner, dict):
            raise TestFormatError("'input_output' must hold a dict")
        tests = {**{k: v for k, v in tests.items() if k != "input_output"}, **inner}
    splits = [tests.get(key) for key in ("public_tests", "private_tests", "generated_tests")]
    if "inputs" not in tests and any(isinstance(split, dict) for split in splits):
        present = [split for split in splits if isinstance(split, dict)]
        inputs = [i for split in present for i in split.get("input") or []]
        outputs = [o for split in present for o in split.get("output") or []]
        tests = {**tests, "inputs": inputs, "outputs": outputs}
    if "inputs" not in tests and isinstance(tests.get("input"), list):
        tests = {**tests, "inputs": tests["input"], "outputs": tests.get("output")}
    if "inputs" not in tests and isinstance(tests.get("tests"), list):
        tests = {**tests, **_from_case_list(tests["tests"], tests)}
    if not tests.get("fn_name") and tests.get("func_name"):
        tests = {**tests, "fn_name": tests["func_name"]}
    return tests


def _from_case_list(cases: list[Any], tests: dict[str, Any]) -> dict[str, Any]:
    if not all(isinstance(case, dict) and "input" in case for case in cases):
        raise TestFormatError("a list of tests must hold {'input': ..., 'output': ...} dicts")
    functional = {case.get("testtype") for case in cases} == {"functional"}
    if functional and not (tests.get("fn_name") or tests.get("func_name")):
        raise TestFormatError("functional tests need 'fn_name' (or 'func_name')")
    return {
        "inputs": [case["input"] for case in cases],
        "outputs": [case.get("output", "") for case in cases],
    }


def _assert_suite(split: AssertSplit) -> TestSuite:
    if not split.tests:
        raise TestFormatError("the assert-style tests contain no assert that calls the function")
    cases = tuple(TestCase(check=check) for check in split.tests)
    return TestSuite(TestKind.ASSERT, cases, setup_asserts=split.setup_asserts)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(line) for line in value) + "\n"
    return value if isinstance(value, str) else str(value)


def _call_case(raw_input: Any, raw_output: Any) -> TestCase:
    if isinstance(raw_input, str):
        args = _json_lines(raw_input)
        if args is None:
            args = [raw_input]
        elif isinstance(raw_output, str):
            with contextlib.suppress(ValueError):  # else a plain string output
                raw_output = json.loads(raw_output)
    elif isinstance(raw_input, list):
        args = raw_input
    else:
        args = [raw_input]
    return TestCase(args_json=json.dumps(args), expected_value=raw_output)


def _json_lines(text: str) -> list[Any] | None:
    """LiveCodeBench functional input: one JSON argument per line, or None."""
    try:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except ValueError:
        return None
