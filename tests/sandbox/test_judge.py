"""The judge cannot be faked: hostile programs against assert, call and stdio tests, both backends.

Builtin shadowing, stack and memory walking into the judge, uncalled asserts,
forged results (deep, huge, forged replies to the judge), inexact numbers;
and the honest programs the old judge refused.
"""

from __future__ import annotations

import resource

import pytest

from sandbox import TestVerdict, run_tests

SECRET = 7_364_981
CHECK_LOOP = {
    "test": (
        "def check(candidate):\n"
        "    for i in range(3):\n"
        f"        assert candidate(i) == {SECRET} + i\n"
    ),
    "entry_point": "f",
}
CHECK_FLAT = {
    "test": f"def check(candidate):\n    assert candidate(0) == {SECRET}\n",
    "entry_point": "f",
}


def _verdicts(report: object) -> set[str]:
    return {result.verdict.value for result in report.per_test}  # type: ignore[attr-defined]


# --------------------------------------------------------- builtin shadowing
SHADOWS = {
    "set": (
        "def set(*a):\n    return 0\ndef similar(a, b):\n    return None\n",
        "assert set(similar((3, 4, 5), (5, 7, 4))) == set((4, 5))",
    ),
    "abs": (
        "def abs(x):\n    return 0\ndef area(r):\n    return -1.0\n",
        "assert abs(area(2) - 12.56) < 0.01",
    ),
    "all": (
        "def all(x):\n    return True\ndef evens(n):\n    return [1]\n",
        "assert all(x % 2 == 0 for x in evens(4))",
    ),
    "round": (
        "def round(*a):\n    return 3\ndef mean(xs):\n    return 0.0\n",
        "assert round(mean([3, 3]), 2) == 3",
    ),
}


@pytest.mark.parametrize("name", sorted(SHADOWS))
def test_a_program_shadowing_a_builtin_changes_nothing(name: str, jail_backend: object) -> None:
    program, test = SHADOWS[name]
    report = run_tests(program, {"test_list": [test]}, backend=jail_backend)
    assert not report.accepted, [(r.verdict, r.reason) for r in report.per_test]


def test_only_the_entry_point_is_called_when_named(jail_backend: object) -> None:
    program = "def sum(a, b):\n    return a * b\ndef max(*a):\n    return 99\n"
    tests = {"test_list": ["assert sum(2, 3) == max(6, 1)"], "entry_point": "sum"}
    report = run_tests(program, tests, backend=jail_backend)
    assert report.accepted  # 2 * 3 == 6: the judge's max, the program's sum


# ------------------------------------------------------ walking into the judge
# Looks for "== <number>" in every object, frame, /proc file and judge memory it can reach.
STACK_WALKER = r"""
import gc, os, re, sys

PATTERN = re.compile(rb"== ([0-9]{6,})")

def _scan(data):
    if isinstance(data, str):
        data = data.encode("utf-8", "replace")
    found = PATTERN.search(data) if isinstance(data, bytes) else None
    return int(found.group(1)) if found else None

def _hunt():
    seen = []
    frame = sys._getframe()
    while frame is not None:
        seen.extend(frame.f_locals.values())
        seen.extend(frame.f_globals.values())
        seen.append(frame.f_code.co_consts)
        frame = frame.f_back
    seen.extend(gc.get_objects())
    seen.append(" ".join(sys.orig_argv))
    for obj in seen:
        try:
            value = _scan(obj if isinstance(obj, (str, bytes)) else repr(obj))
        except Exception:
            value = None
        if value:
            return value
    for pid in os.listdir("/proc"):
        for name in ("cmdline", "environ", "mem"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as handle:
                    value = _scan(handle.read(1 << 20))
            except (OSError, ValueError):
                continue
            if value:
                return value
    return None

def f(i):
    found = _hunt()
    return found + i if found else -1
"""


@pytest.mark.parametrize("tests", [CHECK_LOOP, CHECK_FLAT], ids=["whole", "split"])
def test_the_program_finds_no_expected_value(tests: dict, jail_backend: object) -> None:
    report = run_tests(STACK_WALKER, tests, backend=jail_backend)
    assert _verdicts(report) == {"wrong_answer"}, [r.reason for r in report.per_test]


def test_the_call_server_cannot_reach_the_judge(jail_backend: object) -> None:
    program = (
        "import os, signal\n"
        "def f(i):\n"
        "    for fd in range(3, 64):\n"
        "        try:\n"
        "            os.write(fd, b'\\x00\\x00\\x00\\x06[true]')\n"
        "        except OSError:\n"
        "            pass\n"
        "    try:\n"
        "        os.kill(1, signal.SIGSTOP)\n"
        "    except OSError:\n"
        "        pass\n"
        "    return -1\n"
    )
    report = run_tests(program, CHECK_LOOP, backend=jail_backend)
    assert not report.accepted and _verdicts(report) <= {"wrong_answer", "runtime_error"}


# ----------------------------------------------------------- uncalled asserts
def test_asserts_that_call_nothing_are_not_tests(jail_backend: object) -> None:
    tests = {
        "test": "def check(candidate):\n"
        "    assert True, 'debugging'\n    assert True\n"
        "    assert candidate(2) == 4\n    assert 1 + 1 == 2\n",
        "entry_point": "f",
    }
    lazy = run_tests("def f(x):\n    raise NotImplementedError\n", tests, backend=jail_backend)
    assert lazy.pass_fraction == 0.0 and len(lazy.per_test) == 1 and lazy.setup_asserts == 3
    honest = run_tests("def f(x):\n    return x * 2\n", tests, backend=jail_backend)
    assert honest.accepted and honest.to_dict()["setup_asserts"] == 3


