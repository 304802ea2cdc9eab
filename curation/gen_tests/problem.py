"""A curation row as gen-tests sees it: kind of tests, references, original inputs.

Inputs are kept as text in one form per kind so every source and the
validator share them: stdin text for stdin/stdout problems, the Python literal
of the positional-argument list (``"[[1, 2], 3]"``) for call-based and
assert-style problems. The original inputs are read back out of the tests
(assert calls with literal arguments), which is what mutation and the input
schema of a generator start from.
"""

from __future__ import annotations

import ast
import dataclasses
import json
from typing import Any

from sandbox.testcases import TestFormatError, TestKind, normalise, parse_tests


@dataclasses.dataclass(frozen=True)
class Candidate:
    """One candidate input and where it came from (``original``, ``mutation``, ...)."""

    source: str
    text: str


@dataclasses.dataclass(frozen=True)
class Problem:
    """What the stages need from a row; ``style`` says how tests are written back."""

    id: str
    kind: TestKind
    style: str  # stdio | call | humaneval | mbpp
    tests: dict[str, Any]
    references: tuple[str, ...]
    entry: str | None = None
    setup: tuple[str, ...] = ()
    originals: tuple[Candidate, ...] = ()
    generator: str | None = None
    wrong: tuple[str, ...] = ()
    prompt: str = ""


class ProblemError(ValueError):
    """The row cannot be used (quarantined with this reason)."""


def load_problem(
    row_id: str,
    tests: Any,
    references: Any,
    *,
    generator: Any = None,
    wrong: Any = None,
    prompt: Any = "",
) -> Problem:
    """Read a row's tests and references (ProblemError with a reason if unusable)."""
    refs = _programs(references)
    if not refs:
        raise ProblemError("no reference solution")
    try:
        raw = normalise(tests)
        suite = parse_tests(raw, refs[0])
    except TestFormatError as exc:
        raise ProblemError(f"unreadable tests: {exc}") from exc
    gen = str(generator) if isinstance(generator, str) and generator.strip() else None
    common = dict(
        id=row_id,
        tests=raw,
        references=refs,
        generator=gen,
        wrong=_programs(wrong),
        prompt=str(prompt or ""),
    )
    if suite.kind is TestKind.STDIO:
        originals = tuple(Candidate("original", case.stdin) for case in suite.cases)
        return Problem(kind=TestKind.STDIO, style="stdio", originals=originals, **common)
    if suite.kind is TestKind.CALL:
        originals = tuple(
            Candidate("original", _literal(json.loads(case.args_json or "[]")))
            for case in suite.cases
        )
        return Problem(
            kind=TestKind.CALL, style="call", entry=suite.fn_name, originals=originals, **common
        )
    return _assert_problem(raw, refs, common)


def _assert_problem(raw: dict[str, Any], refs: tuple[str, ...], common: dict[str, Any]) -> Problem:
    if "test_list" in raw:
        setup = [str(line) for line in raw.get("test_imports") or []]
        if raw.get("test_setup_code"):
            setup.append(str(raw["test_setup_code"]))
        entry = raw.get("entry_point") or _called_function(raw["test_list"], refs[0])
        sources = [str(text) for text in raw["test_list"]]
        names = {entry} if entry else set()
        style = "mbpp"
    else:
        entry = raw.get("entry_point")
        if not entry:
            raise ProblemError("HumanEval-style tests need an 'entry_point'")
        tree = _parse(str(raw["test"]))
        check = next(
            (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "check"), None
        )
        param = check.args.args[0].arg if check and check.args.args else "candidate"
        setup = [ast.unparse(n) for n in tree.body if n is not check and _is_setup(n)]
        sources = [str(raw["test"])]
        names = {entry, param}
        style = "humaneval"
    if not entry:
        raise ProblemError("cannot tell which function the asserts test")
    originals = _dedup(
        Candidate("original", args) for text in sources for args in call_arguments(text, names)
    )
    return Problem(
        kind=TestKind.ASSERT,
        style=style,
        entry=str(entry),
        setup=tuple(setup),
        originals=originals,
        **common,
    )


def call_arguments(source: str, names: set[str]) -> list[str]:
    """The literal argument lists of every call to ``names`` in test code, in order."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
            if node.keywords:
                continue
            try:
                args = [ast.literal_eval(arg) for arg in node.args]
            except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                continue
            found.append(_literal(args))
    return found


def parse_arguments(text: str) -> list[Any] | None:
    """The argument list back from its literal text (None if it is not one)."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return None
    return value if isinstance(value, list) else None


def _literal(args: list[Any]) -> str:
    return repr(list(args))


def _dedup(candidates: Any) -> tuple[Candidate, ...]:
    seen: set[str] = set()
    out: list[Candidate] = []
    for candidate in candidates:
        if candidate.text not in seen:
            seen.add(candidate.text)
            out.append(candidate)
    return tuple(out)


def _is_setup(node: ast.stmt) -> bool:
    """Module-level imports and assignments of a HumanEval test (``METADATA`` and the like)."""
    return isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign, ast.FunctionDef))


def _called_function(test_list: list[Any], program: str) -> str | None:
    """MBPP has no entry point: the program's function that the asserts call."""
    try:
        defined = {
            n.name for n in ast.parse(program).body if isinstance(n, ast.FunctionDef | ast.ClassDef)
        }
    except (SyntaxError, ValueError):
        return None
    for text in test_list:
        try:
            tree = ast.parse(str(text))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            if called and node.func.id in defined:  # type: ignore[attr-defined]
                return str(node.func.id)  # type: ignore[attr-defined]
    return None


def _parse(source: str) -> ast.Module:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        raise ProblemError(f"test code is not valid Python: {exc}") from exc


def _programs(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    try:
        items = list(value)
    except TypeError:
        return ()
    return tuple(str(p) for p in items if isinstance(p, str) and p.strip())
