"""``run_tests``: one program against its tests, in one jail, judged on the host."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sandbox.backends import get_backend
from sandbox.backends.base import Backend
from sandbox.checker import Checker
from sandbox.grading import judge_test
from sandbox.languages import Language, get_language
from sandbox.limits import SandboxLimits
from sandbox.protocol import JailRun, JudgePlan
from sandbox.report import TestReport, TestResult, TestVerdict
from sandbox.testcases import TestKind, TestSuite, parse_tests
from sandbox.values import ValueDecodeError, decode_result


def run_tests(
    program: str,
    tests: dict[str, Any] | str,
    *,
    language: str = "python",
    limits: SandboxLimits | dict[str, Any] | None = None,
    backend: Backend | str | None = None,
    checker: Checker | None = None,
) -> TestReport:
    """Run ``program`` against every test and judge each one.

    ``tests`` is a dataset's tests field (see ``sandbox.testcases``), as a
    dict or JSON text. Raises ``TestFormatError`` for tests we cannot read and
    ``SandboxUnavailable`` when no backend can run; bad programs are verdicts.
    """
    started = time.monotonic()
    lang = get_language(language)
    suite = parse_tests(tests, program)
    limits = SandboxLimits.coerce(limits)
    checker = checker or Checker()
    engine: Backend = get_backend(backend)  # the instance given, or the shared one by name
    assert engine is not None
    if suite.kind is not TestKind.STDIO and not lang.supports_functions:
        return _all(
            suite,
            TestVerdict.COMPILE_ERROR,
            f"{suite.kind.value} tests need Python",
            engine,
            lang,
            started,
        )
    request = build_request(program, suite, lang, limits)
    run: JailRun = engine.execute(
        request, memory_mb=limits.memory_mb, pids=limits.pids, plan=judge_plan(suite)
    )
    return _report(suite, run, limits, checker, engine.name, lang, started)


async def run_tests_async(
    program: str,
    tests: dict[str, Any] | str,
    *,
    language: str = "python",
    limits: SandboxLimits | dict[str, Any] | None = None,
    backend: Backend | str | None = None,
    checker: Checker | None = None,
) -> TestReport:
    """``run_tests`` off the event loop (the jail I/O blocks a thread, not the loop)."""
    return await asyncio.to_thread(
        run_tests,
        program,
        tests,
        language=language,
        limits=limits,
        backend=backend,
        checker=checker,
    )


def build_request(
    program: str, suite: TestSuite, lang: Language, limits: SandboxLimits
) -> dict[str, Any]:
    """The message the jail receives: the program, inputs and limits, no answers."""
    return {
        "language": "python" if lang.in_process else lang.name,
        "mode": suite.kind.value,
        "entry": suite.fn_name,
        "source": program,
        "source_name": lang.source_name,
        "compile": list(lang.compile) if lang.compile else None,
        "run": list(lang.run),
        "limits": limits.for_test(),
        "compile_limits": limits.for_compile(),
        "tests": suite.jail_tests(),
    }


def judge_plan(suite: TestSuite) -> JudgePlan | None:
    """For assert tests: which asserts need a judge process, after the program ran.

    The checks (they hold expected values) are sent only now, in a second
    message, to processes that never ran the program; a whole check calls the
    program in a fresh call server (see ``sandbox.jail.python_runner``).
    """
    if suite.kind is not TestKind.ASSERT:
        return None

    def plan(request: dict[str, Any], run: JailRun) -> dict[str, Any] | None:
        items = []
        for slot, (test, outcome) in enumerate(zip(request["tests"], run.tests, strict=False)):
            check = suite.cases[test["case"]].check
            header = outcome.header
            ran = header.get("exit_code") == 0 and not header.get("killed")
            if check is None or not check.needs_judge or not ran:
                continue
            try:  # a forged result never reaches a judge
                values = decode_result(header.get("result"))
            except ValueDecodeError:
                continue
            expected = 0 if check.whole is not None else len(check.calls)
            if len(values) == expected:
                if check.whole is None:
                    item = check.for_judge(header["result"])
                else:
                    item = check.for_judge(None, request.get("source", ""))
                items.append({**item, "case": test["case"], "slot": slot})
        return {"items": items} if items else None

    return plan


def _report(
    suite: TestSuite,
    run: JailRun,
    limits: SandboxLimits,
    checker: Checker,
    backend: str,
    lang: Language,
    started: float,
) -> TestReport:
    compile_output = ""
    if run.compile is not None:
        compile_output = run.compile.stderr.decode("utf-8", errors="replace")[-4000:]
        header = run.compile.header
        if header.get("setup_error"):
            reason = f"jail set-up failed: {header['setup_error']}"
            return _all(suite, TestVerdict.SANDBOX_ERROR, reason, backend, lang, started)
        if header.get("exit_code") != 0 or header.get("killed"):
            why = "compiler timed out" if header.get("killed") else compile_output.strip()[-500:]
            return _all(
                suite, TestVerdict.COMPILE_ERROR, why, backend, lang, started, compile_output
            )
    results: list[TestResult] = []
    for index, case in enumerate(suite.cases):
        if index < len(run.tests):
            judged = run.judged.get(index)
            results.append(
                judge_test(index, case, suite.kind, run.tests[index], limits, checker, judged)
            )
        else:
            why = run.error or "no result from the jail"
            results.append(TestResult(index, TestVerdict.SANDBOX_ERROR, why))
    return TestReport(
        per_test=tuple(results),
        backend=backend,
        language=lang.name,
        compile_output=compile_output,
        elapsed_s=time.monotonic() - started,
        setup_asserts=suite.setup_asserts,
    )


def _all(
    suite: TestSuite,
    verdict: TestVerdict,
    reason: str,
    backend: Any,
    lang: Language,
    started: float,
    compile_output: str = "",
) -> TestReport:
    name = backend if isinstance(backend, str) else getattr(backend, "name", "")
    results = tuple(TestResult(i, verdict, reason) for i in range(len(suite.cases)))
    elapsed = time.monotonic() - started
    return TestReport(results, name, lang.name, compile_output, elapsed, suite.setup_asserts)
