"""Turn what the runner measured into verdicts, on the host.

Order matters and is fixed: a setup failure is ``sandbox_error``; then the
limits (output, memory, time) whatever the output was; then a non-zero exit
or a signal is ``runtime_error`` even after a correct output; only then is
the output (or the returned value) compared.
"""

from __future__ import annotations

import json
import signal as signals
from typing import Any

from sandbox.checker import Checker
from sandbox.limits import SandboxLimits
from sandbox.protocol import RawOutcome
from sandbox.report import TestResult, TestVerdict
from sandbox.testcases import TestCase, TestKind
from sandbox.values import ValueDecodeError, decode_result

SETUP_FAILED_EXIT = 121  # the runner's exit code when the test process could not be jailed
_MEMORY_MARKERS = ("MemoryError", "std::bad_alloc", "Cannot allocate memory")
STDERR_EXCERPT = 1000


def judge_test(
    index: int,
    case: TestCase,
    kind: TestKind,
    raw: RawOutcome,
    limits: SandboxLimits,
    checker: Checker,
    judged: RawOutcome | None = None,
) -> TestResult:
    header = raw.header
    stderr = raw.stderr.decode("utf-8", errors="replace")[-STDERR_EXCERPT:]
    verdict, reason = _limit_verdict(header, stderr, limits)
    if verdict is None:
        verdict, reason = _content_verdict(case, kind, raw, checker, judged)
    peak = header.get("memory_peak")
    return TestResult(
        index=index,
        verdict=verdict,
        reason=reason,
        exit_code=header.get("exit_code"),
        signal=header.get("signal"),
        cpu_s=header.get("cpu_s"),
        wall_s=float(header.get("wall_s") or 0.0),
        memory_peak_mb=round(peak / 2**20, 2) if peak else None,
        stderr=stderr,
    )


def _limit_verdict(
    header: dict[str, Any], stderr: str, limits: SandboxLimits
) -> tuple[TestVerdict | None, str]:
    if header.get("setup_error"):
        return TestVerdict.SANDBOX_ERROR, f"jail set-up failed: {header['setup_error']}"
    if header.get("exit_code") == SETUP_FAILED_EXIT and "sandbox setup failed" in stderr:
        return TestVerdict.SANDBOX_ERROR, stderr.strip()[-300:]
    killed = header.get("killed")
    sig = header.get("signal")
    if killed == "output":
        return TestVerdict.OUTPUT_LIMIT, f"output beyond {limits.output_mb} MB"
    if header.get("oom_kill"):
        return TestVerdict.MEMORY_LIMIT, f"killed at the {limits.memory_mb} MB memory limit"
    cpu = header.get("cpu_s") or 0.0
    if killed in ("cpu", "wall") or cpu > limits.time_s or sig == signals.SIGXCPU:
        what = "wall-clock" if killed == "wall" else "CPU"
        return TestVerdict.TIMEOUT, f"{what} time limit exceeded (cpu {cpu:.3f} s)"
    failed = sig is not None or header.get("exit_code") not in (0, None)
    if failed and (
        any(marker in stderr for marker in _MEMORY_MARKERS)
        or (sig == signals.SIGKILL and header.get("failcnt"))
    ):
        return TestVerdict.MEMORY_LIMIT, "ran out of memory"
    if sig is not None:
        return TestVerdict.RUNTIME_ERROR, f"killed by {_signal_name(sig)}"
    if header.get("exit_code") != 0:
        return TestVerdict.RUNTIME_ERROR, f"exit code {header.get('exit_code')}"
    return None, ""


def _content_verdict(
    case: TestCase, kind: TestKind, raw: RawOutcome, checker: Checker, judged: RawOutcome | None
) -> tuple[TestVerdict, str]:
    if kind is TestKind.STDIO:
        ok, reason = checker.compare_stdout(raw.stdout, case.expected_stdout or "")
        return (TestVerdict.PASSED, "") if ok else (TestVerdict.WRONG_ANSWER, reason)
    if kind is TestKind.ASSERT and case.check is not None and case.check.whole is not None:
        return _whole_verdict(case, raw, judged)
    try:
        values = decode_result(raw.header.get("result"))
    except ValueDecodeError as exc:
        return TestVerdict.WRONG_ANSWER, str(exc)
    if kind is TestKind.CALL:
        if len(values) != 1:
            return TestVerdict.WRONG_ANSWER, "the result channel was tampered with"
        ok, reason = checker.compare_value(values[0], case.expected_value)
        return (TestVerdict.PASSED, "") if ok else (TestVerdict.WRONG_ANSWER, reason)
    return _assert_verdict(case, values, judged)


def _assert_verdict(
    case: TestCase, values: list[Any], judged: RawOutcome | None
) -> tuple[TestVerdict, str]:
    check = case.check
    assert check is not None, "assert tests always carry their check"
    failed = (TestVerdict.WRONG_ANSWER, f"failed: {check.source[:200]}")
    if len(values) != len(check.exprs):
        return TestVerdict.WRONG_ANSWER, "the result channel was tampered with"
    if check.has_literal:
        ok = _safe_equal(values[0], check.expected)
        return (TestVerdict.PASSED, "") if ok else failed
    return _judged_verdict(judged, failed[1])


def _whole_verdict(
    case: TestCase, raw: RawOutcome, judged: RawOutcome | None
) -> tuple[TestVerdict, str]:
    """A check run whole: the program's run must have logged calls, the judge must agree."""
    assert case.check is not None
    failed = f"failed: {case.check.source[:200]}"
    try:
        logged = json.loads(raw.header.get("result") or "")
    except ValueError:
        logged = None
    if not isinstance(logged, dict) or "calls" not in logged:
        reason = logged.get("error") if isinstance(logged, dict) else "no result"
        return TestVerdict.WRONG_ANSWER, f"{failed} ({reason})"
    return _judged_verdict(judged, failed)


def _judged_verdict(judged: RawOutcome | None, failed: str) -> tuple[TestVerdict, str]:
    if judged is None:
        return TestVerdict.SANDBOX_ERROR, "the judge process did not run"
    if judged.header.get("exit_code") == 0 and judged.header.get("result") == "[true]":
        return TestVerdict.PASSED, ""
    detail = judged.stderr.decode("utf-8", errors="replace").strip().splitlines()
    return TestVerdict.WRONG_ANSWER, failed + (f" ({detail[-1]})" if detail else "")


def _safe_equal(actual: Any, expected: Any) -> bool:
    """Python ``==`` between plain decoded values (no user objects can be here)."""
    try:
        return bool(actual == expected)
    except RecursionError:
        return False


def _signal_name(number: int) -> str:
    try:
        return signals.Signals(number).name
    except ValueError:
        return f"signal {number}"
