"""The runner that lives inside the jail: one per program, one fresh child per test.

This file is NOT imported by the host. The host passes its text to
``/usr/bin/python3 -I -S -c`` inside bubblewrap (local backend) or inside a
hardened container (docker backend), so it uses the standard library only.

Why a zygote: starting an interpreter costs ~20 ms, more than a small test
itself. This process starts once per program, pre-imports the usual modules
and then, for every test, forks a *setup* child that joins the test's cgroup,
unshares fresh mount, pid, ipc, network and uts namespaces and mounts fresh
tmpfs work dirs; the setup child forks the *test* process, pid 1 of the new
pid namespace, which mounts its own /proc, drops every capability and runs the
program (Python in-process from a pristine fork, anything else by execve).
When the test process dies the kernel kills everything it started (pid 1 of a
namespace), and it can neither see nor signal the zygote or the setup child.

Protocol (stdin/stdout of this process): frames of a 4-byte big-endian length
and a JSON header; a result header announces ``stdout_len``/``stderr_len``
raw bytes that follow it. The host never sends expected outputs.
"""

import contextlib
import ctypes
import errno
import gc
import json
import os
import select
import signal
import struct
import sys
import time

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP = 1, 38, 24
SYS_CAPSET = 126 if os.uname().machine == "x86_64" else 91
STDERR_KEEP = 4096
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/work", "LANG": "C.UTF-8", "TMPDIR": "/tmp"}
PREIMPORT = (
    "collections heapq bisect math itertools functools re string random typing "
    "operator copy decimal fractions statistics array dataclasses io traceback threading"
)

libc = ctypes.CDLL(None, use_errno=True)


def _check(ret, what):
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None):
    _check(
        libc.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def read_frame(stream):
    head = stream.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    return json.loads(stream.read(size))


def write_frame(header, *blobs):
    data = json.dumps(header).encode()
    out = sys.stdout.buffer
    out.write(struct.pack(">I", len(data)) + data)
    for blob in blobs:
        out.write(blob)
    out.flush()


# ----------------------------------------------------------------- setup child
def enter_test_namespaces(cg_procs, box_writable, tmpfs_mb):
    """Runs in the setup child: cgroups, fresh namespaces, fresh writable dirs."""
    for procs in cg_procs:
        with open(procs, "w") as handle:
            handle.write("0")
    _check(
        libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS),
        "unshare",
    )
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    if os.path.isdir("/cg"):  # hide the cgroup dirs (bwrap's mounts are locked: cover them)
        _mount("tmpfs", "/cg", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "size=4k")
    size = f"size={tmpfs_mb}m,mode=1777"
    for path in ("/work", "/tmp", "/dev/shm"):
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, size)
    if not box_writable:
        _mount(None, "/box", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def drop_privileges(limits, mount_proc):
    """Runs in the test process (pid 1 of its namespace) just before the program."""
    if mount_proc:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    import resource

    cpu = int(limits["time_s"]) + 2
    mem = limits["memory_mb"] << 20
    for rlim, value in (
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_FSIZE, (limits["file_mb"] << 20,) * 2),
        (resource.RLIMIT_NOFILE, (limits["open_files"],) * 2),
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_STACK, (mem, mem)),
    ):
        resource.setrlimit(rlim, value)
    with open("/proc/self/oom_score_adj", "w") as handle:
        handle.write("1000")
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)
    data = (ctypes.c_uint32 * 6)()
    _check(libc.syscall(SYS_CAPSET, header, data), "capset")
    os.chdir("/work")
    os.environ.clear()
    os.environ.update(ENV)


