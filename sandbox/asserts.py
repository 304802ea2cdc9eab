"""Cut assert-style tests (HumanEval, MBPP) so that no expected value reaches the program.

Only the *entry points* are functions under test: HumanEval's
``entry_point`` (and the ``check`` parameter bound to it), MBPP's tested name
(``entry_point``, or the one non-builtin name the asserts call), or an
explicit list. Every other name in a test, builtins included, is the judge's:
a program that defines ``set``, ``abs`` or ``all`` changes nothing.

Each assert that calls an entry point is one test:

- *split*: its calls have literal arguments (``candidate([1, 2])``). The
  program's process gets only (function, arguments) as plain data and
  returns the values; ``<call> == <literal>`` is compared on the host, any
  other assert (``abs(<call> - 1.5) < 1e-6``) is evaluated by a judge process
  that never ran the program, with the real builtins;
- *whole*: anything else (loops, helpers, arguments built by the test). The
  judge runs the code and every call to an entry point crosses to the
  program as plain data (see ``sandbox.jail.python_runner``). A ``check``
  function that is not a flat list of asserts is one whole test.

Asserts that never call an entry point are not tests: they join the trusted
setup and are counted in ``TestSuite.setup_asserts``. The judge's setup is
``tests["trusted_setup"]`` (the dataset's own code: HumanEval's prompt
helpers, MBPP's ``test_setup_code``), MBPP's ``test_imports``, the test's
other statements and, for a name the test uses but never binds, the
program's own import of that standard-library module (``sys`` in MBPP 596).
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import sys
from typing import Any

from sandbox.values import encode

RESULTS = "__rlvr_r"
_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_NO_EXPECTED = object()
_SIMPLE = (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Pass)


@dataclasses.dataclass(frozen=True)
class AssertTest:
    """One assert-style test, as the host judges it."""

    source: str
    setup: tuple[str, ...] = ()
    calls: tuple[tuple[str, Any, Any], ...] = ()  # (program function, tagged args, kwargs)
    expected: Any = _NO_EXPECTED
    judge: str | None = None
    whole: str | None = None
    aliases: tuple[tuple[str, str], ...] = ()  # whole: name in the test -> program function
    probe: tuple[str, ...] = ()

    @property
    def has_literal(self) -> bool:
        return self.expected is not _NO_EXPECTED

    @property
    def needs_judge(self) -> bool:
        return self.whole is not None or self.judge is not None

    def for_jail(self) -> dict[str, Any]:
        """What the program's process gets: calls as plain data, never assert text."""
        if self.whole is not None:
            return {"probe": list(self.probe)}
        return {"calls": [list(call) for call in self.calls]}

    def for_judge(self, values: str | None) -> dict[str, Any]:
        """The judge's item, for a process that never ran the program."""
        item: dict[str, Any] = {"setup": list(self.setup)}
        if self.whole is not None:
            item.update(whole=self.whole, aliases=dict(self.aliases))
        else:
            item.update(judge=self.judge, values=values)
        return item


@dataclasses.dataclass(frozen=True)
class AssertSplit:
    """The tests of one row, and how many asserts were setup (not tests)."""

    tests: list[AssertTest]
    setup_asserts: int = 0


def _format_error(message: str) -> Exception:
    from sandbox.testcases import TestFormatError

    return TestFormatError(message)


def _parse(source: str, what: str) -> ast.Module:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        raise _format_error(f"{what} is not valid Python: {exc}") from exc


def entry_names(tests: dict[str, Any]) -> list[str]:
    """The explicit entry point(s): ``entry_point`` as a name or a list of names."""
    given = tests.get("entry_point") or tests.get("entry_points")
    if not given:
        return []
    names = [given] if isinstance(given, str) else list(given)
    if not all(isinstance(name, str) and name.isidentifier() for name in names):
        raise _format_error(f"entry_point must be a name or a list of names, got {given!r}")
    return names


