"""Run one jailed step and watch it: cgroups, namespaces, limits, output caps.

Part of the runner script (see ``zygote.py``). For every test a short-lived
set-up child joins the test's cgroups, unshares fresh namespaces and mounts
fresh dirs, then forks the test process (pid 1 of its pid namespace). This
process feeds stdin and drains stdout, stderr and results concurrently, kills
the test at its CPU, wall or output limit, and reports what it measured.
"""

import contextlib
import os
import select
import signal
import struct
import time

if __name__ != "__main__":  # on the host (lint, tests); in the jail the files are one script
    from sandbox.jail.kernel import (
        ENV,
        drop_privileges,
        enter_test_namespaces,
        leave_test_cgroups,
    )
    from sandbox.jail.python_runner import run_python

STDERR_KEEP = 4096
CPU_CHECK_S = 0.02  # how often a running test's CPU time is compared with its limit


def run_exec(argv):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.execve(argv[0], argv, ENV)


class Cgroup:
    """Counters of the cgroup a test runs in (its own, or the container's)."""

    def __init__(self, spec):
        self.spec = spec or {}

    def read(self, only=None):
        values = {}
        for key, path in self.spec.get("counters", {}).items():
            if only is not None and key not in only:
                continue
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
        leave = enter_test_namespaces(procs, step == "compile", limits["tmpfs_mb"])
        child = os.fork()
        if child == 0:
            _test_process(request, test, pipes, step, limits)
        leave_test_cgroups(leave)
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
        self.chunks: dict[str, list[bytes]] = {
            "stdout": [],
            "stderr": [],
            "result": [],
            "status": [],
        }
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
    next_cpu_check = start + CPU_CHECK_S
    while drain.fds:
        now = time.monotonic()
        elapsed = now - start
        if killed is None:
            if drain.over_cap:
                killed = "output"
            elif elapsed > wall_limit:
                killed = "wall"
            elif now >= next_cpu_check:  # reading the counter costs: not on every event
                next_cpu_check = now + CPU_CHECK_S
                if _cpu_used(cgroup, before) > limits["time_s"]:
                    killed = "cpu"
        if killed and drain.pid and not signalled:
            _kill(drain.pid)
            signalled = True
        if killed and elapsed > wall_limit + 5:
            break  # a pipe held open by something we cannot reach: give up on it
        drain.step(20 if killed else max(1, min(20, int((wall_limit - elapsed) * 1000) + 1)))
    drain.close_all()
    wall = time.monotonic() - start
    return _outcome(drain.chunks, drain.sizes, killed, wall, before, cgroup.read())


def _kill(pid):
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _cpu_used(cgroup, before):
    if "cpu_usec" not in before:
        return 0.0
    return (cgroup.read(("cpu_ns", "cpu_usec")).get("cpu_usec", 0) - before["cpu_usec"]) / 1e6


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
