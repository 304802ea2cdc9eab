"""The docker backend: a warm pool of hardened containers, each running the jail.

Every container is created with ``--network none``, a read-only root, a
small tmpfs, ``--cap-drop ALL``, ``no-new-privileges``, a non-root user,
memory (= swap), pids and CPU limits and no log driver. Inside it runs the
same bubblewrap jail and runner as the local backend, started by one
``docker exec`` and kept for the next programs (its /box wiped between them);
all tests of a program go in one request, and every test is still a fresh
process in fresh namespaces. Two settings make bubblewrap
work in an unprivileged container and are the minimal set we found:

- ``seccomp=<sandbox/seccomp.json>``: Docker's default profile refuses
  ``unshare``/``clone(CLONE_NEW*)``/``mount`` without CAP_SYS_ADMIN; ours allows
  them (they only act inside the jail's own user namespace) and denies the
  kernel-administration calls instead (generated from ``sandbox.seccomp``;
  every test then installs the programs' stricter filter, as on the local
  backend);
- ``systempaths=unconfined``: Docker masks parts of /proc, and the kernel
  refuses a fresh /proc mount in a user namespace while any of /proc is
  covered. No capability is added.

Each test's memory, pids and CPU are counted in a cgroup of its own, as on
the local backend: when the engine runs on this host and we can create cgroup
v1 groups (``sandbox.cgroups``), every container gets a jail directory per
controller bind-mounted at ``/cgt/<controller>`` and the runner moves each
test into a fresh group there. An out-of-memory kill then only ever picks the
test's own processes: the runner, left in the container's cgroup, cannot be
the victim. Without that (a remote engine, a cgroup v2 host without
delegation) one program runs at a time in a container and the container's
cgroup is the test's: its memory limit is the test limit plus a headroom for
the runner, the runner reads the container's counters around each test, and
the enforcement report says that the runner shares the test's OOM domain.
Containers are recycled after ``max_runs`` programs or at once when a run
went wrong (contamination).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import socket
import struct
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

DEFAULT_IMAGE = "rlvr-sandbox:latest"
RUNNER_HEADROOM_MB = 32  # the idle runner uses ~12 MB of the container cgroup; the rest is slack
CONTAINER_UID = 65534
EXTRA_PIDS = 8
LABEL = "rlvr-sandbox"
CGROUP_FILES = {
    "oom_kill": ("memory/memory.oom_control", "memory.events"),
    "failcnt": ("memory/memory.failcnt",),
    "cpu_ns": ("cpuacct/cpuacct.usage", "cpu,cpuacct/cpuacct.usage"),
    "cpu_usec": ("cpu.stat",),
}


def _client(timeout: int = 30) -> Any:
    import docker

    return docker.from_env(timeout=timeout)


_IMAGE_SEEN: set[str] = set()


def image_available(image: str = DEFAULT_IMAGE) -> bool:
    """Is a Docker daemon reachable and the sandbox image built?

    Only a positive answer is remembered: an engine that was down or an image
    not built yet is asked again next time (and the failure is logged).
    """
    if image in _IMAGE_SEEN:
        return True
    try:
        _client(timeout=3).images.get(image)
    except Exception as exc:
        log.info("docker sandbox image %s not available: %s", image, exc)
        return False
    _IMAGE_SEEN.add(image)
    return True


def hardening(memory_mb: int, pids: int) -> dict[str, Any]:
    """The host config (docker SDK keywords) of every pooled container.

    ``systempaths=unconfined`` has no SDK keyword: ``create_container`` sets
    the equivalent empty ``MaskedPaths``/``ReadonlyPaths`` on the host config.
    """
    return {
        "network_mode": "none",
        "read_only": True,
        "tmpfs": {"/tmp": "rw,nosuid,nodev,size=16m,mode=1777"},
        "cap_drop": ["ALL"],
        "security_opt": [
            "no-new-privileges",
            "seccomp=" + seccomp.docker_profile_text(),
        ],
        "mem_limit": f"{memory_mb + RUNNER_HEADROOM_MB}m",
        "memswap_limit": f"{memory_mb + RUNNER_HEADROOM_MB}m",
        "pids_limit": pids + EXTRA_PIDS,
        "nano_cpus": 1_000_000_000,
        "log_config": {"type": "none"},
        "init": True,
        "ipc_mode": "private",
    }


def owner_label() -> str:
    """Marks the containers of this process, so close() can find every one of them."""
    return f"{socket.gethostname()}-{os.getpid()}"


def create_container(
    client: Any, image: str, memory_mb: int, pids: int, binds: dict[str, str] | None = None
) -> Any:
    """Create and start one hardened container (low-level API, see ``hardening``).

    ``binds``: host dir -> container dir, read-write (the test cgroups).
    """
    api = client.api
    config = hardening(memory_mb, pids)
    if binds:
        config["binds"] = {host: {"bind": inside, "mode": "rw"} for host, inside in binds.items()}
    host_config = api.create_host_config(**config)
    host_config["MaskedPaths"] = []
    host_config["ReadonlyPaths"] = []
    created = api.create_container(
        image,
        ["sleep", "infinity"],
        user="65534:65534",
        environment={},
        labels={LABEL: "1", f"{LABEL}.owner": owner_label()},
        host_config=host_config,
        network_disabled=True,
    )
    api.start(created["Id"])
    return client.containers.get(created["Id"])


class _Demux:
    """Read the stdout stream of an attached ``docker exec`` socket."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""
        self.stderr = b""

    def _frame(self) -> bool:
        head = self._recv(8)
        if head is None:
            return False
        stream, size = head[0], struct.unpack(">I", head[4:8])[0]
        body = self._recv(size) or b""
        if stream == 1:
            self.buffer += body
        else:
            self.stderr = (self.stderr + body)[-4000:]
        return True

    def _recv(self, size: int) -> bytes | None:
        parts = []
        while size:
            chunk = self.sock.recv(min(size, 1 << 20))
            if not chunk:
                return None
            parts.append(chunk)
            size -= len(chunk)
        return b"".join(parts)

    def read(self, size: int) -> bytes:
        while not self.buffer:
            if not self._frame():
                return b""
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data