def split_humaneval(tests: dict[str, Any], program: str) -> AssertSplit:
    """HumanEval: ``def check(candidate)`` plus an ``entry_point``."""
    entries = entry_names(tests)
    if not entries:
        raise _format_error("HumanEval-style tests need an 'entry_point'")
    entry = entries[0]
    tree = _parse(str(tests["test"]), "the test code")
    if not any(isinstance(node, ast.Assert) for node in ast.walk(tree)):
        raise _format_error("the test code contains no assert")
    trusted = [str(tests["trusted_setup"])] if tests.get("trusted_setup") else []
    check = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "check"), None
    )
    names = {name: name for name in entries}
    if check is None:  # bare asserts at module level
        prelude = _judge_prelude(program, [*trusted, ast.unparse(tree)])
        return _split_body(list(tree.body), [*prelude, *trusted], names)
    module = [ast.unparse(node) for node in tree.body if node is not check]
    prelude = _judge_prelude(program, [*trusted, ast.unparse(tree)])
    setup = [*prelude, *trusted, *module]
    param = check.args.args[0].arg if check.args.args else None
    inner = dict(names, **({param: entry} if param else {}))
    if _splittable(list(check.body), set(inner)):
        return _split_body(list(check.body), setup, inner)
    code = f"check({entry})"
    whole = AssertTest(
        source=code,
        setup=(*setup, ast.unparse(check)),
        whole=code,
        aliases=tuple(names.items()),
        probe=tuple(entries),
    )
    return AssertSplit([whole])


def split_mbpp(tests: dict[str, Any], program: str) -> AssertSplit:
    """MBPP: a list of assert strings, ``test_imports``, ``test_setup_code``."""
    texts = [str(text) for text in tests["test_list"]]
    setup = [str(line) for line in tests.get("test_imports") or []]
    for key in ("test_setup_code", "trusted_setup"):
        if tests.get(key):
            setup.append(str(tests[key]))
    entries = entry_names(tests) or [mbpp_entry_point(texts, "", "\n".join(setup))]
    body: list[ast.stmt] = []
    for text in texts:
        body += _parse(text, "an MBPP test").body
    prelude = _judge_prelude(program, [*setup, *texts])
    return _split_body(body, [*prelude, *setup], {name: name for name in entries})


def mbpp_entry_point(asserts: list[str], code: str = "", setup: str = "") -> str:
    """The tested name: called by the asserts, not a builtin, not defined by the test.

    Among several, one that ``code`` (a trusted reference, never the judged
    program) defines wins; when the asserts call only builtins (MBPP 126 tests
    a function named ``sum``), the builtin name the reference redefines.
    """
    defined = top_level_names(setup)
    program = top_level_names(code)
    called: list[str] = []
    shadowed: list[str] = []
    for text in asserts:
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                name = node.func.id
                if name in called or name in defined:
                    continue
                if not hasattr(builtins, name):
                    called.append(name)
                elif name in program and name not in shadowed:
                    shadowed.append(name)
    called = called or shadowed
    if not called:
        raise _format_error("the asserts call no function to test: give 'entry_point'")
    return next((name for name in called if name in program), called[0])


def top_level_names(source: str) -> set[str]:
    """Names a module binds at top level (functions, classes, imports, assignments)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def _judge_prelude(program: str, test_code: list[str]) -> list[str]:
    """The program's imports of standard modules that the test uses but never binds."""
    used: set[str] = set()
    bound: set[str] = set()
    for code in test_code:
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                (used if isinstance(node.ctx, ast.Load) else bound).add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                bound.add(node.name)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    missing = used - bound - set(dir(builtins))
    if not missing:
        return []
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError):
        return []
    prelude: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _bound(alias) in missing and _stdlib(alias.name):
                    prelude.append(ast.unparse(ast.Import(names=[alias])))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _stdlib(node.module):
            for alias in node.names:
                if alias.name != "*" and _bound(alias) in missing:
                    stmt = ast.ImportFrom(module=node.module, names=[alias], level=0)
                    prelude.append(ast.unparse(stmt))
    return prelude


