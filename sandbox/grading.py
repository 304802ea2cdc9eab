"""Turn what the runner measured into verdicts, on the host.

Order matters and is fixed: a setup failure is ``sandbox_error``; then the
limits (output, memory, time) whatever the output was; then a non-zero exit
or a signal is ``runtime_error`` even after a correct output; only then is
the output (or the returned value) compared.
"""

from __future__ import annotations

import signal as signals
from typing import Any

from sandbox.checker import Checker
from sandbox.limits import SandboxLimits
from sandbox.protocol import RawOutcome
from sandbox.report import TestResult, TestVerdict
from sandbox.testcases import TestCase, TestKind
from sandbox.values import ValueDecodeError, decode_result, loads_bounded

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
        verdict, reason = _content_verdict(case, kind, raw, checker, judged, limits)
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
    case: TestCase,
    kind: TestKind,
    raw: RawOutcome,
    checker: Checker,
    judged: RawOutcome | None,
    limits: SandboxLimits,
) -> tuple[TestVerdict, str]:
    if kind is TestKind.STDIO:
        ok, reason = checker.compare_stdout(raw.stdout, case.expected_stdout or "")
        return (TestVerdict.PASSED, "") if ok else (TestVerdict.WRONG_ANSWER, reason)
    try:
        values = decode_result(raw.header.get("result"))
    except ValueDecodeError as exc:
        verdict = TestVerdict.OUTPUT_LIMIT if exc.too_large else TestVerdict.RUNTIME_ERROR
        return verdict, f"bad result: {exc}"
    if kind is TestKind.CALL:
        if len(values) != 1:
            return TestVerdict.RUNTIME_ERROR, "the result channel was tampered with"
        ok, reason = checker.compare_value(values[0], case.expected_value)
        return (TestVerdict.PASSED, "") if ok else (TestVerdict.WRONG_ANSWER, reason)
    check = case.check
    assert check is not None, "assert tests always carry their check"
    expected = 0 if check.whole is not None else len(check.calls)
    if len(values) != expected:
        return TestVerdict.RUNTIME_ERROR, "the result channel was tampered with"
    failed = f"failed: {check.source[:200]}"
    if check.has_literal:
        ok = _safe_equal(values[0], check.expected)
        return (TestVerdict.PASSED, "") if ok else (TestVerdict.WRONG_ANSWER, failed)
    return _judged_verdict(judged, failed, limits)


def _judged_verdict(
    judged: RawOutcome | None, failed: str, limits: SandboxLimits
) -> tuple[TestVerdict, str]:
    """The judge's answer; a whole check's limits (its call server's) count first."""
    if judged is None:
        return TestVerdict.SANDBOX_ERROR, "the judge process did not run"
    stderr = judged.stderr.decode("utf-8", errors="replace")[-STDERR_EXCERPT:]
    verdict, reason = _limit_verdict(judged.header, stderr, limits)
    if verdict is not None and verdict is not TestVerdict.RUNTIME_ERROR:
        return verdict, reason
    try:
        answer = loads_bounded(judged.header.get("result"))
    except ValueDecodeError:
        answer = None
    if answer == [True]:
        return TestVerdict.PASSED, ""
    if isinstance(answer, dict) and len(answer) == 1:
        ((key, why),) = answer.items()
        why = str(why)[:300]
        if key == "unsupported":
            return TestVerdict.UNSUPPORTED, why
        if key in ("raised", "program_exit"):
            return TestVerdict.RUNTIME_ERROR, why
        return TestVerdict.WRONG_ANSWER, f"{failed} ({why})"
    detail = stderr.strip().splitlines()
    return TestVerdict.WRONG_ANSWER, failed + (f" ({detail[-1]})" if detail else "")


def _safe_equal(actual: Any, expected: Any) -> bool:
    """Python ``==`` between plain decoded values (no program objects can be here)."""
    try:
        return bool(actual == expected)
    except Exception:
        return False


def _signal_name(number: int) -> str:
    try:
        return signals.Signals(number).name
    except ValueError:
        return f"signal {number}"
