"""The test body for Python: a pristine fork of the runner runs the program in-process.

Part of the runner script (see ``zygote.py``). No interpreter starts per
test: the program's code object (compiled once, in a jailed child) is
executed in a fork with fresh stdio. Call-based and assert tests send their
values through fd 3 (tagged JSON); assert judges run in processes that never
ran the program.
"""

import json
import os
import sys

if __name__ != "__main__":  # on the host (lint, tests); in the jail the files are one script
    from sandbox.jail.values import decode, encode

CALL_PRELUDE = (
    "from typing import *\n"
    "import collections, heapq, bisect, math, itertools, functools, re, string\n"
    "from collections import deque, defaultdict, Counter, OrderedDict\n"
    "from functools import lru_cache, cache, reduce\n"
    "from itertools import accumulate, permutations, combinations, product\n"
    "from heapq import heappush, heappop, heapify\n"
    "from bisect import bisect_left, bisect_right, insort\n"
)


def run_python(step, test, entry):
    """The test body for Python: a pristine fork runs the program in-process."""
    import builtins
    import io

    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r")))
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w")))
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(2, "w")), errors="backslashreplace", line_buffering=True
    )
    builtins.exit = builtins.quit = sys.exit
    sys.argv = ["main.py"]
    code = 0
    try:
        if step == "compile":
            _compile_python()
        elif step == "judge":
            _emit_result([_judge(test)])
        else:
            _run_program(step, test, entry)
        _join_threads()
    except SystemExit as stop:
        code = _exit_code(stop)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        code = code or 1
    os._exit(code)


def _compile_python():
    import marshal

    with open("/box/main.py", "rb") as handle:
        source = handle.read()
    try:
        program = compile(source, "main.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    with open("/box/main.pyc", "wb") as handle:
        handle.write(marshal.dumps(program))


def _load_program():
    import marshal

    with open("/box/main.pyc", "rb") as handle:
        return marshal.loads(handle.read())


def _run_program(mode, test, entry):
    import builtins

    pristine = dict(vars(builtins))
    program = _load_program()
    namespace = {"__name__": "__main__", "__builtins__": __builtins__, "__file__": "main.py"}
    if mode == "stdio":
        exec(program, namespace)
        return
    namespace["__name__"] = "main"
    if mode == "call":  # LeetCode-style code relies on these names being there
        exec(CALL_PRELUDE, namespace)
    exec(program, namespace)
    if mode == "call":
        func = _find_function(namespace, entry)
        _emit_result([func(*json.loads(test["args"]))])
        return
    whole = test.get("whole")
    if whole is not None:  # run the check here, recording every call for the judge
        namespace = dict(namespace, __builtins__=pristine)
    _setup_asserts(namespace, test)
    log = []
    for alias, name in (test.get("bind") or {}).items():
        func = _sanitising(_find_function(namespace, name))
        namespace[alias] = _Recorder(name, func, log) if whole is not None else func
    if whole is not None:
        try:
            exec(compile(whole, "test", "exec"), namespace)
        except AssertionError as exc:
            _emit_result({"error": f"assertion failed {exc}".strip()})
            return
        _emit_result({"calls": log})
        return
    _emit_result([eval(compile(src, "test", "eval"), namespace) for src in test["exprs"]])


def _call_key(name, args, kwargs):
    try:
        return json.dumps([name, encode(list(args)), encode(kwargs)], sort_keys=True)
    except (TypeError, ValueError):
        return None  # arguments that are not plain data cannot be replayed


class _Recorder:
    """The function under test, logging (call, plain result) for the judge's replay."""

    def __init__(self, name, func, log):
        self.name, self.func, self.log = name, func, log

    def __call__(self, *args, **kwargs):
        key = _call_key(self.name, args, kwargs)
        value = self.func(*args, **kwargs)
        self.log.append([key, encode(value)])
        return value


class _Replay:
    """In the judge: answers each call from the log, in order, or fails the assert."""

    def __init__(self, name, log, cursor):
        self.name, self.log, self.cursor = name, log, cursor

    def __call__(self, *args, **kwargs):
        index = self.cursor[0]
        key = _call_key(self.name, args, kwargs)
        if key is None or index >= len(self.log) or self.log[index][0] != key:
            raise AssertionError("the function was not called this way when the program ran")
        self.cursor[0] += 1
        return decode(self.log[index][1])


def _setup_asserts(namespace, test):
    for block in test.get("setup", []):
        exec(compile(block, "test_setup", "exec"), namespace)


def _judge(test):
    """Evaluate an assert in a process that never ran the program.

    A whole check (loops, comprehensions) is run again here, its calls to the
    function answered from what the program returned: the program cannot
    claim a pass, it can only have returned values.
    """
    namespace = {"__name__": "judge", "__builtins__": __builtins__}
    _setup_asserts(namespace, test)
    values = json.loads(test["values"])
    if test.get("whole") is None:
        namespace["__rlvr_r"] = [decode(item) for item in values]
        return bool(eval(compile(test["judge"], "test", "eval"), namespace))
    cursor = [0]
    for alias, name in (test.get("bind") or {}).items():
        namespace[alias] = _Replay(name, values["calls"], cursor)
    exec(compile(test["whole"], "test", "exec"), namespace)
    return True


def _find_function(namespace, name):
    holder = namespace.get("Solution")
    if isinstance(holder, type) and callable(getattr(holder, name, None)):
        return getattr(holder(), name)
    func = namespace.get(name)
    if not callable(func):
        raise NameError(f"no function or Solution method named {name!r}")
    return func


def _sanitising(func):
    def call(*args, **kwargs):
        return decode(encode(func(*args, **kwargs)))

    return call


def _emit_result(values):
    try:
        data = values if isinstance(values, dict) else [encode(value) for value in values]
    except (TypeError, ValueError, RecursionError) as exc:
        data = {"error": str(exc)}
    payload = json.dumps(data, separators=(",", ":")).encode()
    view = memoryview(payload)
    while view:
        view = view[os.write(3, view) :]


def _join_threads():
    threading = sys.modules.get("threading")
    if threading is not None:
        threading._shutdown()


def _exit_code(stop):
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code & 0xFF
    print(stop.code, file=sys.stderr)
    return 1


# Return values cross to the host as tagged JSON. Exact type checks on purpose:
# a subclass (an int whose __eq__ always says True) is not plain data.