def _bound(alias: ast.alias) -> str:
    return (alias.asname or alias.name).split(".")[0]


def _stdlib(module: str | None) -> bool:
    return bool(module) and str(module).split(".")[0] in sys.stdlib_module_names


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _splittable(body: list[ast.stmt], names: set[str]) -> bool:
    """Only asserts, and plain statements that do not touch the function under test."""
    for node in body:
        if isinstance(node, ast.Assert) or _is_docstring(node):
            continue
        if not isinstance(node, _SIMPLE) or _mentions(node, names):
            return False
    return any(isinstance(node, ast.Assert) for node in body)


def _split_body(body: list[ast.stmt], setup: list[str], names: dict[str, str]) -> AssertSplit:
    """One test per assert that touches an entry point; the rest is setup."""
    if not _splittable(body, set(names)):  # MBPP rows with loops: one whole test per row
        code = "\n".join(ast.unparse(node) for node in body)
        return AssertSplit([_whole(code, tuple(setup), names, body)])
    tests: list[AssertTest] = []
    setup = list(setup)
    uncalled = 0
    for node in body:
        if _is_docstring(node):
            continue
        if not isinstance(node, ast.Assert):
            setup.append(ast.unparse(node))
        elif not _mentions(node, set(names)):
            setup.append(ast.unparse(node))
            uncalled += 1
        else:
            tests.append(_cut(node, tuple(setup), names) or _whole_assert(node, setup, names))
    return AssertSplit(tests, uncalled)


def _whole_assert(node: ast.Assert, setup: list[str], names: dict[str, str]) -> AssertTest:
    return _whole(ast.unparse(node), tuple(setup), names, [node])


def _whole(
    code: str, setup: tuple[str, ...], names: dict[str, str], nodes: list[Any]
) -> AssertTest:
    used = {
        alias: name for alias, name in names.items() if any(_mentions(n, {alias}) for n in nodes)
    }
    return AssertTest(
        source=code,
        setup=setup,
        whole=code,
        aliases=tuple(sorted(used.items())),
        probe=tuple(sorted(set(used.values()))),
    )


def _cut(node: ast.Assert, setup: tuple[str, ...], names: dict[str, str]) -> AssertTest | None:
    """Split an assert when its calls have literal arguments, else None (run whole)."""
    if any(
        _find_calls(scope, set(names))
        for scope in ast.walk(node.test)
        if isinstance(scope, _SCOPES)
    ):
        return None
    calls = _find_calls(node.test, set(names))
    if not calls:
        return None
    crossing = []
    for call in calls:
        plain = _literal_call(call)
        if plain is None:
            return None
        crossing.append((names[str(_callee(call))], *plain))
    judged = _Replace(calls).visit(ast.parse(ast.unparse(node.test), mode="eval")).body
    if _mentions(judged, set(names)):  # the function itself used otherwise
        return None
    source = ast.unparse(node)
    literal = _literal_side(judged)
    if literal is not _NO_EXPECTED:
        return AssertTest(source=source, calls=tuple(crossing), expected=literal)
    return AssertTest(source=source, setup=setup, calls=tuple(crossing), judge=ast.unparse(judged))


def _literal_call(call: ast.Call) -> tuple[Any, Any] | None:
    """(tagged args, tagged kwargs) when every argument is a literal, else None."""
    try:
        if any(isinstance(arg, ast.Starred) for arg in call.args):
            return None
        if any(keyword.arg is None for keyword in call.keywords):
            return None
        args = [ast.literal_eval(arg) for arg in call.args]
        kwargs = {str(k.arg): ast.literal_eval(k.value) for k in call.keywords}
        return encode(args), encode(kwargs)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


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
    return call.func.id if isinstance(call.func, ast.Name) else None


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