class _Container:
    """A pooled container with one runner started in it and waiting."""

    def __init__(self, backend: DockerBackend):
        self.backend = backend
        self.groups: cgroups.JailCgroups | None = None
        binds: dict[str, str] = {}
        if backend.support is not None:
            self.groups = cgroups.JailCgroups(backend.support, CONTAINER_UID, kind="d")
            binds = {host: f"/cgt/{name}" for host, name in self.groups.binds().items()}
        try:
            self.container = create_container(
                backend.client, backend.image, backend.memory_mb, backend.pids, binds
            )
        except Exception:
            if self.groups is not None:
                self.groups.remove()
            raise
        self.limits = (backend.memory_mb, backend.pids)
        self.runs = 0
        self.exec: tuple[Any, _Demux, Any] | None = None

    def start_runner(self) -> None:
        """Start the next program's jail now, so it is ready when needed."""
        api = self.backend.client.api
        # runc leaves the exec'd process a parent-death SIGKILL tied to a runc
        # process that exits at once; `setsid -f` forks, and a forked child
        # carries no parent-death signal, so the jail survives it.
        if self.groups is not None:
            binds = {f"/cgt/{name}": name for name in self.groups.binds().values()}
        else:
            binds = {"/sys/fs/cgroup": "sys"}
        jail = bwrap_argv(
            binds,
            writable=self.groups is not None,
            die_with_parent=False,
            program_filter=self.backend.program_filter,
        )
        argv = ["setsid", "-f", "-w", *jail]
        created = api.exec_create(self.container.id, argv, stdin=True, stdout=True, stderr=True)
        raw = api.exec_start(created["Id"], socket=True)
        sock = getattr(raw, "_sock", raw)
        demux = _Demux(sock)
        frames = iter_frames(demux.read)
        try:
            first = next(frames)
        except ProtocolError as exc:
            state = api.exec_inspect(created["Id"])
            raise ProtocolError(
                f"the runner did not start (exit {state.get('ExitCode')}): {demux.stderr!r}"
            ) from exc
        if first.header.get("kind") != "ready":
            raise ProtocolError(f"the runner did not start: {demux.stderr!r}")
        self.exec = (sock, demux, frames)

    def fit(self, memory_mb: int, pids: int) -> None:
        if self.limits != (memory_mb, pids):
            # Engine API /containers/{id}/update (the SDK's update() lacks PidsLimit)
            limit = (memory_mb + RUNNER_HEADROOM_MB) << 20
            body = {"Memory": limit, "MemorySwap": limit, "PidsLimit": pids + EXTRA_PIDS}
            api = self.backend.client.api
            url = api._url("/containers/{0}/update", self.container.id)
            api._raise_for_status(api._post_json(url, data=body))
            self.limits = (memory_mb, pids)

    def remove(self) -> None:
        import docker.errors

        if self.exec is not None:
            self.exec[0].close()
        # already gone (a sweep for a dead owner got it first): the goal holds
        with contextlib.suppress(docker.errors.NotFound):
            self.container.remove(force=True)
        if self.groups is not None:
            self.groups.remove()


