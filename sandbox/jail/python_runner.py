"""The test body for Python: a pristine fork of the runner runs the program in-process.

Part of the runner script (see ``zygote.py``). No interpreter starts per
test: the program's code object (compiled once, in a jailed child) is
executed in a fork with fresh stdio. Call-based and assert tests send their
values through fd 3 (tagged JSON, see ``values.py``).

Assert tests never show the program an expected value:

- a *split* assert (``assert candidate([1, 2]) == 3``): the program's process
  gets only the calls (function name and plain-data arguments, no assert
  text) and returns their values; the host or a judge process does the rest;
- a *whole* check (loops, helpers, arguments the host cannot evaluate): the
  judge process runs the check with the dataset's trusted setup and the real
  builtins, and every call to the function under test crosses to a *call
  server*: a fresh interpreter (execve: nothing of the judge's memory
  survives) that loads the program and answers calls over two pipes.
  Arguments and results cross as plain data; an argument that cannot cross is
  an ``unsupported`` verdict; a result that is not plain data crosses as its
  truthiness only. The judge is not dumpable and is pid 1 of its namespace:
  the call server can neither read its memory nor signal it.
"""

import json
import os
import struct
import sys

if __name__ != "__main__":  # on the host (lint, tests); in the jail the files are one script
    from sandbox.jail.values import NotPlain, decode, encode

CALL_PRELUDE = (
    "from typing import *\n"
    "import collections, heapq, bisect, math, itertools, functools, re, string\n"
    "from collections import deque, defaultdict, Counter, OrderedDict\n"
    "from functools import lru_cache, cache, reduce\n"
    "from itertools import accumulate, permutations, combinations, product\n"
    "from heapq import heappush, heappop, heapify\n"
    "from bisect import bisect_left, bisect_right, insort\n"
)
SEED = 0  # program runs, call servers and judges all start from this random state
CALL_FRAME_MAX = 64 << 20
PR_SET_DUMPABLE = 4


