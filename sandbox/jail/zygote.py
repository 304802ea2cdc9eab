"""The runner that lives inside the jail: a pristine template, one child per request.

This file is NOT imported by the host. The host passes its text to
``/usr/bin/python3 -I -S -c`` inside bubblewrap (local backend) or inside a
hardened container (docker backend), so it uses the standard library only.

Why a zygote: starting an interpreter costs ~20 ms, more than a small test
itself. This process starts once per jail, pre-imports the usual modules and
then NEVER reads a request: for each request (a program's tests, or the judge
phase of one) it forks a *request child* that reads the request itself from
fd 0 (unbuffered, exactly one frame, so the next request stays in the pipe),
mounts a fresh tmpfs on /box in a mount namespace of its own, serves the
request and exits. Every test process is forked from that request child, so
the memory a program can read (``/proc/self/mem``, ``gc``) holds the pristine
template plus its own request, never an earlier program's source, inputs or
outputs: those lived only in request children that have exited.

For every test the request child forks a *setup* child that joins the test's
cgroup, unshares fresh mount, pid, ipc, network, uts and cgroup namespaces
and mounts fresh tmpfs work dirs; the setup child forks the *test* process,
pid 1 of the new pid namespace, which mounts its own /proc, drops every
capability, installs the program's seccomp filter and runs the program
(Python in-process from the fork, anything else by execve). When the test
process dies the kernel kills everything it started (pid 1 of a namespace),
and it can neither see nor signal the runner.

The runner is several files (``kernel.py``, ``values.py``,
``python_runner.py``, ``supervise.py`` and this one), concatenated in that
order by ``sandbox.jail.zygote_source``; each imports the others only when
imported on the host, for lint and tests.

Protocol (stdin/stdout of this process): frames of a 4-byte big-endian length
and a JSON header; a result header announces ``stdout_len``/``stderr_len``
raw bytes that follow it. The host never sends expected outputs.
"""

import errno
import gc
import json
import os
import struct
import sys

if __name__ != "__main__":  # on the host (lint, tests); in the jail the files are one script
    from sandbox.jail.kernel import fresh_box
    from sandbox.jail.supervise import run_one

PREIMPORT = (
    "collections heapq bisect math itertools functools re string random typing "
    "operator copy decimal fractions statistics array dataclasses io traceback threading"
)


def _read_exact(size):
    """Unbuffered reads from fd 0: a forked judge server reads the next frame itself."""
    parts = []
    while size:
        chunk = os.read(0, min(size, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


def read_frame():
    head = _read_exact(4)
    if head is None:
        return None
    (size,) = struct.unpack(">I", head)
    body = _read_exact(size)
    return None if body is None else json.loads(body)


def write_frame(header, *blobs):
    data = json.dumps(header).encode()
    out = sys.stdout.buffer
    out.write(struct.pack(">I", len(data)) + data)
    for blob in blobs:
        out.write(blob)
    out.flush()


def serve(request):
    """One program: write it to its fresh /box, compile it, run every test."""
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
        header.update(kind="test", index=index, stdout_len=len(out), stderr_len=len(err))
        write_frame(header, out, err)


def serve_judges():
    """Second phase of assert tests, in a request child that alone reads the asserts.

    The judge expressions hold expected values: they reach only this child and
    the judge processes it forks, never the template, whose memory every later
    request child (of this program or the next) is forked from.
    """
    request = read_frame()
    if request is None:
        os._exit(1)
    cgroups = request.get("cgroups") or [{}]
    for item in request["items"]:
        spec = cgroups[item["slot"]] if item["slot"] < len(cgroups) else cgroups[-1]
        header, out, err = run_one(request, item, spec, "judge")
        header.update(kind="judged", case=item["case"], stdout_len=len(out), stderr_len=len(err))
        write_frame(header, out, err)


def serve_request():
    """In a fresh fork of the template: read one request, serve it, say ``done``, exit.

    Exit status 3 tells the template that the host closed the pipe (no more
    requests); anything but 0 or 3 ends the jail, and the host retires it.
    """
    request = read_frame()
    if request is None:
        os._exit(3)
    limits = request.get("compile_limits") or request.get("limits") or {}
    fresh_box(max(16, int(limits.get("tmpfs_mb", 64))))
    if request.get("kind") == "judge":
        serve_judges()
    else:
        serve(request)
    write_frame({"kind": "done"})
    os._exit(0)


def main():
    sys.setrecursionlimit(10_000)
    for name in PREIMPORT.split():
        __import__(name)
    # Every test is a fork of this process: keep the collector away from the
    # objects we already have, or each child would copy every page it scans.
    gc.collect()
    gc.freeze()
    write_frame({"kind": "ready", "pid": os.getpid()})
    while True:  # one request child after another; the host retires the jail after a few
        child = os.fork()
        if child == 0:
            try:
                serve_request()
            except BaseException:  # the host sees no ``done`` and retires the jail
                import traceback

                traceback.print_exc()
            os._exit(1)
        _, status = os.waitpid(child, 0)
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
            return


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        os._exit(1)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