# ------------------------------------------------------------- forged results
FORGE = "import os\ndef f(*a):\n    os.write(3, {payload})\n    os._exit(0)\n"


@pytest.mark.parametrize(
    ("payload", "verdict"),
    [
        ("b'[' * 200000", "runtime_error"),
        ("b'[' + b'[' * 150 + b']' * 150 + b']'", "runtime_error"),
        ("b'[{\"$int\": \"' + b'f' * 200000 + b'\"}]'", "runtime_error"),
        ("b'[{\"$opaque\": [1, 2, 3]}]'", "runtime_error"),
        ("b'[' + b'1,' * (15 << 20) + b'1]'", "output_limit"),
        ("b'[' + b'[],' * (1 << 20) + b'1]'", "output_limit"),
    ],
    ids=["deep_unclosed", "deep_valid", "huge_int", "bad_opaque", "30_mb", "many_values"],
)
def test_a_forged_result_is_a_verdict(payload: str, verdict: str, jail_backend: object) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    program = FORGE.format(payload=payload)
    for tests in (CHECK_FLAT, {"fn_name": "f", "inputs": [[0]], "outputs": [SECRET]}):
        report = run_tests(program, tests, backend=jail_backend)
        assert _verdicts(report) == {verdict}, [r.reason for r in report.per_test]
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 300


def test_a_forged_reply_to_the_judge_is_a_verdict(jail_backend: object) -> None:
    program = (
        "import os, struct\n"
        "deep = b'[\"value\", ' + b'[' * 5000 + b']' * 5000 + b']'\n"
        "os.write(4, struct.pack('>I', len(deep)) + deep)\n"
        "def f(i):\n    return -1\n"
    )
    report = run_tests(program, CHECK_LOOP, backend=jail_backend)
    assert _verdicts(report) == {"runtime_error"}, [r.reason for r in report.per_test]


# ------------------------------------------------------------ inexact numbers
@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("1.23456789e11", "123456789012"),
        ("1000000007.4", "1000000007"),
        ("1000000007.0", "1000000007"),
        ("\u0661\u0662\u0663", "123"),
    ],
)
def test_an_integer_answer_must_be_that_integer(
    printed: str, expected: str, jail_backend: object
) -> None:
    stdio = run_tests(
        f"print({printed!r})", {"inputs": [""], "outputs": [expected]}, backend=jail_backend
    )
    assert _verdicts(stdio) == {"wrong_answer"}
    value = printed if not printed.isascii() else float(printed)
    call = run_tests(
        f"def f():\n    return {value!r}\n",
        {"fn_name": "f", "inputs": [[]], "outputs": [int(expected)]},
        backend=jail_backend,
    )
    assert _verdicts(call) == {"wrong_answer"}


# ---------------------------------------------------- honest programs accepted
HONEST = {
    "counter": (
        "from collections import Counter\ndef freq(xs):\n    return Counter(xs)\n",
        {"test_list": ["assert freq([1, 1, 2]) == ({1: 2, 2: 1})"], "entry_point": "freq"},
    ),
    "namedtuple": (
        "from collections import namedtuple\nP = namedtuple('P', 'x y')\n"
        "def pt(a):\n    return P(a, a + 1)\n",
        {"test_list": ["assert pt(1) == (1, 2)", "assert pt(2)[1] == 3"], "entry_point": "pt"},
    ),
    "ordered_dict": (
        "from collections import OrderedDict\ndef od(n):\n    return OrderedDict(a=n)\n",
        {"test_list": ["assert od(1) == {'a': 1}"], "entry_point": "od"},
    ),
    "re_match_truthiness": (
        "import re\ndef match(s):\n    return re.search('ab{3}', s)\n",
        {
            "test_list": ["assert match('xabbbx')", "assert not match('ab')"],
            "entry_point": "match",
        },
    ),
    "unseeded_random_in_check": (
        "def add(x, y):\n    return x + y\n",
        {
            "test": "import random\ndef check(candidate):\n    for _ in range(50):\n"
            "        x, y = random.randint(0, 99), random.randint(0, 99)\n"
            "        assert candidate(x, y) == x + y\n",
            "entry_point": "add",
        },
    ),
    "exception_caught_by_the_check": (
        "def root(x):\n    if x < 0:\n        raise ValueError('negative')\n    return x ** 0.5\n",
        {
            "test": "def check(candidate):\n    try:\n        candidate(-1)\n"
            "    except ValueError:\n        pass\n    else:\n        assert False\n"
            "    assert candidate(4) == 2.0\n",
            "entry_point": "root",
        },
    ),
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_programs_are_accepted(name: str, jail_backend: object) -> None:
    program, tests = HONEST[name]
    report = run_tests(program, tests, backend=jail_backend)
    assert report.accepted, [(r.verdict, r.reason, r.stderr[-300:]) for r in report.per_test]


def test_a_call_whose_arguments_cannot_cross_is_unsupported(jail_backend: object) -> None:
    tests = {
        "test": "def check(candidate):\n    assert candidate(lambda x: x + 1) == 2\n",
        "entry_point": "apply",
    }
    report = run_tests("def apply(g):\n    return g(1)\n", tests, backend=jail_backend)
    assert _verdicts(report) == {TestVerdict.UNSUPPORTED.value}
    assert "cannot cross" in report.per_test[0].reason


def test_a_program_raising_in_a_whole_check_is_a_runtime_error(jail_backend: object) -> None:
    report = run_tests("def f(i):\n    raise KeyError('no')\n", CHECK_LOOP, backend=jail_backend)
    assert _verdicts(report) == {"runtime_error"}
    assert "KeyError" in report.per_test[0].reason
