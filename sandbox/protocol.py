"""Host side of the jail protocol: length-prefixed JSON frames plus raw bytes.

A result frame announces ``stdout_len`` and ``stderr_len`` raw bytes that
follow it, so a 16 MB output crosses without JSON escaping.
"""

from __future__ import annotations

import dataclasses
import json
import struct
from collections.abc import Callable, Iterator
from typing import Any


class ProtocolError(RuntimeError):
    """The runner in the jail went away or sent something we cannot read."""


@dataclasses.dataclass(frozen=True)
class RawOutcome:
    """What the runner measured for one jailed step; judged by the host."""

    header: dict[str, Any]
    stdout: bytes = b""
    stderr: bytes = b""


@dataclasses.dataclass(frozen=True)
class JailRun:
    """Everything a jail sent back for one program (``judged``: case -> judge outcome)."""

    compile: RawOutcome | None
    tests: tuple[RawOutcome, ...]
    error: str | None = None
    judged: dict[int, RawOutcome] = dataclasses.field(default_factory=dict)


# Builds the second-phase request (assert judges) from a first-phase request and its
# run, or returns None when nothing needs a judge.
JudgePlan = Callable[[dict[str, Any], "JailRun"], "dict[str, Any] | None"]


def judge_request(request: dict[str, Any], judges: dict[str, Any]) -> dict[str, Any]:
    """The judge phase's message: the plan's items plus the first phase's settings."""
    keep = ("language", "limits", "compile_limits", "cgroups", "mount_proc")
    return {**{key: request[key] for key in keep if key in request}, **judges}


def judge_round(
    send: Callable[[bytes], None], frames: Iterator[RawOutcome], judges: dict[str, Any]
) -> dict[int, RawOutcome]:
    """Send the judge phase and collect one outcome per case, up to ``done``."""
    send(encode_frame({"kind": "judge"}) + encode_frame(judges))
    judged: dict[int, RawOutcome] = {}
    for frame in frames:
        kind = frame.header.get("kind")
        if kind == "judged":
            judged[int(frame.header["case"])] = frame
        elif kind == "done":
            return judged
    return judged


def encode_frame(message: dict[str, Any]) -> bytes:
    data = json.dumps(message, separators=(",", ":")).encode()
    return struct.pack(">I", len(data)) + data


def read_exact(read: Callable[[int], bytes], size: int) -> bytes:
    parts: list[bytes] = []
    while size > 0:
        chunk = read(size)
        if not chunk:
            raise ProtocolError("the jail closed its output early")
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


def iter_frames(read: Callable[[int], bytes]) -> Iterator[RawOutcome]:
    """Yield the runner's frames, program after program (ProtocolError when it is gone)."""
    while True:
        head = read(4)
        if not head:
            raise ProtocolError("the jail ended without finishing")
        if len(head) < 4:
            head += read_exact(read, 4 - len(head))
        (size,) = struct.unpack(">I", head)
        try:
            header = json.loads(read_exact(read, size))
        except ValueError as exc:
            raise ProtocolError(f"unreadable frame from the jail: {exc}") from exc
        stdout = read_exact(read, header.get("stdout_len", 0))
        stderr = read_exact(read, header.get("stderr_len", 0))
        yield RawOutcome(header, stdout, stderr)


def collect(frames: Iterator[RawOutcome], expected_tests: int) -> JailRun:
    """Gather one program's frames, up to the runner's ``done``."""
    compiled: RawOutcome | None = None
    tests: list[RawOutcome] = []
    try:
        for frame in frames:
            kind = frame.header.get("kind")
            if kind == "compile":
                compiled = frame
            elif kind == "test":
                tests.append(frame)
            elif kind == "done":
                break
    except ProtocolError as exc:
        return JailRun(compiled, tuple(tests), error=str(exc))
    failed = compiled is not None and (
        compiled.header.get("exit_code") != 0 or compiled.header.get("killed")
    )
    if not failed and len(tests) != expected_tests:
        return JailRun(compiled, tuple(tests), error="the jail returned too few results")
    return JailRun(compiled, tuple(tests))