class DockerBackend(LanedBackend):
    """Warm hardened containers; see the module docstring."""

    name = "docker"

    def __init__(
        self,
        *,
        image: str = DEFAULT_IMAGE,
        pool_size: int = 4,
        max_runs: int = 100,
        memory_mb: int = 512,
        pids: int = 64,
        lanes: int = 2,
        allow_unenforced: bool = False,
        test_cgroups: bool | None = None,
    ):
        """``test_cgroups``: a cgroup per test (None: when the engine is on this host
        and we can create cgroup v1 groups; False: the container's cgroup)."""
        try:
            self.client = _client()
            self.client.ping()
            self.client.images.get(image)
        except Exception as exc:
            raise SandboxUnavailable(
                f"docker backend: no engine or no image {image!r} ({exc}); "
                "build it with `sandbox build-image`"
            ) from exc
        with contextlib.suppress(Exception):  # best effort: never block start-up on it
            reap_orphaned_containers(self.client)
        self.image, self.max_runs = image, max_runs
        self.memory_mb, self.pids, self.lanes = memory_mb, pids, lanes
        self._lanes = Lanes(lanes)
        self.seccomp_problem = seccomp.available()
        self.program_filter = seccomp.program_bpf_b64() if self.seccomp_problem is None else ""
        self.support, self.cgroup_problem = _test_cgroup_support(test_cgroups)
        self.enforcement = self._enforcement()
        self.enforcement.require(self.name, allow_unenforced)
        self._pool: queue.SimpleQueue[_Container] = queue.SimpleQueue()
        self._workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sandbox-docker")
        self._closed = False
        self._lock = threading.Lock()
        self._live: set[_Container] = set()
        self._failures = 0  # consecutive failed refills: the back-off grows with it
        first = self._new()  # fail now, not at the first program
        self.counters = self._probe_counters(first) if self.support is None else {}
        first.start_runner()
        self._pool.put(first)
        for _ in range(pool_size - 1):
            self._workers.submit(self._refill)

    def _enforcement(self) -> Enforcement:
        info = self.client.info()
        enforced = {
            "namespaces": "container + bubblewrap per-test pid/net/mount/ipc/uts namespaces",
            "wall_time": "runner kills the test's pid namespace",
            "output": "runner drains stdout/stderr with a cap",
            "files": "read-only root, RLIMIT_FSIZE/NOFILE, size-capped tmpfs",
        }
        missing: dict[str, str] = {}
        if self.seccomp_problem is None:
            enforced["syscalls"] = (
                "docker seccomp profile (sandbox/seccomp.json) for the jail, programs' "
                "libseccomp filter on top (namespaces, mounts)"
            )
        else:
            missing["syscalls"] = f"programs' filter: {self.seccomp_problem}"
        if self.support is not None:
            checks: tuple[tuple[str, Any, str], ...] = (
                ("memory", True, "a cgroup v1 memory group per test, bound into the container"),
                ("pids", True, "a cgroup v1 pids group per test"),
                ("cpu_time", True, "a cgroup v1 cpuacct group per test + RLIMIT_CPU"),
            )
            enforced["oom"] = (
                "test memory in its own cgroup: an OOM kill picks only the test's "
                "processes, never the runner"
            )
        else:
            checks = (
                ("memory", info.get("MemoryLimit"), "container cgroup, one test at a time"),
                ("pids", info.get("PidsLimit"), "container pids limit"),
                ("cpu_time", info.get("CpuCfsQuota", True), "container cpuacct + RLIMIT_CPU"),
            )
            enforced["oom"] = (
                f"the runner shares the container's cgroup with the test ({self.cgroup_problem}):"
                " a program that fills it may get the runner killed; its unanswered tests are "
                "then sandbox_error (never passed), the container is replaced, and a program "
                "that met a dead runner before any answer is retried once on a fresh one"
            )
        for limit, supported, how in checks:
            if supported:
                enforced[limit] = how
            else:
                missing[limit] = "the Docker engine reports no support"
        if info.get("MemoryLimit") and not info.get("SwapLimit"):
            enforced["memory"] += " (no swap limit support: swap not capped)"
        return Enforcement(enforced, missing)

    def _probe_counters(self, box: _Container) -> dict[str, str]:
        paths = [path for options in CGROUP_FILES.values() for path in options]
        script = "for f in " + " ".join(paths) + "; do [ -r /sys/fs/cgroup/$f ] && echo $f; done"
        found = box.container.exec_run(["sh", "-c", script]).output.decode().split()
        counters: dict[str, str] = {}
        for key, options in CGROUP_FILES.items():
            for option in options:
                if option in found and not (key == "cpu_usec" and "cpu_ns" in counters):
                    counters[key] = f"/cg/sys/{option}"
                    break
        return counters

    def _new(self) -> _Container:
        box = _Container(self)
        with self._lock:
            self._live.add(box)
        return box

    def _retire(self, box: _Container) -> None:
        with self._lock:
            self._live.discard(box)
        try:
            box.remove()
        except Exception as exc:  # close() sweeps what is left by our owner label
            log.warning("could not remove a sandbox container: %s", exc)

    def _refill(self, box: _Container | None = None) -> None:
        """Start one more warm container; on failure log it and retry after a back-off.

        The delay doubles with each consecutive failure (0.5 s up to 30 s), so an
        engine that is down is not hammered, and every failure is in the log.
        """
        if self._closed:
            return
        try:
            box = box or self._new()
            box.start_runner()
        except Exception as exc:
            if box is not None:
                self._retire(box)
            self._failures += 1
            delay = refill_delay(self._failures)
            log.warning(
                "docker backend: a warm container did not start (%s failure(s) in a row), "
                "retrying in %.1f s: %s",
                self._failures,
                delay,
                exc,
            )
            if not self._closed:
                timer = threading.Timer(delay, self._resubmit_refill)
                timer.daemon = True
                timer.start()
            return
        self._failures = 0
        self._pool.put(box)

    def _resubmit_refill(self) -> None:
        if not self._closed:
            with contextlib.suppress(RuntimeError):  # shut down meanwhile
                self._workers.submit(self._refill)

    def _take(self) -> _Container:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            pass
        box = self._new()
        try:
            box.start_runner()
        except Exception as exc:
            self._retire(box)
            raise SandboxUnavailable(f"docker backend: the jail does not start: {exc}") from exc
        return box

    def _execute_one(
        self, request: dict[str, Any], memory_mb: int, pids: int, plan: JudgePlan | None
    ) -> JailRun:
        box = self._take()
        assert box.exec is not None
        sock, _demux, frames = box.exec
        clean = False
        names: list[str] = []
        try:
            box.fit(memory_mb, pids)
            if box.groups is not None:
                names, specs, compile_spec = _test_groups(
                    box.groups, box.runs, request, memory_mb, pids
                )
                request = dict(request, cgroups=specs, compile_cgroup=compile_spec)
            else:
                spec = {"procs": [], "counters": self.counters}
                request = dict(request, cgroups=[spec], compile_cgroup=spec)
            request.update(mount_proc=True, judge_follows=plan is not None)
            sock.settimeout(_deadline(request))
            sock.sendall(encode_frame(request))
            run = collect(frames, len(request["tests"]))
            judges = plan(request, run) if plan is not None and run.error is None else None
            if judges is not None:
                judges = judge_request(request, judges)
                sock.settimeout(_deadline(judges))
                run = dataclasses.replace(run, judged=judge_round(sock.sendall, frames, judges))
            elif plan is not None and run.error is None:
                sock.sendall(encode_frame({"kind": "no_judge"}))  # the child waits for it
            clean = run.error is None
            return run
        except (OSError, ProtocolError) as exc:
            return JailRun(None, (), error=f"docker exec failed: {exc}")
        finally:
            if names and box.groups is not None:
                self._workers.submit(_logged, box.groups.remove_groups, names)
            box.runs += 1
            if clean and box.runs < self.max_runs and not self._closed:
                self._pool.put(box)  # its runner waits for the next program
            else:
                sock.close()
                box.exec = None
                self._workers.submit(self._retire, box)
                if not self._closed:
                    self._workers.submit(self._refill)

    def close(self) -> None:
        self._closed = True
        self._lanes.close()
        self._workers.shutdown(wait=True)
        with self._lock:
            boxes = list(self._live)
        for box in boxes:
            self._retire(box)
        # anything a failed removal or a half-created box left behind
        mine = {"label": f"{LABEL}.owner={owner_label()}"}
        for container in self.client.containers.list(all=True, filters=mine):
            container.remove(force=True)


