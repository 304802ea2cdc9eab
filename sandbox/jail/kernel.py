"""Kernel plumbing of the in-jail runner: namespaces, mounts, capabilities, rlimits.

Part of the runner script (see ``zygote.py``): these files are concatenated
and run by ``python3 -c`` in the jail, so they use the standard library only.
"""

import ctypes
import os
import signal

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP = 0x20000000, 0x40000000, 0x02000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_SET_SECCOMP = 1, 38, 24, 22
SECCOMP_MODE_FILTER = 2
SYS_CAPSET = 126 if os.uname().machine == "x86_64" else 91
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/work", "LANG": "C.UTF-8", "TMPDIR": "/tmp"}

libc = ctypes.CDLL(None, use_errno=True)

# The program's seccomp filter: BPF compiled by libseccomp on the host
# (``sandbox.seccomp``), base64, set by ``zygote_source`` right after this
# file. Empty on the host (lint, tests), where nothing is loaded.
PROGRAM_FILTER = ""


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


def fresh_box(size_mb):
    """Runs in a request child: its own mount namespace with an empty tmpfs on /box.

    Nothing of an earlier program's files can be there: its /box lived in the
    mount namespace of a request child that has exited.
    """
    _check(libc.unshare(CLONE_NEWNS), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", "/box", "tmpfs", MS_NOSUID | MS_NODEV, f"size={size_mb}m,mode=755")


def enter_test_namespaces(cg_procs, box_writable, tmpfs_mb):
    """Runs in the setup child: cgroups, fresh namespaces, fresh writable dirs.

    Returns fds of the jail-level ``cgroup.procs`` files (see
    ``leave_test_cgroups``). The cgroup namespace is unshared after joining the
    test's groups, so the test sees its groups as ``/`` (``/proc/self/cgroup``, ``mountinfo``):
    neither the host's cgroup paths nor the jail's name (the worker's pid).
    """
    leave = []  # the jail-level groups, to step back out once the test process exists
    for procs in cg_procs:
        jail_level = os.path.join(os.path.dirname(os.path.dirname(procs)), "cgroup.procs")
        leave.append(os.open(jail_level, os.O_WRONLY | os.O_CLOEXEC))
        with open(procs, "w") as handle:
            handle.write("0")
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS
    _check(libc.unshare(flags | CLONE_NEWCGROUP), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    if os.path.isdir("/cg"):  # hide the cgroup dirs (bwrap's mounts are locked: cover them)
        _mount("tmpfs", "/cg", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "size=4k")
    size = f"size={tmpfs_mb}m,mode=1777"
    for path in ("/work", "/tmp", "/dev/shm"):
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, size)
    if not box_writable:
        _mount(None, "/box", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    return leave


def leave_test_cgroups(leave):
    """The setup child steps back to the jail's groups once the test process is forked.

    Only the test's own processes stay in its cgroups, so an out-of-memory kill
    there can never pick the process that reports the test's status. The fds
    were opened before /cg was covered; the test process never holds them.
    """
    for fd in leave:
        os.write(fd, b"0")
        os.close(fd)


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
    load_program_filter(PROGRAM_FILTER)
    os.chdir("/work")
    os.environ.clear()
    os.environ.update(ENV)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def load_program_filter(encoded):
    """Install the program's seccomp filter (the last step before the program runs).

    The BPF was compiled by libseccomp on the host; here it is only handed to
    the kernel. Refusing to load it is a setup failure, never a silent skip.
    """
    if not encoded:
        return
    import base64

    program = base64.b64decode(encoded)
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    _check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0), "seccomp")
