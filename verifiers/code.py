"""The ``code`` verifier: run the answer's program against the reference tests.

R1 and Kimi k1.5 reward code by compiling and running it against test cases.
The program is the last fenced code block of the answer part of the response
(``split_response``: the thought is never run); its language comes from the
fence tag when we know it, else from option ``language`` (default python).
``reference`` is the tests field of a dataset row (dict or JSON text, see
``sandbox.testcases``). Execution and judging are the sandbox's: the reward
is the pass fraction, or 1/0 with ``all_or_nothing=True``. A test the sandbox
could not judge (``sandbox_error``, or ``unsupported``: an assert whose call
cannot cross to the program as plain data) makes the verdict an ``error``,
not a score; tests that cannot be read at all (missing, not JSON, an unknown
format, a field of the wrong type) are a ``reference_error`` whatever the
response (the dataset's fault); assert-style rows may carry ``trusted_setup`` (see
``sandbox.asserts``), and ``details["setup_asserts"]`` counts asserts that
called nothing under test (not scored).

Options (``CodeOptions`` in ``verifiers.code_options``; an unknown one is an
error): ``language``, ``all_or_nothing``,
``limits`` (dict of ``SandboxLimits``) or ``time_s``/``memory_mb``/
``output_mb``, ``float_tolerance`` (None turns it off), ``backend``
(``local``/``docker``), ``allow_unfenced`` (use the whole answer when there is
no fence), ``prefilled_think``.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox import (
    Checker,
    SandboxLimits,
    SandboxUnavailable,
    TestFormatError,
    TestReport,
    TestVerdict,
    get_language,
    parse_tests,
    run_tests,
)
from verifiers.code_options import CodeOptions
from verifiers.core.options import OptionsError
from verifiers.core.verdict import Status, Verdict
from verifiers.format import split_response

_FENCE = re.compile(r"```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)```", re.DOTALL)
_LIMIT_OPTIONS = ("time_s", "wall_s", "memory_mb", "output_mb", "pids")


def extract_program(
    response: str, *, prefilled_think: bool = False, allow_unfenced: bool = False
) -> tuple[str | None, str | None]:
    """(program, fence tag) from the answer part, or (None, None) when there is none."""
    parts = split_response(response, prefilled_think=prefilled_think)
    if parts.truncated:
        return None, None
    blocks = _FENCE.findall(parts.answer)
    if blocks:
        tag, code = blocks[-1]
        return code, tag or None
    if allow_unfenced and parts.answer.strip():
        return parts.answer, None
    return None, None


def _language(tag: str | None, default: str) -> str:
    if tag:
        try:
            return get_language(tag).name
        except ValueError:
            pass  # an unknown fence tag (e.g. "text"): fall back to the option
    return default


def _limits(opts: CodeOptions) -> SandboxLimits:
    given = dict(opts.limits or {})
    for key in _LIMIT_OPTIONS:
        if getattr(opts, key) is not None:
            given[key] = getattr(opts, key)
    return SandboxLimits.coerce(given)


def verify(response: str, reference: Any, **options: Any) -> Verdict:
    """Score a response's program by the tests it passes. Never raises."""
    opts = CodeOptions.parse(options, where="verifier 'code'")  # a config mistake raises
    try:
        return _verify(response, reference, opts)
    except OptionsError:
        raise
    except Exception as exc:  # a bug or misconfiguration: a verdict, never a crash
        return Verdict.failure(Status.ERROR, f"code verifier failed: {exc!r}", verifier="code")


def _unreadable(exc: TestFormatError) -> Verdict:
    # The dataset's fault, not the model's: trainers skip the sample, curation quarantines it.
    return Verdict.failure(
        Status.REFERENCE_ERROR, f"unreadable reference tests: {exc}", verifier="code"
    )


def _verify(response: str, reference: Any, opts: CodeOptions) -> Verdict:
    try:  # before the answer is looked at: a bad gold is a reference_error whatever the response
        parse_tests(reference)
    except TestFormatError as exc:
        return _unreadable(exc)
    program, tag = extract_program(
        str(response), prefilled_think=opts.prefilled_think, allow_unfenced=opts.allow_unfenced
    )
    if program is None or not program.strip():
        return Verdict.failure(
            Status.NO_ANSWER, "no fenced code block in the answer", verifier="code"
        )
    language = _language(tag, opts.language or "python")
    checker = Checker(float_tolerance=opts.float_tolerance)
    try:
        report = run_tests(
            program,
            reference,
            language=language,
            limits=_limits(opts),
            backend=opts.backend,
            checker=checker,
        )
    except TestFormatError as exc:
        return _unreadable(exc)
    except SandboxUnavailable as exc:
        return Verdict.failure(Status.ERROR, f"sandbox unavailable: {exc}", verifier="code")
    return _verdict(report, program, language, opts.all_or_nothing)


def _verdict(report: TestReport, program: str, language: str, all_or_nothing: bool) -> Verdict:
    details = {
        "language": language,
        "backend": report.backend,
        "passed": report.passed,
        "total": len(report.per_test),
        "pass_fraction": report.pass_fraction,
        "verdicts": report.verdict_counts,
        "setup_asserts": report.setup_asserts,
        "per_test": [
            {
                "verdict": result.verdict.value,
                "reason": result.reason,
                "exit_code": result.exit_code,
                "cpu_s": result.cpu_s,
                "wall_s": result.wall_s,
                "stderr": result.stderr[-300:],
            }
            for result in report.per_test
        ],
    }
    # A test we could not judge (the sandbox failed, or its call cannot cross the
    # process boundary) says nothing about the program: an error, not a score.
    unjudged = (TestVerdict.SANDBOX_ERROR, TestVerdict.UNSUPPORTED)
    broken = next((r for r in report.per_test if r.verdict in unjudged), None)
    if broken is not None:
        what = (
            "sandbox error" if broken.verdict is TestVerdict.SANDBOX_ERROR else "unsupported test"
        )
        return Verdict(
            score=0.0,
            correct=None,
            status=Status.ERROR,
            extracted=program,
            reason=f"{what}: {broken.reason}",
            details=details,
            verifier="code",
        )
    score = (1.0 if report.accepted else 0.0) if all_or_nothing else report.pass_fraction
    counts = ", ".join(f"{n} {name}" for name, n in sorted(report.verdict_counts.items()))
    return Verdict(
        score=score,
        correct=report.accepted,
        status=Status.OK,
        extracted=program,
        reason=f"{report.passed}/{len(report.per_test)} tests passed ({counts})",
        details=details,
        verifier="code",
    )