def refill_delay(failures: int) -> float:
    """Seconds before the next refill after ``failures`` failures in a row."""
    return min(30.0, 0.5 * 2 ** max(0, failures - 1))


def _test_cgroup_support(wanted: bool | None) -> tuple[cgroups.CgroupSupport | None, str]:
    """Host cgroups for per-test groups in the containers, or None and why not."""
    if wanted is False:
        return None, "per-test cgroups turned off"
    host = os.environ.get("DOCKER_HOST", "")
    if host and not host.startswith("unix://"):
        return None, f"the engine is remote ({host}): host cgroups cannot be bound"
    support = cgroups.probe()
    if not (support.memory and support.pids and support.cpu):
        problems = "; ".join(f"{k}: {v}" for k, v in support.problems.items())
        return None, f"cannot create host cgroups ({problems})"
    cgroups.sweep_stale(support)
    return support, ""


def _test_groups(
    groups: cgroups.JailCgroups, run: int, request: dict[str, Any], memory_mb: int, pids: int
) -> tuple[list[str], list[dict[str, Any]], dict[str, Any]]:
    """Fresh groups for one program's tests and its compile step (names, specs, compile)."""
    names = [f"r{run}t{i}" for i in range(len(request["tests"]))]
    specs = [groups.make(name, memory_mb, pids) for name in names]
    compile_memory = request["compile_limits"]["memory_mb"]
    compile_spec = groups.make(f"r{run}c", compile_memory, max(pids, 64))
    return [*names, f"r{run}c"], specs, compile_spec


