"""rlvr-kit sandbox: run untrusted programs against tests, isolated, judged on the host.

``run_tests(program, tests, language=..., limits=..., backend=...)`` returns a
``TestReport``; ``run_tests_async`` is its twin for event loops. This package
imports nothing from the rest of rlvr-kit.
"""

from sandbox.backends import close_backends, create_backend, get_backend
from sandbox.backends.base import Enforcement, SandboxUnavailable
from sandbox.checker import Checker
from sandbox.languages import LANGUAGES, Language, get_language
from sandbox.limits import SandboxLimits
from sandbox.report import TestReport, TestResult, TestVerdict
from sandbox.run import run_tests, run_tests_async
from sandbox.testcases import TestFormatError, TestKind, parse_tests

__all__ = [
    "LANGUAGES",
    "Checker",
    "Enforcement",
    "Language",
    "SandboxLimits",
    "SandboxUnavailable",
    "TestFormatError",
    "TestKind",
    "TestReport",
    "TestResult",
    "TestVerdict",
    "close_backends",
    "create_backend",
    "get_backend",
    "get_language",
    "parse_tests",
    "run_tests",
    "run_tests_async",
]
