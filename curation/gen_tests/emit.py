"""Write the kept cases back in the format the problem came in, originals first.

- stdin/stdout: ``{"inputs", "outputs"}`` lists;
- call-based: ``{"fn_name", "inputs", "outputs"}`` (values must be JSON);
- HumanEval: the original ``check`` with one assert per new case appended;
- MBPP: ``test_list`` with the new asserts after the original ones.

Every format is read by ``sandbox.testcases`` unchanged, and a case whose
expected value cannot be written exactly (a set in JSON, a value whose repr
is not a literal) is left out rather than written approximately. Floats are
compared with a relative tolerance of 1e-6 in asserts (a correct program may
sum in another order).
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Sequence
from typing import Any

from curation.gen_tests.execute import value_key
from curation.gen_tests.problem import Problem, parse_arguments
from curation.gen_tests.validate import AgreedCase


def emit_tests(
    problem: Problem, cases: Sequence[AgreedCase]
) -> tuple[dict[str, Any], list[AgreedCase]]:
    """The problem's tests plus ``cases``, and the cases that could be written."""
    if problem.style == "stdio":
        return _lists(problem, [(c.candidate.text, c.value) for c in cases]), list(cases)
    if problem.style == "call":
        good = [
            c
            for c in cases
            if (args := parse_arguments(c.candidate.text)) is not None
            and _json_exact(args)
            and _json_ok(c.value)
        ]
        pairs = [(parse_arguments(c.candidate.text), c.value) for c in good]
        return _lists(problem, pairs), good
    callee = problem.entry or ""
    if problem.style == "humaneval":
        callee = _humaneval_callee(problem) or callee
    lines = [(c, a) for c in cases if (a := assert_line(callee, c)) is not None]
    written = [c for c, _ in lines]
    if problem.style == "mbpp":
        test_list = [*problem.tests["test_list"], *(a for _, a in lines)]
        return {**problem.tests, "test_list": test_list}, written
    return _humaneval(problem, [a for _, a in lines]), written


def _lists(problem: Problem, pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    tests: dict[str, Any] = {
        "inputs": [*problem.tests["inputs"], *(a for a, _ in pairs)],
        "outputs": [*problem.tests["outputs"], *(v for _, v in pairs)],
    }
    if problem.style == "call":
        tests["fn_name"] = problem.entry
    return tests


def assert_line(callee: str, case: AgreedCase) -> str | None:
    """``assert f(args) == expected`` for one case (None if it cannot be written exactly)."""
    value = case.value
    call = f"{callee}({case.candidate.text[1:-1]})"
    if isinstance(value, float) and math.isfinite(value):
        return f"assert abs({call} - {value!r}) <= 1e-6 * max(1.0, abs({value!r}))"
    text = repr(value)
    try:
        same = value_key(ast.literal_eval(text)) == value_key(value)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        same = False
    return f"assert {call} == {text}" if same else None


def _check_function(tree: ast.Module) -> ast.FunctionDef | None:
    return next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "check"), None
    )


def _humaneval_callee(problem: Problem) -> str | None:
    """Inside ``check(candidate)`` the function is called by its parameter's name."""
    check = _check_function(ast.parse(str(problem.tests["test"])))
    return check.args.args[0].arg if check is not None and check.args.args else None


def _humaneval(problem: Problem, lines: list[str]) -> dict[str, Any]:
    tree = ast.parse(str(problem.tests["test"]))
    check = _check_function(tree)
    statements = [ast.parse(line).body[0] for line in lines]
    (check.body if check is not None else tree.body).extend(statements)
    return {**problem.tests, "test": ast.unparse(tree) + "\n"}


def _json_ok(value: Any) -> bool:
    """An expected value JSON can hold (the call checker takes a tuple for a list)."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def _json_exact(value: Any) -> bool:
    """JSON keeps it as it is (no tuple -> list, no set, no non-string key, no nan)."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return value_key(json.loads(text)) == value_key(value)