def run_python(step, test, entry):
    """The test body for Python: a pristine fork runs the program in-process."""
    import io

    _set_stdio("stdin", io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r"))))
    _set_stdio("stdout", io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w"))))
    _set_stdio(
        "stderr",
        io.TextIOWrapper(
            io.BufferedWriter(io.FileIO(2, "w")), errors="backslashreplace", line_buffering=True
        ),
    )
    _exit_is_sys_exit()
    sys.argv = ["main.py"]
    _seed()
    code = 0
    try:
        if step == "compile":
            _compile_python()
        elif step == "judge":
            _emit_result(_judge(test))
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


def _set_stdio(name, stream):
    """``sys.<name>`` and ``sys.__<name>__``: a program that restores the originals gets the
    fork's fresh stream too (setattr: typeshed marks the dunders Final, which we override here)."""
    setattr(sys, name, stream)
    setattr(sys, f"__{name}__", stream)


def _exit_is_sys_exit():
    """``exit()``/``quit()`` are ``sys.exit`` (``-S``: no site module defines them).

    setattr: typeshed types them as site's ``Quitter``, which this replaces."""
    import builtins

    for name in ("exit", "quit"):
        setattr(builtins, name, sys.exit)


def _seed():
    import random

    random.seed(SEED)


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


def _program_namespace(name):
    import builtins

    return {"__name__": name, "__builtins__": builtins, "__file__": "main.py"}


def _run_program(mode, test, entry):
    program = _load_program()
    if mode == "stdio":
        exec(program, _program_namespace("__main__"))
        return
    namespace = _program_namespace("main")
    if mode == "call":  # LeetCode-style code relies on these names being there
        exec(CALL_PRELUDE, namespace)
    exec(program, namespace)
    if mode == "call":
        func = _find_function(namespace, entry)
        _emit_result([func(*json.loads(test["args"]))])
        return
    if "probe" in test:  # a whole check: the judge calls the program later, here only load it
        for name in test["probe"]:
            _find_function(namespace, name)
        _emit_result([])
        return
    # A split assert: only the calls (names and plain arguments) are here, no assert text.
    values = []
    for name, args, kwargs in test["calls"]:
        func = _find_function(namespace, name)
        values.append(func(*decode(args), **decode(kwargs)))
    _emit_result(values)


def _find_function(namespace, name):
    holder = namespace.get("Solution")
    if isinstance(holder, type) and callable(getattr(holder, name, None)):
        return getattr(holder(), name)
    func = namespace.get(name)
    if not callable(func):
        raise NameError(f"no function or Solution method named {name!r}")
    return func


def _emit_result(values):
    try:
        data = values if isinstance(values, dict) else [encode(value) for value in values]
    except (TypeError, ValueError, RecursionError) as exc:
        data = {"error": str(exc)[:300]}
    payload = json.dumps(data, separators=(",", ":")).encode()
    view = memoryview(payload)
    while view:
        view = view[os.write(3, view) :]


# ------------------------------------------------------------------ the judge
def _judge(test):
    """Evaluate an assert in a process that never ran the program.

    ``judge``: an expression over the values the program returned
    (``__rlvr_r``). ``whole``: a check run here, its calls to the function
    under test answered by a call server (see the module docstring).
    """
    import builtins

    _not_dumpable()
    namespace = {"__name__": "judge", "__builtins__": builtins}
    if test.get("whole") is None:
        for block in test.get("setup", []):
            exec(compile(block, "trusted_setup", "exec"), namespace)
        namespace["__rlvr_r"] = [decode(item) for item in json.loads(test["values"])]
        return [bool(eval(compile(test["judge"], "test", "eval"), namespace))]
    server = _CallServer(test.get("program") or "")
    for alias, name in (test.get("aliases") or {}).items():
        namespace[alias] = _Proxy(server, name)
    outcome: dict[str, str] | list[bool]  # a verdict, or [True]: every assert held
    try:
        for block in test.get("setup", []):
            exec(compile(block, "trusted_setup", "exec"), namespace)
        exec(compile(test["whole"], "test", "exec"), namespace)
    except _Fault as exc:
        return exc.verdict()
    except AssertionError as exc:
        outcome = {"failed": f"assertion failed {str(exc)[:200]}".strip()}
    except BaseException as exc:
        if server.raised is not None and exc is server.raised:
            outcome = {"raised": f"the program raised {server.raised_text}"}
        else:
            outcome = {"failed": f"{type(exc).__name__}: {str(exc)[:200]}"}
    else:
        outcome = [True]
    # a check with a bare ``except:`` may have swallowed a fault: it still decides
    return server.fault.verdict() if server.fault is not None else outcome


def _not_dumpable():
    """No process of the namespace may read this one's memory or attach to it."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


class _Fault(BaseException):
    """A call that could not be judged (BaseException: checks rarely catch it)."""

    key = "failed"

    def verdict(self):
        return {self.key: str(self)[:300]}


class _Unsupported(_Fault):
    """A call whose arguments cannot cross."""

    key = "unsupported"


class _ProgramGone(_Fault):
    """The call server exited or sent something unreadable."""

    key = "program_exit"


class _NoCallServer(_Fault):
    """The call server could not be started (a sandbox problem, not the program's)."""

    key = "sandbox_error"


class _Proxy:
    """The function under test, as the judge sees it: a call across the boundary."""

    def __init__(self, server, name):
        self.server, self.name = server, name

    def __call__(self, *args, **kwargs):
        try:
            payload = [self.name, encode(list(args), opaque=False), encode(kwargs, opaque=False)]
        except (NotPlain, ValueError, RecursionError) as exc:
            why = f"a call to {self.name} whose arguments cannot cross: {exc}"
            raise self.server.failed(_Unsupported(why)) from None
        return self.server.call(payload)


class _CallServer:
    """A fresh interpreter that loads the program and answers calls (started on first use)."""

    def __init__(self, program):
        self.program = program
        self.pid: int | None = None
        self.raised = None
        self.raised_text = ""
        self.fault = None

    def failed(self, fault):
        """Remember the first fault: it decides even if the check catches it."""
        self.fault = self.fault or fault
        return fault

    def start(self):
        try:
            argv = [sys.executable, "-I", "-S", "-B", "-c", _call_server_source()]
        except RuntimeError as exc:
            raise self.failed(_NoCallServer(str(exc))) from None
        calls_r, calls_w = os.pipe()
        results_r, results_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                calls, results = os.dup(calls_r), os.dup(results_w)
                os.dup2(calls, 3)  # also closes the judge's result pipe in this process
                os.dup2(results, 4)
                os.closerange(5, 1 << 16)
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        os.close(calls_r)
        os.close(results_w)
        self.pid, self.calls, self.results = pid, calls_w, results_r
        self._send(self.program)  # the program's source: the first frame it reads

    def _send(self, message):
        data = json.dumps(message, separators=(",", ":")).encode()
        _write_all(self.calls, struct.pack(">I", len(data)) + data)

    def call(self, payload):
        try:
            if self.pid is None:
                self.start()
            self._send(payload)
            reply = _read_frame(self.results, CALL_FRAME_MAX)
        except OSError as exc:
            why = f"the program went away during a call: {exc}"
            raise self.failed(_ProgramGone(why)) from None
        if reply is None:
            raise self.failed(_ProgramGone(self._exit_status()))
        kind, value = reply if isinstance(reply, list) and len(reply) == 2 else (None, None)
        if kind == "value":
            try:
                return decode(value)
            except Exception as exc:
                why = f"unreadable value from the program: {exc}"[:300]
                raise self.failed(_ProgramGone(why)) from None
        if kind == "raised" and isinstance(value, list) and len(value) == 2:
            self.raised = _program_exception(value)
            self.raised_text = f"{value[0]}: {value[1]}"[:300]
            raise self.raised
        raise self.failed(_ProgramGone("unreadable reply from the program"))

    def _exit_status(self):
        assert self.pid is not None  # only after start(): a call found the program gone
        try:
            _, status = os.waitpid(self.pid, 0)
        except OSError:
            return "the program exited during a call"
        if os.WIFSIGNALED(status):
            return f"the program was killed by signal {os.WTERMSIG(status)} during a call"
        return f"the program exited with code {os.WEXITSTATUS(status)} during a call"


def _program_exception(value):
    """The program raised: the same builtin exception class here, so checks can catch it."""
    import builtins

    name, text = str(value[0])[:100], str(value[1])[:300]
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        try:
            exc = kind(text)
        except Exception:
            exc = RuntimeError(text)
    else:
        exc = RuntimeError(f"{name}: {text}")
    return exc


def _call_server_source():
    """This runner's own source, cut before its main loop, ending in ``serve_calls()``."""
    argv = getattr(sys, "orig_argv", None) or []
    source = argv[argv.index("-c") + 1] if "-c" in argv else ""
    cut = source.rfind('\nif __name__ == "__main__":')
    if cut < 0:
        raise RuntimeError("the runner's source is not available to start a call server")
    return source[:cut] + "\n\nserve_calls()\n"


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exact_fd(fd, size):
    parts = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


def _read_frame(fd, limit):
    head = _read_exact_fd(fd, 4)
    if head is None:
        return None
    (size,) = struct.unpack(">I", head)
    if size > limit:
        raise OSError(f"a frame of {size} bytes, beyond {limit}")
    body = _read_exact_fd(fd, size)
    if body is None:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise OSError(f"unreadable frame: {str(exc)[:100]}") from None


# ------------------------------------------------------------- the call server
def serve_calls():
    """In a fresh interpreter: read the program, answer calls on fd 3, reply on fd 4.

    The program comes as the first frame (each request has a fresh /box, so
    the judge phase has no compiled copy to load).
    """
    sys.setrecursionlimit(10_000)
    _exit_is_sys_exit()
    sys.argv = ["main.py"]
    _seed()
    source = _read_frame(3, CALL_FRAME_MAX)
    if not isinstance(source, str):
        _flush_and_exit(2)
    namespace = _program_namespace("main")
    exec(compile(source, "main.py", "exec", dont_inherit=True), namespace)
    while True:
        try:
            request = _read_frame(3, CALL_FRAME_MAX)
        except OSError:
            request = None
        if request is None:
            _flush_and_exit(0)
        name, args, kwargs = request
        try:
            func = _find_function(namespace, name)
            reply = ["value", encode(func(*decode(args), **decode(kwargs)))]
        except BaseException as exc:  # SystemExit too: the check sees the program fail
            reply = ["raised", [type(exc).__name__, str(exc)[:300]]]
        try:
            data = json.dumps(reply, separators=(",", ":")).encode()
        except (TypeError, ValueError, RecursionError) as exc:
            data = json.dumps(["raised", ["TypeError", str(exc)[:300]]]).encode()
        _write_all(4, struct.pack(">I", len(data)) + data)


def _flush_and_exit(code):
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


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
