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

One program runs at a time in a container, so the container's cgroup is the
test's cgroup: its memory limit is the test limit plus a headroom for the
runner, and the runner reads the container's OOM and CPU counters around each
test. Containers are recycled after ``max_runs`` programs or at once when a
run went wrong (contamination).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import os
import queue
import socket
import struct
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sandbox import seccomp
from sandbox.backends.base import Enforcement, LanedBackend, SandboxUnavailable
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


@functools.cache
def image_available(image: str = DEFAULT_IMAGE) -> bool:
    """Is a Docker daemon reachable and the sandbox image built?"""
    try:
        _client(timeout=3).images.get(image)
    except Exception:
        return False
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


def create_container(client: Any, image: str, memory_mb: int, pids: int) -> Any:
    """Create and start one hardened container (low-level API, see ``hardening``)."""
    api = client.api
    host_config = api.create_host_config(**hardening(memory_mb, pids))
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
        self.container = create_container(
            backend.client, backend.image, backend.memory_mb, backend.pids
        )
        self.limits = (backend.memory_mb, backend.pids)
        self.runs = 0
        self.exec: tuple[Any, _Demux, Any] | None = None

    def start_runner(self) -> None:
        """Start the next program's jail now, so it is ready when needed."""
        api = self.backend.client.api
        # runc leaves the exec'd process a parent-death SIGKILL tied to a runc
        # process that exits at once; `setsid -f` forks, and a forked child
        # carries no parent-death signal, so the jail survives it.
        jail = bwrap_argv(
            {"/sys/fs/cgroup": "sys"},
            writable=False,
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
        if self.exec is not None:
            self.exec[0].close()
        self.container.remove(force=True)


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
    ):
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
        self.enforcement = self._enforcement()
        self.enforcement.require(self.name, allow_unenforced)
        self._pool: queue.SimpleQueue[_Container] = queue.SimpleQueue()
        self._workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sandbox-docker")
        self._closed = False
        self._lock = threading.Lock()
        self._live: set[_Container] = set()
        first = self._new()  # fail now, not at the first program
        self.counters = self._probe_counters(first)
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
        checks = (
            ("memory", info.get("MemoryLimit"), "container cgroup, one test at a time"),
            ("pids", info.get("PidsLimit"), "container pids limit"),
            ("cpu_time", info.get("CpuCfsQuota", True), "container cpuacct + RLIMIT_CPU"),
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
            logging.getLogger("sandbox").warning("could not remove a sandbox container: %s", exc)

    def _refill(self, box: _Container | None = None) -> None:
        if self._closed:
            return
        try:
            box = box or self._new()
            box.start_runner()
        except Exception:
            if box is not None:
                self._retire(box)
            box = None
            if not self._closed:
                self._workers.submit(self._refill)
            return
        self._pool.put(box)

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
        try:
            box.fit(memory_mb, pids)
            spec = {"procs": [], "counters": self.counters}
            request = dict(request, cgroups=[spec], compile_cgroup=spec, mount_proc=True)
            sock.settimeout(_deadline(request))
            sock.sendall(encode_frame(request))
            run = collect(frames, len(request["tests"]))
            judges = plan(request, run) if plan is not None and run.error is None else None
            if judges is not None:
                judges = judge_request(request, judges)
                sock.settimeout(_deadline(judges))
                run = dataclasses.replace(run, judged=judge_round(sock.sendall, frames, judges))
            clean = run.error is None
            return run
        except (OSError, ProtocolError) as exc:
            return JailRun(None, (), error=f"docker exec failed: {exc}")
        finally:
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
