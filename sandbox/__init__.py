"""rlvr-kit sandbox: run untrusted programs against tests, isolated, judged on the host.

``run_tests(program, tests, language=..., limits=..., backend=...)`` returns a
``TestReport``; ``run_tests_async`` is its twin for event loops. This package
imports nothing from the rest of rlvr-kit.

Isolation invariant: **no process that ever held another program's data runs
a program.** In each jail (local bubblewrap or docker container) a template
process starts once and never reads a request; every request (a program's
tests, or their judge phase) is read by a fresh fork of that template, which
mounts an empty /box of its own and forks every test process from itself.
So a test's memory holds the pristine template plus its own program's
request, never an earlier program's source, inputs or outputs. Each test
also gets fresh pid, mount, ipc, network, uts and cgroup namespaces, fresh
tmpfs /work, /tmp and /dev/shm, a clean environment, its own cgroups and a
seccomp filter that denies keyrings (a per-user store that would outlive the
test), io_uring, userfaultfd, perf, ptrace, BPF and the mount/namespace calls
(``sandbox.seccomp``). ``sandbox audit`` and ``tests/sandbox/test_hostile.py``
hunt for an earlier program in memory, files, keyrings, shm, sockets and the
environment on both backends.
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
