"""The per-program jail: a bubblewrap command line around the in-jail runner.

Both backends run exactly this command: the local backend on the host, the
docker backend inside a hardened container. ``zygote.py`` is passed as text
(``python3 -c``) so the image never has to carry a copy of our code.
"""

from __future__ import annotations

import functools
from pathlib import Path

JAIL_UID = 1000
PYTHON = "/usr/bin/python3"
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/work", "LANG": "C.UTF-8", "TMPDIR": "/tmp"}
# Only what programs and compilers need. No /home, /root, /srv or host /tmp,
# and of /etc only the dynamic-linker cache and the compiler alternatives.
RO_BINDS = ("/usr", "/etc/ld.so.cache", "/etc/alternatives")
# The runner needs, inside its own user namespace only, CAP_SYS_ADMIN to
# unshare and mount per test and CAP_SETPCAP to empty the bounding set; the
# test process drops every capability before the program runs. (It cannot
# setns back to its own namespaces: bwrap owns them from an outer user
# namespace. So a short-lived set-up child creates each test's namespaces.)
JAIL_CAPS = ("CAP_SYS_ADMIN", "CAP_SETPCAP")


# The runner's files, concatenated in this order into one ``python3 -c`` script.
RUNNER_FILES = ("kernel.py", "values.py", "python_runner.py", "supervise.py", "zygote.py")


@functools.cache
def zygote_source(program_filter: str = "") -> str:
    """The runner script; ``program_filter`` is the programs' seccomp BPF (base64).

    The filter is set right after ``kernel.py``, which declares it empty.
    """
    here = Path(__file__).parent
    parts = [(here / name).read_text() for name in RUNNER_FILES]
    parts.insert(1, f"PROGRAM_FILTER = {program_filter!r}")
    return "\n\n".join(parts)


def bwrap_argv(
    cgroup_binds: dict[str, str] | None = None,
    *,
    writable: bool = True,
    die_with_parent: bool = True,
    bwrap: str = "bwrap",
    seccomp_fd: int | None = None,
    program_filter: str = "",
) -> list[str]:
    """The jail command. ``cgroup_binds`` maps a cgroup dir to /cg/<name>.

    Writable for the local backend (the runner moves each test into its
    group), read-only in a container (the runner only reads counters).
    ``die_with_parent`` is off under ``docker exec``, where the parent is a
    short-lived runc process; the container bounds the jail's life there.
    ``--disable-userns``: nothing in the jail may create a further user
    namespace (and so gain capabilities over namespaces of its own).
    ``seccomp_fd``: the jail-wide filter (``sandbox.seccomp.runner_bpf``) for
    bubblewrap to install (in a container Docker's profile does that);
    ``program_filter``: the stricter filter every test installs before the
    program runs (``sandbox.seccomp.program_bpf_b64``).
    """
    argv = [bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--new-session"]
    argv += ["--unshare-cgroup-try"]
    if die_with_parent:
        argv.append("--die-with-parent")
    argv += ["--uid", str(JAIL_UID), "--gid", str(JAIL_UID)]
    for cap in JAIL_CAPS:
        argv += ["--cap-add", cap]
    for path in RO_BINDS:
        argv += ["--ro-bind-try", path, path]
    for link, target in (("/bin", "usr/bin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64")):
        argv += ["--symlink", target, link]
    argv += ["--symlink", "usr/sbin", "/sbin", "--dev", "/dev", "--proc", "/proc"]
    for path in ("/box", "/work", "/tmp"):
        argv += ["--tmpfs", path]
    argv += ["--dir", "/dev/shm", "--remount-ro", "/dev"]
    if cgroup_binds:
        argv += ["--dir", "/cg"]
        for host_dir, name in cgroup_binds.items():
            argv += ["--bind" if writable else "--ro-bind", host_dir, f"/cg/{name}"]
    argv += ["--remount-ro", "/", "--chdir", "/work", "--clearenv"]
    if seccomp_fd is not None:
        argv += ["--seccomp", str(seccomp_fd)]
    for key, value in ENV.items():
        argv += ["--setenv", key, value]
    return [*argv, PYTHON, "-I", "-S", "-B", "-c", zygote_source(program_filter)]
