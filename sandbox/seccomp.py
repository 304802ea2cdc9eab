"""The sandbox's seccomp policy, written once and compiled by libseccomp.

Two filters, both deny lists (everything else is allowed, the jail's
namespaces, capabilities and cgroups do the rest):

- ``RUNNER_DENIED``: what no process in a jail may call. Docker's profile for
  our containers (``sandbox/seccomp.json``) is generated from it, and the
  local backend gives the same filter to bubblewrap (``--seccomp FD``), so
  the runner is confined alike on both backends. It leaves ``unshare``,
  ``mount`` and ``setns`` to the runner, which builds each test's namespaces.
- ``PROGRAM_DENIED``: ``RUNNER_DENIED`` plus the namespace and mount family
  and ``clone`` with any ``CLONE_NEW*`` flag. The test process installs it as
  the last step before the program runs (after dropping every capability and
  setting no_new_privs), on both backends, so a program is held to the
  stricter filter everywhere.

Denied calls fail with EPERM, except ``clone3`` (ENOSYS: its flags live in
memory a filter cannot read, and ENOSYS makes the C library fall back to
``clone``, whose flags it can). The BPF is produced by libseccomp
(``pyseccomp``, a ctypes binding of the system's ``libseccomp.so.2``), never
assembled by hand; the jail only hands the compiled bytes to the kernel.
"""

from __future__ import annotations

import base64
import errno
import functools
import json
import os
import tempfile
from pathlib import Path
from typing import Any

PROFILE_PATH = Path(__file__).with_name("seccomp.json")

RUNNER_DENIED: tuple[str, ...] = (
    # kernel administration, modules, clocks, swap, reboot, accounting
    *("_sysctl", "acct", "clock_adjtime", "clock_settime", "create_module", "delete_module"),
    *("finit_module", "get_kernel_syms", "init_module", "kexec_file_load", "kexec_load"),
    *("nfsservctl", "query_module", "quotactl", "reboot", "settimeofday", "stime", "swapoff"),
    *("swapon", "sysfs", "syslog", "uselib", "ustat", "vhangup", "vm86", "vm86old", "ioperm"),
    *("iopl", "lookup_dcookie"),
    # keyrings: shared by every process of one user, a channel between programs
    *("add_key", "keyctl", "request_key"),
    # tracing and other processes' memory
    *("ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "perf_event_open"),
    # BPF, io_uring, userfaultfd: large kernel attack surface, no use to a test
    *("bpf", "io_uring_enter", "io_uring_register", "io_uring_setup", "userfaultfd"),
    # file handles and fanotify reach past the mount tree
    *("fanotify_init", "name_to_handle_at", "open_by_handle_at", "move_pages"),
    # the new mount API (the runner uses mount(2) only)
    *("fsconfig", "fsmount", "fsopen", "fspick", "move_mount", "open_tree", "mount_setattr"),
    "umount",
)

# The runner's own namespace work, denied to programs.
NAMESPACE_CALLS = ("mount", "umount2", "pivot_root", "chroot", "unshare", "setns")
PROGRAM_DENIED = (*RUNNER_DENIED, *NAMESPACE_CALLS)
CLONE_NEW_FLAGS = {
    "CLONE_NEWNS": 0x00020000,
    "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000,
    "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}
DOCKER_ARCHES = ("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64")


class SeccompUnavailable(RuntimeError):
    """libseccomp (or its Python binding) is missing: no filter can be built here."""


def docker_profile() -> dict[str, Any]:
    """The Docker seccomp profile of our containers (``sandbox/seccomp.json``).

    Docker's default profile refuses ``unshare``/``mount`` without
    CAP_SYS_ADMIN, which bubblewrap needs inside its user namespace; ours
    allows them and denies ``RUNNER_DENIED`` instead.
    """
    return {
        "comment": (
            "Generated from sandbox/seccomp.py (RUNNER_DENIED); do not edit by hand. "
            "rlvr-kit sandbox containers: allow the namespace and mount calls bubblewrap "
            "needs inside an unprivileged user namespace, deny kernel administration, "
            "tracing, keyrings, BPF, io_uring, userfaultfd and cross-process memory calls. "
            "Programs get a stricter filter on top (sandbox/seccomp.py PROGRAM_DENIED)."
        ),
        "defaultAction": "SCMP_ACT_ALLOW",
        "architectures": list(DOCKER_ARCHES),
        "syscalls": [
            {"names": sorted(RUNNER_DENIED), "action": "SCMP_ACT_ERRNO", "errnoRet": errno.EPERM}
        ],
    }


def docker_profile_text() -> str:
    return json.dumps(docker_profile(), indent=1) + "\n"


def _filter(denied: tuple[str, ...] | list[str], *, program: bool) -> Any:
    try:
        import pyseccomp as seccomp  # type: ignore[import-untyped]
    except (ImportError, OSError, RuntimeError) as exc:  # the binding loads libseccomp.so.2
        raise SeccompUnavailable(f"libseccomp is not usable here: {exc}") from exc
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in denied:
        try:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except (ValueError, OSError, RuntimeError):
            continue  # no such call on this architecture (stime, vm86 on x86_64)
    if program:
        for flag in CLONE_NEW_FLAGS.values():
            rules.add_rule(
                seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag)
            )
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    return rules


def _bpf(denied: tuple[str, ...] | list[str], *, program: bool) -> bytes:
    rules = _filter(denied, program=program)
    with tempfile.TemporaryFile() as handle:
        rules.export_bpf(handle)
        handle.seek(0)
        return handle.read()


@functools.cache
def runner_bpf() -> bytes:
    """The jail-wide filter (bubblewrap's ``--seccomp``), compiled by libseccomp."""
    return _bpf(RUNNER_DENIED, program=False)


@functools.cache
def program_bpf() -> bytes:
    """The program's filter, compiled by libseccomp; loaded by the test process."""
    return _bpf(PROGRAM_DENIED, program=True)


def program_bpf_b64() -> str:
    return base64.b64encode(program_bpf()).decode()


def bpf_fd(program: bytes) -> int:
    """A readable fd holding ``program`` from its start (bubblewrap reads it to EOF)."""
    fd = os.memfd_create("rlvr-seccomp", os.MFD_CLOEXEC)
    os.write(fd, program)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def available() -> str | None:
    """None when filters can be built here, else why not."""
    try:
        runner_bpf()
        program_bpf()
    except SeccompUnavailable as exc:
        return str(exc)
    return None
