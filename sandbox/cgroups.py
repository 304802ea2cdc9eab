"""Per-test cgroups on the host (local backend): memory limit, pids cap, CPU count.

Why cgroups and not rlimits: RLIMIT_AS breaks threaded programs (every thread
reserves address space) and per-process rlimits do not bound a program that
forks; a cgroup bounds all processes of a test together, and its CPU counter
makes the time limit independent of machine load.

Layout (cgroup v1, one hierarchy per controller, as on this machine)::

    <controller mount>/<our own cgroup>/rlvr-sandbox/j<pid>-<n>/t<i>

The jail dir ``j...`` is bind-mounted into the jail at ``/cg/<controller>``;
the host creates a fresh ``t<i>`` per test just before sending the request
and hands its ``cgroup.procs`` to the jail user, so the runner's per-test
setup process can move itself in (writing ``0``) before it unshares. Only
v1 hierarchies are supported for joining: on a pure cgroup-v2 host
(no delegation to the jail user) the local backend reports memory and pids as
not enforceable, and the docker backend remains the enforced option.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import time
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("memory", "pids", "cpuacct")
_counter = itertools.count()


@dataclasses.dataclass(frozen=True)
class CgroupSupport:
    """Which controllers we can create groups in (the limits we can enforce)."""

    dirs: dict[str, Path]  # controller -> our base dir (<mount>/<own path>/rlvr-sandbox)
    problems: dict[str, str]  # controller -> why it is unusable

    @property
    def memory(self) -> bool:
        return "memory" in self.dirs

    @property
    def pids(self) -> bool:
        return "pids" in self.dirs

    @property
    def cpu(self) -> bool:
        return "cpuacct" in self.dirs


def _own_paths() -> dict[str, str]:
    paths: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        for name in names.split(","):
            if name:
                paths[name] = path
    return paths


def probe(root: Path = CGROUP_ROOT) -> CgroupSupport:
    """Find writable v1 hierarchies for each controller we need."""
    own = _own_paths()
    dirs: dict[str, Path] = {}
    problems: dict[str, str] = {}
    for controller in CONTROLLERS:
        mount = root / controller
        if controller not in own or not (mount / "cgroup.procs").exists():
            problems[controller] = f"no cgroup v1 {controller} hierarchy at {mount}"
            continue
        base = mount / own[controller].lstrip("/") / "rlvr-sandbox"
        try:
            base.mkdir(exist_ok=True)
            probe_dir = base / f"probe-{os.getpid()}"
            probe_dir.mkdir(exist_ok=True)
            probe_dir.rmdir()
        except OSError as exc:
            problems[controller] = f"cannot create cgroups under {base}: {exc}"
            continue
        dirs[controller] = base
    return CgroupSupport(dirs=dirs, problems=problems)


def sweep_stale(support: CgroupSupport) -> int:
    """Remove jail groups left by processes that died without closing their backend."""
    removed = 0
    for base in support.dirs.values():
        for jail in [*base.glob("j*-*"), *base.glob("d*-*")]:
            pid = jail.name[1:].split("-", 1)[0]
            if not pid.isdigit() or Path(f"/proc/{pid}").exists():
                continue
            try:
                for child in (p for p in jail.iterdir() if p.is_dir()):
                    child.rmdir()
                jail.rmdir()
                removed += 1
            except OSError:
                continue  # still busy: a later sweep gets it
    return removed


class JailCgroups:
    """The cgroups of one jail: a dir per controller and a fresh group per test."""

    def __init__(self, support: CgroupSupport, owner_uid: int, kind: str = "j"):
        """``kind``: ``j`` for a local jail, ``d`` for a docker container's groups."""
        self.owner_uid = owner_uid
        name = f"{kind}{os.getpid()}-{next(_counter)}"
        self.dirs = {controller: base / name for controller, base in support.dirs.items()}
        for path in self.dirs.values():
            path.mkdir()
            # the runner's set-up process steps back here once a test process exists
            os.chown(path / "cgroup.procs", owner_uid, owner_uid)
        self.created = 0

    def binds(self) -> dict[str, str]:
        """Host dir -> name under /cg in the jail."""
        return {str(path): controller for controller, path in self.dirs.items()}

    def make(self, name: str, memory_mb: int, pids: int) -> dict:
        """Create one fresh group and describe it for the runner inside."""
        procs: list[str] = []
        counters: dict[str, str] = {}
        for controller, path in self.dirs.items():
            group = path / name
            group.mkdir()
            if controller == "memory":
                limit = str(memory_mb << 20)
                (group / "memory.limit_in_bytes").write_text(limit)
                swap = group / "memory.memsw.limit_in_bytes"
                if swap.exists():
                    swap.write_text(limit)
                inside = f"/cg/memory/{name}"
                counters.update(
                    oom_kill=f"{inside}/memory.oom_control",
                    failcnt=f"{inside}/memory.failcnt",
                    memory_peak=f"{inside}/memory.max_usage_in_bytes",
                )
            elif controller == "pids":
                (group / "pids.max").write_text(str(pids))
            elif controller == "cpuacct":
                counters["cpu_ns"] = f"/cg/cpuacct/{name}/cpuacct.usage"
            os.chown(group / "cgroup.procs", self.owner_uid, self.owner_uid)
            procs.append(f"/cg/{controller}/{name}/cgroup.procs")
        self.created += 1
        return {"procs": procs, "counters": counters}

    def remove_groups(self, names: list[str]) -> None:
        """Remove one program's test groups (their processes are gone or going)."""
        for path in self.dirs.values():
            for name in names:
                _rmdir(path / name)

    def remove(self) -> None:
        """Remove every group (the jail has exited, so they are empty)."""
        for path in self.dirs.values():
            if not path.exists():
                continue
            for child in sorted(p for p in path.iterdir() if p.is_dir()):
                _rmdir(child)
            _rmdir(path)


def _rmdir(path: Path) -> None:
    try:
        path.rmdir()
    except FileNotFoundError:
        return
    except OSError:
        # A group still charged with a dying process: retry once it is gone.
        _retry_rmdir(path)


def _retry_rmdir(path: Path) -> None:
    for _ in range(50):
        time.sleep(0.02)
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            continue
    raise OSError(f"cgroup {path} is still busy after 1 s")
