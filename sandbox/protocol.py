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
    """Everything a jail sent back for one program."""

    compile: RawOutcome | None
    tests: tuple[RawOutcome, ...]
    error: str | None = None


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
    """Yield frames until the runner says done (or fail with ProtocolError)."""
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
        if header.get("kind") == "done":
            return


def collect(frames: Iterator[RawOutcome], expected_tests: int) -> JailRun:
    """Gather a program's frames; a compile failure ends the run early."""
    compiled: RawOutcome | None = None
    tests: list[RawOutcome] = []
    try:
        for frame in frames:
            kind = frame.header.get("kind")
            if kind == "compile":
                compiled = frame
                failed = frame.header.get("exit_code") != 0 or frame.header.get("killed")
                if failed:
                    return JailRun(compiled, ())
            elif kind == "test":
                tests.append(frame)
            elif kind == "done":
                break
    except ProtocolError as exc:
        return JailRun(compiled, tuple(tests), error=str(exc))
    if len(tests) != expected_tests:
        return JailRun(compiled, tuple(tests), error="the jail returned too few results")
    return JailRun(compiled, tuple(tests))
