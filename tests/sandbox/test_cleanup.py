"""No leaked processes, zombies, file descriptors or cgroups after hostile runs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import psutil

from sandbox import cgroups, create_backend, run_tests
from sandbox.backends.local import JAIL_HOST_UID

DAEMON = (
    "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
    "        time.sleep(60)\n    os._exit(0)\nimport threading\n"
    "threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\nprint('ok')\n"
)
TESTS = {"inputs": ["", "", ""], "outputs": ["ok", "ok", "ok"]}


def _jail_processes() -> list[psutil.Process]:
    """Our jails' processes (descendants of this process running as the jail user)."""
    found = []
    for process in psutil.Process().children(recursive=True):
        try:
            if process.uids().real == JAIL_HOST_UID:
                found.append(process)
        except psutil.NoSuchProcess:
            continue
    return found


def _settle(expected: int) -> int:
    for _ in range(50):
        count = len(_jail_processes())
        if count <= expected:
            return count
        time.sleep(0.1)
    return len(_jail_processes())


def test_daemons_and_zombies_do_not_survive(local_backend: object) -> None:
    run_tests("print('ok')", TESTS, backend=local_backend)
    time.sleep(0.5)
    baseline = len(_jail_processes())
    fds = psutil.Process().num_fds()
    for _ in range(3):
        report = run_tests(DAEMON, TESTS, backend=local_backend)
        assert report.accepted, [r.reason for r in report.per_test]
    assert _settle(baseline) <= baseline
    assert not [p for p in _jail_processes() if p.status() == psutil.STATUS_ZOMBIE]
    assert psutil.Process().num_fds() <= fds + 2


def _our_jail_dirs(support: object) -> set[Path]:
    """Jail cgroup dirs this process owns (named ``j<pid>-<n>``), in every controller."""
    return {
        path
        for base in support.dirs.values()  # type: ignore[attr-defined]
        for path in base.glob(f"j{os.getpid()}-*")
        if path.is_dir()
    }


def test_test_cgroups_are_removed() -> None:
    """A fresh backend's jails hold no test groups after a run and are gone after close.

    Other backends of this test session (the shared fixture, the verifiers' default one)
    have jails named after this pid too, so only the dirs this backend created count.
    """
    before = _our_jail_dirs(cgroups.probe())
    engine = create_backend("local", warm=2)
    try:
        run_tests(DAEMON, TESTS, backend=engine)
        time.sleep(1.0)
        ours = _our_jail_dirs(engine.support) - before  # type: ignore[attr-defined]
        controllers = len(engine.support.dirs)  # type: ignore[attr-defined]
        # the warm jails (plus one being replaced) remain, and hold no test groups yet
        assert len(ours) <= (engine.warm + 1) * controllers  # type: ignore[attr-defined]
        assert not [group for jail in ours for group in jail.glob("t[0-9]*")]
    finally:
        engine.close()
    assert not [path for path in ours if path.exists()]


def test_only_the_test_process_is_in_its_cgroup(local_backend: object) -> None:
    """The set-up process steps out: a test's OOM kill can only pick the test's processes."""
    import threading

    memory = local_backend.support.dirs["memory"]  # type: ignore[attr-defined]
    seen: list[list[str]] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for procs in memory.glob(f"j{os.getpid()}-*/r*t*/cgroup.procs"):
                try:
                    pids = procs.read_text().split()
                except OSError:
                    continue
                if pids:
                    seen.append(pids)
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        report = run_tests(
            "import time\ntime.sleep(0.6)\nprint('ok')\n",
            {"inputs": [""], "outputs": ["ok"]},
            backend=local_backend,
        )
    finally:
        done.set()
        watcher.join()
    assert report.accepted
    assert len(seen) >= 5, "the test's cgroup was hardly seen populated"
    # The set-up process is in the group only for the instant between its fork of
    # the test process and its step out; for the whole run only the test is there.
    alone = sum(len(pids) == 1 for pids in seen)
    assert alone >= 0.8 * len(seen) and len(seen[-1]) == 1, seen[:5]