def _logged(task: Any, *args: Any) -> None:
    try:
        task(*args)
    except Exception:
        log.exception("sandbox clean-up failed (the next start-up sweeps what is left)")


def _deadline(request: dict[str, Any]) -> float:
    steps = len(request.get("tests") or request.get("items") or ())
    return request["compile_limits"]["wall_s"] + (request["limits"]["wall_s"] + 2) * steps + 10


def _owner_is_gone(owner: str) -> bool:
    """True for ``host-pid`` owners on this host whose process has exited (or is a zombie)."""
    host, _, pid = owner.rpartition("-")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return True


def _remove_where(should_remove: Any, client: Any | None = None) -> int:
    client = client or _client(timeout=10)
    removed = 0
    for container in client.containers.list(all=True, filters={"label": LABEL}):
        if should_remove(container.labels.get(f"{LABEL}.owner", "")):
            with contextlib.suppress(Exception):
                container.remove(force=True)
                removed += 1
    return removed


def reap_orphaned_containers(client: Any | None = None) -> int:
    """Remove pooled containers whose owning process on this host is gone.

    A process that is SIGKILLed (a verification worker at its time limit)
    never runs ``close()``; the next pool started on the host sweeps up after
    it. Containers of live processes, or of other hosts, are never touched.
    """
    return _remove_where(_owner_is_gone, client)


def remove_containers_owned_by(pids: set[int], client: Any | None = None) -> int:
    """Remove the pooled containers of the given processes of this host."""
    owners = {f"{socket.gethostname()}-{pid}" for pid in pids}
    return _remove_where(owners.__contains__, client)


def remove_stale_containers() -> int:
    """Remove pooled containers left behind by a crashed process (CLI helper)."""
    client = _client()
    stale = client.containers.list(all=True, filters={"label": LABEL})
    for container in stale:
        container.remove(force=True)
    return len(stale)
