"""The local backend: the bubblewrap jail directly on the host, with host cgroups.

A small pool of jails is kept warm (bwrap and the runner started, ~0.1 s of
CPU each) so a program never waits for an interpreter start. A jail serves
programs one after another (its /box is wiped between them, every test gets
fresh namespaces, tmpfs dirs and cgroups) and is retired after ``max_runs``
programs or at once when anything went wrong.

Every jail gets the runner's seccomp filter from bubblewrap (``--seccomp``,
compiled by libseccomp on the host, see ``sandbox.seccomp``) and every test
the programs' stricter one. A test's memory is charged to its own cgroup, so
an out-of-memory kill there only ever picks the test's own processes, never
the runner. With CAP_SYS_RESOURCE the host also starts the jail through
``choom -n 1000`` (util-linux), which sets the jail's OOM score floor: no
program can then lower its ``oom_score_adj`` (a process without that
capability may only go down to the floor it inherited). As root the host
drops to ``nobody`` with ``setpriv`` after ``choom``.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sandbox import cgroups, seccomp
from sandbox.backends.base import Enforcement, LanedBackend, SandboxUnavailable, log
from sandbox.backends.lanes import Lanes
from sandbox.jail import bwrap_argv
from sandbox.protocol import (
    JailRun,
    JudgePlan,
    ProtocolError,
    collect,
    encode_frame,
    iter_frames,
    judge_request,
    judge_round,
)

JAIL_HOST_UID = 65534  # the host uid the jail maps to when we are root: nobody
OOM_FLOOR = 1000  # the jail's oom_score_adj and the floor no process in it can go below
CAP_SYS_RESOURCE = 24


@dataclasses.dataclass(frozen=True)
class JailCommand:
    """How jails are started here: the bwrap binary, the user, the filters."""

    bwrap: str
    host_uid: int | None  # drop to this uid (we are root), or None: run as ourselves
    filters: bool  # libseccomp is usable: install both seccomp filters
    oom_floor: bool  # we hold CAP_SYS_RESOURCE: set the jail's OOM score floor

    def argv(self, binds: dict[str, str], seccomp_fd: int | None) -> list[str]:
        program_filter = seccomp.program_bpf_b64() if self.filters else ""
        jail = bwrap_argv(
            binds, bwrap=self.bwrap, seccomp_fd=seccomp_fd, program_filter=program_filter
        )
        if self.host_uid is not None:
            uid = str(self.host_uid)
            jail = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--", *jail]
        if self.oom_floor:
            jail = ["choom", "-n", str(OOM_FLOOR), "--", *jail]
        return jail


def has_capability(bit: int) -> bool:
    """Does this process hold the capability (``CAP_SYS_RESOURCE`` is 24) right now?"""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("CapEff:"):
                    return bool(int(line.split()[1], 16) >> bit & 1)
    except OSError:
        pass
    return False


class _Jail:
    """One started bwrap + runner, waiting for its program."""

    def __init__(self, support: cgroups.CgroupSupport, command: JailCommand):
        uid = command.host_uid
        self.groups = cgroups.JailCgroups(support, uid if uid is not None else os.getuid())
        fd = seccomp.bpf_fd(seccomp.runner_bpf()) if command.filters else None
        try:
            self.process = subprocess.Popen(
                command.argv(self.groups.binds(), fd),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                close_fds=True,
                pass_fds=() if fd is None else (fd,),
            )
        finally:
            if fd is not None:
                os.close(fd)
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None  # both are PIPEs
        self.stdin = stdin
        self.frames = iter_frames(stdout.read)
        self.ready_error: str | None = None
        self.runs = 0

    def wait_ready(self) -> None:
        try:
            first = next(self.frames)
        except (ProtocolError, StopIteration):
            self.ready_error = self.stderr_tail() or "the jail exited at start"
            return
        if first.header.get("kind") != "ready":
            self.ready_error = f"unexpected first frame {first.header}"

    def send(self, data: bytes) -> None:
        self.stdin.write(data)
        self.stdin.flush()

    def stderr_tail(self) -> str:
        """Why the runner died (its stderr), once it is dead."""
        self.kill()
        self.process.wait()
        err = self.process.stderr.read() if self.process.stderr else b""
        return err.decode(errors="replace").strip()[-1500:]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()

    def finish(self) -> None:
        """Reap the jail and remove its cgroups (off the request's critical path)."""
        try:
            self.kill()
            self.process.wait()
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()
            self.groups.remove()
        except Exception:  # a background task: say so, the next start-up sweeps it
            log.exception("could not clean up a sandbox jail")


class LocalBackend(LanedBackend):
    """Bubblewrap + host cgroups. See the module docstring."""

    name = "local"

    def __init__(
        self,
        *,
        warm: int = 4,
        lanes: int = 2,
        max_runs: int = 200,
        allow_unenforced: bool = False,
        bwrap: str = "bwrap",
    ):
        self.bwrap = shutil.which(bwrap) or bwrap
        self.host_uid = JAIL_HOST_UID if os.geteuid() == 0 else None
        self.seccomp_problem = seccomp.available()
        self.oom_floor = has_capability(CAP_SYS_RESOURCE) and shutil.which("choom") is not None
        self.command = JailCommand(
            self.bwrap, self.host_uid, self.seccomp_problem is None, self.oom_floor
        )
        self.support = cgroups.probe()
        cgroups.sweep_stale(self.support)
        self.enforcement = self._enforcement()
        self.enforcement.require(self.name, allow_unenforced)
        self.warm, self.lanes, self.max_runs = warm, lanes, max_runs
        self._lanes = Lanes(lanes)
        self._pool: queue.SimpleQueue[_Jail] = queue.SimpleQueue()
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-spawn")
        self._reaper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-reap")
        self._closed = False
        probe = self._start()
        if probe.ready_error is not None:
            self._reaper.submit(probe.finish)
            raise SandboxUnavailable(f"the bubblewrap jail does not start: {probe.ready_error}")
        self._pool.put(probe)
        for _ in range(max(0, warm - 1)):
            self._spawner.submit(self._refill)

    def _enforcement(self) -> Enforcement:
        enforced: dict[str, str] = {}
        missing: dict[str, str] = {}
        if shutil.which(self.bwrap) is None:
            raise SandboxUnavailable(f"bubblewrap ({self.bwrap}) is not installed")
        enforced["namespaces"] = "bubblewrap user namespace + per-test pid/net/mount/ipc/uts"
        for limit, ok, how, controller in (
            ("memory", self.support.memory, "cgroup v1 memory per test", "memory"),
            ("pids", self.support.pids, "cgroup v1 pids per test", "pids"),
            ("cpu_time", self.support.cpu, "cgroup v1 cpuacct per test + RLIMIT_CPU", "cpuacct"),
        ):
            if ok:
                enforced[limit] = how
            else:
                missing[limit] = self.support.problems.get(controller, "unavailable")
        enforced["wall_time"] = "runner kills the test's pid namespace"
        enforced["output"] = "runner drains stdout/stderr with a cap"
        enforced["files"] = "RLIMIT_FSIZE, RLIMIT_NOFILE, size-capped tmpfs"
        if self.seccomp_problem is None:
            enforced["syscalls"] = (
                "libseccomp filters: runner (bwrap --seccomp) as strict as the docker "
                "profile, programs stricter (namespaces, mounts)"
            )
        else:
            missing["syscalls"] = self.seccomp_problem
        if self.oom_floor:
            enforced["oom"] = (
                f"test memory in its own cgroup; oom_score_adj floor {OOM_FLOOR} (choom), "
                "not lowerable"
            )
        else:
            enforced["oom"] = (
                "test memory in its own cgroup: an OOM kill picks only the test's processes; "
                "no CAP_SYS_RESOURCE here, so no oom_score_adj floor (a program may lower "
                "its own score, which only changes which of its processes is killed)"
            )
        if "cpu_time" in missing:
            missing["cpu_time"] += " (RLIMIT_CPU per process only)"
        return Enforcement(enforced, missing)

    def _start(self) -> _Jail:
        jail = _Jail(self.support, self.command)
        jail.wait_ready()
        return jail

    def _refill(self) -> None:
        if self._closed:
            return
        jail = self._start()
        if jail.ready_error is None:
            self._pool.put(jail)
        else:
            self._reaper.submit(jail.finish)

    def _take(self) -> _Jail:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            pass  # more programs at once than warm jails: start one now
        jail = self._start()
        if jail.ready_error is not None:
            self._reaper.submit(jail.finish)
            raise SandboxUnavailable(f"the jail does not start: {jail.ready_error}")
        return jail

    def _execute_one(
        self, request: dict[str, Any], memory_mb: int, pids: int, plan: JudgePlan | None
    ) -> JailRun:
        jail = self._take()
        jail.runs += 1
        run = JailRun(None, (), error="the request was not sent")
        healthy = False
        tests = len(request["tests"])
        prefix = f"r{jail.runs}"
        names = [f"{prefix}t{i}" for i in range(tests)] + [f"{prefix}c"]
        try:
            request = dict(request, mount_proc=True, judge_follows=plan is not None)
            request["cgroups"] = [jail.groups.make(name, memory_mb, pids) for name in names[:-1]]
            compile_memory = request["compile_limits"]["memory_mb"]
            request["compile_cgroup"] = jail.groups.make(names[-1], compile_memory, max(pids, 64))
            run = self._send(jail, request, tests)
            if run.error is None and plan is not None:
                run = self._judge(jail, request, run, plan)
            healthy = run.error is None
            return run
        finally:
            self._reaper.submit(_logged, jail.groups.remove_groups, names)
            self._release(jail, healthy=healthy)

    def _send(self, jail: _Jail, request: dict[str, Any], tests: int) -> JailRun:
        watchdog = threading.Timer(_deadline(request), jail.kill)
        watchdog.daemon = True
        watchdog.start()
        try:
            jail.send(encode_frame(request))
            run = collect(jail.frames, tests)
        except (BrokenPipeError, OSError) as exc:
            run = JailRun(None, (), error=f"the jail went away: {exc}")
        finally:
            watchdog.cancel()
        if run.error is not None:  # the runner died: its stderr says why
            run = dataclasses.replace(run, error=f"{run.error}: {jail.stderr_tail()}")
        return run

    def _judge(
        self, jail: _Jail, request: dict[str, Any], run: JailRun, plan: JudgePlan
    ) -> JailRun:
        judges = plan(request, run)
        if judges is None:  # the request child waits for its judge phase: none
            try:
                jail.send(encode_frame({"kind": "no_judge"}))
            except OSError as exc:
                return dataclasses.replace(run, error=f"the jail went away: {exc}")
            return run
        judges = judge_request(request, judges)
        watchdog = threading.Timer(_deadline(judges), jail.kill)
        watchdog.daemon = True
        watchdog.start()
        try:
            judged = judge_round(jail.send, jail.frames, judges)
        except (ProtocolError, OSError) as exc:
            return dataclasses.replace(run, error=f"the judge phase failed: {exc}")
        finally:
            watchdog.cancel()
        return dataclasses.replace(run, judged=judged)

    def _release(self, jail: _Jail, *, healthy: bool) -> None:
        """Back to the pool for the next program, or retired (and replaced)."""
        reuse = healthy and jail.runs < self.max_runs and not self._closed
        if reuse and self._pool.qsize() < self.warm:
            self._pool.put(jail)
            return
        self._reaper.submit(jail.finish)
        if not self._closed and self._pool.qsize() < self.warm:
            self._spawner.submit(self._refill)

    def close(self) -> None:
        self._closed = True
        self._lanes.close()
        self._spawner.shutdown(wait=True)
        self._reaper.shutdown(wait=True)
        while True:
            try:
                self._pool.get_nowait().finish()
            except queue.Empty:
                break


def _logged(task: Any, *args: Any) -> None:
    """Run a background clean-up task; a failure is logged, never lost."""
    try:
        task(*args)
    except Exception:
        log.exception("sandbox clean-up failed (the next start-up sweeps what is left)")


def _deadline(request: dict[str, Any]) -> float:
    """A host-side backstop far beyond the runner's own per-test limits."""
    steps = len(request.get("tests") or request.get("items") or ())
    compile_wall = request["compile_limits"]["wall_s"] + 2
    return compile_wall + (request["limits"]["wall_s"] + 2) * steps + 10