# ------------------------------------------------------------- test processes
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
    exec(program, namespace)
    if mode == "call":
        func = _find_function(namespace, entry)
        _emit_result([func(*json.loads(test["args"]))])
        return
    if test.get("whole") is not None:
        # the weaker path: the test runs here, so give it the builtins from
        # before the program ran and plain-data return values
        namespace = dict(namespace, __builtins__=pristine)
    _setup_asserts(namespace, test)
    if test.get("entry"):
        func = _sanitising(_find_function(namespace, test["entry"]))
        for name in test.get("bind") or [test["entry"]]:
            namespace[name] = func
    if test.get("whole") is not None:
        try:
            exec(compile(test["whole"], "test", "exec"), namespace)
        except AssertionError as exc:
            _emit_result({"error": f"assertion failed {exc}".strip()})
            return
        _emit_result([True])
        return
    _emit_result([eval(compile(src, "test", "eval"), namespace) for src in test["exprs"]])


def _setup_asserts(namespace, test):
    for block in test.get("setup", []):
        exec(compile(block, "test_setup", "exec"), namespace)


def _judge(test):
    """Evaluate an assert in a process that never ran the program."""
    namespace = {"__name__": "judge", "__builtins__": __builtins__}
    _setup_asserts(namespace, test)
    namespace["__rlvr_r"] = [decode(item) for item in json.loads(test["values"])]
    return eval(compile(test["judge"], "test", "eval"), namespace) is True


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
def encode(value, depth=0):
    if depth > 200:
        raise ValueError("return value nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value if abs(value) < 1 << 53 else {"$int": hex(value)}
    if kind is float:
        return (
            value
            if value == value and value not in (float("inf"), -float("inf"))
            else {"$float": repr(value)}
        )
    if kind is list:
        return [encode(item, depth + 1) for item in value]
    if kind in (tuple, set, frozenset):
        items = [encode(item, depth + 1) for item in value]
        return {"$" + kind.__name__: items}
    if kind is dict:
        return {"$dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    if kind is bytes:
        return {"$bytes": value.hex()}
    if kind is complex:
        return {"$complex": [value.real, value.imag]}
    raise TypeError(f"return value of type {kind.__name__} is not plain data")


def decode(data):
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    ((tag, inner),) = data.items()
    if tag == "$int":
        return int(inner, 16)
    if tag == "$float":
        return float(inner)
    if tag == "$tuple":
        return tuple(decode(item) for item in inner)
    if tag in ("$set", "$frozenset"):
        items = (decode(item) for item in inner)
        return set(items) if tag == "$set" else frozenset(items)
    if tag == "$dict":
        return {decode(k): decode(v) for k, v in inner}
    if tag == "$bytes":
        return bytes.fromhex(inner)
    if tag == "$complex":
        return complex(*inner)
    raise ValueError(f"unknown tag {tag}")


def run_exec(argv):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.execve(argv[0], argv, ENV)


# ------------------------------------------------------------------ the zygote
class Cgroup:
    """Counters of the cgroup a test runs in (its own, or the container's)."""

    def __init__(self, spec):
        self.spec = spec or {}

    def read(self):
        values = {}
        for key, path in self.spec.get("counters", {}).items():
            try:
                with open(path) as handle:
                    text = handle.read()
            except OSError:
                continue
            if key == "oom_kill":
                values[key] = _field(text, "oom_kill")
            elif key == "cpu_usec":
                values[key] = _field(text, "usage_usec")
            elif key == "cpu_ns":
                values["cpu_usec"] = int(text.split()[0]) // 1000
            else:
                values[key] = int(text.split()[0])
        return values


def _field(text, name):
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == name:
            return int(parts[1])
    return 0


def run_one(request, test, cgroup_spec, step):
    """Run one jailed step (compile, test or judge) and collect its outcome."""
    cgroup = Cgroup(cgroup_spec)
    limits = request["limits"] if step != "compile" else request["compile_limits"]
    before = cgroup.read()
    pipes = [os.pipe() for _ in range(5)]  # stdin, stdout, stderr, result, status
    start = time.monotonic()
    setup = os.fork()
    if setup == 0:
        _setup_child(request, test, pipes, cgroup, step, limits)
    for keep in (pipes[0][0], pipes[1][1], pipes[2][1], pipes[3][1], pipes[4][1]):
        os.close(keep)
    outcome = _supervise(limits, test, pipes, cgroup, before, start)
    os.waitpid(setup, 0)
    return outcome


def _setup_child(request, test, pipes, cgroup, step, limits):
    status_w = pipes[4][1]
    try:
        for fd in (pipes[0][1], pipes[1][0], pipes[2][0], pipes[3][0], pipes[4][0]):
            os.close(fd)
        procs = cgroup.spec.get("procs", [])
        enter_test_namespaces(procs, step == "compile", limits["tmpfs_mb"])
        child = os.fork()
        if child == 0:
            _test_process(request, test, pipes, step, limits)
        for fd in (pipes[0][0], pipes[1][1], pipes[2][1], pipes[3][1]):
            os.close(fd)
        os.write(status_w, b"P" + struct.pack(">i", child))
        _, status, usage = os.wait4(child, 0)
        cpu = usage.ru_utime + usage.ru_stime
        os.write(status_w, b"S" + struct.pack(">id", status, cpu))
    except BaseException as exc:  # reported to the host as sandbox_error
        os.write(status_w, b"E" + repr(exc).encode()[:500])
    os._exit(0)


def _test_process(request, test, pipes, step, limits):
    try:
        for target, source in enumerate((pipes[0][0], pipes[1][1], pipes[2][1], pipes[3][1])):
            os.dup2(source, target)
        os.closerange(4, 1 << 16)
        drop_privileges(limits, request.get("mount_proc", True))
    except BaseException as exc:
        os.write(2, b"sandbox setup failed: " + repr(exc).encode())
        os._exit(121)
    if request["language"] == "python":
        run_python(step if step != "test" else request["mode"], test, request.get("entry"))
    elif step == "compile":
        run_exec(request["compile"])
    else:
        run_exec(request["run"])
    os._exit(120)


class Drain:
    """Feeds stdin and drains stdout, stderr, result and status concurrently."""

    def __init__(self, limits, test, pipes):
        self.pending = memoryview(test.get("stdin", "").encode())
        self.fds = {pipes[0][1]: "stdin", pipes[1][0]: "stdout", pipes[2][0]: "stderr"}
        self.fds.update({pipes[3][0]: "result", pipes[4][0]: "status"})
        self.cap = limits["output_mb"] << 20
        self.chunks = {"stdout": [], "stderr": [], "result": [], "status": []}
        self.sizes = dict.fromkeys(self.chunks, 0)
        self.poller = select.poll()
        for fd, name in list(self.fds.items()):
            os.set_blocking(fd, False)
            self.poller.register(fd, select.POLLOUT if name == "stdin" else select.POLLIN)
        if not self.pending:
            self.close(pipes[0][1])
        self.pid = None
        self.over_cap = False

    def close(self, fd):
        self.poller.unregister(fd)
        os.close(fd)
        del self.fds[fd]

    def step(self, wait_ms):
        for fd, _event in self.poller.poll(wait_ms):
            name = self.fds.get(fd)
            if name == "stdin":
                self._feed(fd)
            elif name is not None:
                self._read(fd, name)

    def _feed(self, fd):
        try:
            self.pending = self.pending[os.write(fd, self.pending[:65536]) :]
        except BlockingIOError:
            return
        except OSError:  # the program closed its stdin: the rest is not wanted
            self.pending = self.pending[:0]
        if not self.pending:
            self.close(fd)

    def _read(self, fd, name):
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return
        if not chunk:
            self.close(fd)
            return
        self.sizes[name] += len(chunk)
        if name == "status" and self.pid is None and chunk[:1] == b"P":
            self.pid = struct.unpack(">i", chunk[1:5])[0]
            chunk = chunk[5:]
        if name == "stderr":
            self.chunks[name] = [b"".join([*self.chunks[name], chunk])[-STDERR_KEEP:]]
        else:
            self.chunks[name].append(chunk)
        if name != "status" and self.sizes[name] > self.cap:
            self.over_cap = True

    def close_all(self):
        for fd in list(self.fds):
            self.close(fd)


def _supervise(limits, test, pipes, cgroup, before, start):
    drain = Drain(limits, test, pipes)
    killed, signalled = None, False
    wall_limit = limits["wall_s"]
    while drain.fds:
        elapsed = time.monotonic() - start
        if killed is None:
            if drain.over_cap:
                killed = "output"
            elif elapsed > wall_limit:
                killed = "wall"
            elif _cpu_used(cgroup, before) > limits["time_s"]:
                killed = "cpu"
        if killed and drain.pid and not signalled:
            _kill(drain.pid)
            signalled = True
        if killed and elapsed > wall_limit + 5:
            break  # a pipe held open by something we cannot reach: give up on it
        drain.step(20 if killed else max(1, min(50, int((wall_limit - elapsed) * 1000) + 1)))
    drain.close_all()
    wall = time.monotonic() - start
    return _outcome(drain.chunks, drain.sizes, killed, wall, before, cgroup.read())


def _kill(pid):
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _cpu_used(cgroup, before):
    if "cpu_usec" not in before:
        return 0.0
    return (cgroup.read().get("cpu_usec", 0) - before["cpu_usec"]) / 1e6


def _outcome(chunks, sizes, killed, wall, before, after):
    status_bytes = b"".join(chunks["status"])
    header = {"killed": killed, "wall_s": round(wall, 6), "stdout_size": sizes["stdout"]}
    header["stderr_size"] = sizes["stderr"]
    if status_bytes[:1] == b"S":
        status, cpu = struct.unpack(">id", status_bytes[1:13])
        if os.WIFEXITED(status):
            header["exit_code"] = os.WEXITSTATUS(status)
        else:
            header["signal"] = os.WTERMSIG(status)
        header["rusage_cpu_s"] = round(cpu, 6)
    elif status_bytes[:1] == b"E":
        header["setup_error"] = status_bytes[1:].decode(errors="replace")
    else:
        header["setup_error"] = "the setup process vanished"
    if "cpu_usec" in before and "cpu_usec" in after:
        header["cpu_s"] = (after["cpu_usec"] - before["cpu_usec"]) / 1e6
    else:
        header["cpu_s"] = header.get("rusage_cpu_s")
    for key in ("oom_kill", "failcnt"):
        if key in before and key in after:
            header[key] = after[key] - before[key]
    for key in ("memory_peak",):
        if key in after:
            header[key] = after[key]
    header["result"] = (
        b"".join(chunks["result"]).decode(errors="replace") if chunks["result"] else None
    )
    return header, b"".join(chunks["stdout"]), b"".join(chunks["stderr"])


def main():
    sys.setrecursionlimit(10_000)
    for name in PREIMPORT.split():
        __import__(name)
    # Every test is a fork of this process: keep the collector away from the
    # objects we already have, or each child would copy every page it scans.
    gc.collect()
    gc.freeze()
    write_frame({"kind": "ready", "pid": os.getpid()})
    request = read_frame(sys.stdin.buffer)
    if request is None:
        return
    with open("/box/" + request["source_name"], "w") as handle:
        handle.write(request["source"])
    cgroups = request.get("cgroups") or [{}]
    if request["language"] == "python" or request.get("compile"):
        header, out, err = run_one(request, {}, request.get("compile_cgroup") or {}, "compile")
        header.update(kind="compile", stdout_len=len(out), stderr_len=len(err))
        write_frame(header, out, err)
        if header.get("exit_code") != 0 or header.get("killed"):
            return
    for index, test in enumerate(request["tests"]):
        spec = cgroups[index] if index < len(cgroups) else cgroups[-1]
        header, out, err = run_one(request, test, spec, "test")
        if test.get("judge") is not None and header.get("exit_code") == 0 and header["result"]:
            judged = dict(test, values=header["result"])
            verdict, _, judge_err = run_one(request, judged, spec, "judge")
            header["judge"] = {
                "exit_code": verdict.get("exit_code"),
                "result": verdict.get("result"),
                "stderr": judge_err[-2000:].decode(errors="replace"),
                "killed": verdict.get("killed"),
            }
        header.update(kind="test", index=index, stdout_len=len(out), stderr_len=len(err))
        write_frame(header, out, err)
    write_frame({"kind": "done"})


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        os._exit(1)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
