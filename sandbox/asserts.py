"""Split assert-style tests (HumanEval, MBPP) so the program never judges itself.

An assert such as ``assert candidate([1, 2]) == 3`` carries its expected
value. Run inside the program's process, a lying ``__eq__`` or a patched
builtin would pass it. So each assert is cut, on the host, into

- the calls to the function under test (``candidate([1, 2])``): evaluated in
  the program's process, their values sent back as tagged JSON;
- the rest: ``__rlvr_r[0] == 3``. When that is ``<call> == <literal>`` the
  host compares the decoded value itself; otherwise a separate jailed
  process that never ran the program (the *judge*) evaluates it with the
  decoded values.

Every assert is its own test, so partial credit is exact. An assert whose
calls sit inside a lambda or a comprehension, or a check function with
loops, cannot be cut and runs whole in the program's process with pristine
builtins and plain-data return values (``AssertTest.whole``): documented as
the weaker path.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Any

RESULTS = "__rlvr_r"
_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_NO_EXPECTED = object()


@dataclasses.dataclass(frozen=True)
class AssertTest:
    """One assert-style test, as the host judges it."""

    setup: tuple[str, ...] = ()
    entry: str | None = None
    bind: tuple[tuple[str, str], ...] = ()  # (name in the test, function in the program)
    exprs: tuple[str, ...] = ()
    judge: str | None = None
    expected: Any = _NO_EXPECTED
    whole: str | None = None
    source: str = ""

    @property
    def has_literal(self) -> bool:
        return self.expected is not _NO_EXPECTED

    def for_jail(self) -> dict[str, Any]:
        """The first phase, run with the program: calls only, no expected value."""
        test: dict[str, Any] = {"setup": list(self.setup), "entry": self.entry}
        test["bind"] = dict(self.bind)
        if self.whole is not None:
            test["whole"] = self.whole
        else:
            test["exprs"] = list(self.exprs)
        return test

    @property
    def needs_judge(self) -> bool:
        return self.whole is not None or self.judge is not None

    def for_judge(self, values: str) -> dict[str, Any]:
        """The second phase, in a process that never ran the program."""
        item: dict[str, Any] = {"setup": list(self.setup), "values": values}
        if self.whole is not None:
            item.update(whole=self.whole, bind=dict(self.bind))
        else:
            item["judge"] = self.judge
        return item


def _parse(source: str, what: str) -> ast.Module:
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        from sandbox.testcases import TestFormatError

        raise TestFormatError(f"{what} is not valid Python: {exc}") from exc


def program_functions(program: str) -> set[str]:
    """Top-level function and class names of the program (MBPP has no entry point)."""
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError):
        return set()
    return {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }


def split_humaneval(tests: dict[str, Any], program: str) -> list[AssertTest]:
    """HumanEval: ``def check(candidate)`` plus an ``entry_point``."""
    entry = tests.get("entry_point") or None
    tree = _parse(str(tests["test"]), "the test code")
    if not any(isinstance(node, ast.Assert) for node in ast.walk(tree)):
        raise _format_error("the test code contains no assert")
    check = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "check"), None
    )
    if check is None:  # bare asserts at module level
        names = ({entry} if entry else set()) | program_functions(program)
        if _splittable(list(tree.body), names):
            return _split_statements(list(tree.body), (), names, entry)
        return [_whole((), ast.unparse(tree), names)]
    setup = [ast.unparse(node) for node in tree.body if node is not check]
    param = check.args.args[0].arg if check.args.args else "candidate"
    names = {param} | ({entry} if entry else program_functions(program))
    if entry is None:
        raise _format_error("HumanEval-style tests need an 'entry_point'")
    body = list(check.body)
    bind = ((param, entry), (entry, entry)) if param != entry else ((entry, entry),)
    if not _splittable(body, names):
        code = f"check({entry})"
        return [AssertTest(setup=(*setup, ast.unparse(check)), whole=code, source=code, bind=bind)]
    checks = _split_statements(body, tuple(setup), names, entry)
    return [dataclasses.replace(check, bind=bind) for check in checks]


def split_mbpp(tests: dict[str, Any], program: str) -> list[AssertTest]:
    """MBPP: a list of assert strings, optional imports and setup code."""
    setup = [str(line) for line in tests.get("test_imports") or []]
    if tests.get("test_setup_code"):
        setup.append(str(tests["test_setup_code"]))
    entry = tests.get("entry_point") or None
    names = ({entry} if entry else set()) | program_functions(program)
    checks: list[AssertTest] = []
    for text in tests["test_list"]:
        body = _parse(str(text), "an MBPP test").body
        if _splittable(body, names):
            checks += _split_statements(body, tuple(setup), names, entry)
        else:
            checks.append(_whole(tuple(setup), str(text), names))
    return checks


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def _format_error(message: str) -> Exception:
    from sandbox.testcases import TestFormatError

    return TestFormatError(message)


def _whole(setup: tuple[str, ...], code: str, names: set[str]) -> AssertTest:
    """A test run whole: every function of the program it calls is recorded and replayed."""
    called = {
        node.func.id
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
    }
    bind = tuple((name, name) for name in sorted(called))
    return AssertTest(setup=setup, whole=code, source=code, bind=bind)


def _splittable(body: list[ast.stmt], names: set[str]) -> bool:
    """Only asserts, and plain statements that do not call the function."""
    for node in body:
        if isinstance(node, ast.Assert):
            if _calls_in_scopes(node.test, names):
                return False
        elif isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign)):
            if _find_calls(node, names):
                return False
        elif not (isinstance(node, ast.Pass) or _is_docstring(node)):
            return False
    return any(isinstance(node, ast.Assert) for node in body)


def _split_statements(
    body: list[ast.stmt], prelude: tuple[str, ...], names: set[str], entry: str | None
) -> list[AssertTest]:
    checks: list[AssertTest] = []
    setup = list(prelude)
    for node in body:
        if isinstance(node, ast.Assert):
            checks.append(_cut(node, tuple(setup), names, entry))
        elif not (isinstance(node, ast.Pass) or _is_docstring(node)):
            setup.append(ast.unparse(node))
    return checks


def _cut(
    node: ast.Assert, setup: tuple[str, ...], names: set[str], entry: str | None
) -> AssertTest:
    calls = _find_calls(node.test, names)
    source = ast.unparse(node)
    if not calls:
        return AssertTest(setup=setup, entry=entry, judge=ast.unparse(node.test), source=source)
    exprs = tuple(ast.unparse(call) for call in calls)
    judged = _Replace(calls).visit(ast.parse(ast.unparse(node.test), mode="eval")).body
    literal = _literal_side(judged)
    if literal is not _NO_EXPECTED:
        return AssertTest(setup=setup, entry=entry, exprs=exprs, expected=literal, source=source)
    return AssertTest(
        setup=setup, entry=entry, exprs=exprs, judge=ast.unparse(judged), source=source
    )


def _find_calls(node: ast.AST, names: set[str]) -> list[ast.Call]:
    """Outermost calls to the function under test, in source order."""
    found: list[ast.Call] = []

    def walk(current: ast.AST) -> None:
        if isinstance(current, ast.Call) and _callee(current) in names:
            found.append(current)
            return
        for child in ast.iter_child_nodes(current):
            walk(child)

    walk(node)
    return found


def _callee(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return None


def _calls_in_scopes(node: ast.AST, names: set[str]) -> bool:
    return any(_find_calls(scope, names) for scope in ast.walk(node) if isinstance(scope, _SCOPES))


class _Replace(ast.NodeTransformer):
    """Put ``__rlvr_r[i]`` where the i-th outermost call was."""

    def __init__(self, calls: list[ast.Call]):
        self.sources = [ast.unparse(call) for call in calls]
        self.index = 0

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if self.index < len(self.sources) and ast.unparse(node) == self.sources[self.index]:
            self.index += 1
            return ast.Subscript(
                value=ast.Name(RESULTS, ast.Load()),
                slice=ast.Constant(self.index - 1),
                ctx=ast.Load(),
            )
        return self.generic_visit(node)


def _literal_side(expr: ast.expr) -> Any:
    """``__rlvr_r[0] == <literal>`` (either order): the literal, else _NO_EXPECTED."""
    if not (
        isinstance(expr, ast.Compare) and len(expr.ops) == 1 and isinstance(expr.ops[0], ast.Eq)
    ):
        return _NO_EXPECTED
    left, right = expr.left, expr.comparators[0]
    for mine, other in ((left, right), (right, left)):
        if _is_result(mine):
            try:
                return ast.literal_eval(other)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                return _NO_EXPECTED
    return _NO_EXPECTED


def _is_result(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == RESULTS
        and isinstance(node.slice, ast.Constant)
    )
