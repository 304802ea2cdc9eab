"""Per-test resource limits: the typed config that lives beside the sandbox."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SandboxLimits(BaseModel):
    """What one test may use. Defaults suit competitive-programming tests.

    The time limit is on CPU time (all processes of the test together, as the
    cgroup counts it), so a verdict does not change with machine load; the wall
    limit is only a backstop for programs that sleep or block.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_s: float = Field(2.0, gt=0, description="CPU seconds per test (timeout beyond).")
    wall_s: float | None = Field(
        None, gt=0, description="Wall-clock backstop per test; default 3 * time_s + 1."
    )
    memory_mb: int = Field(512, ge=16, description="cgroup memory limit per test (MiB).")
    output_mb: int = Field(
        64, ge=1, description="Cap on stdout (and on stderr) per test; output_limit beyond."
    )
    pids: int = Field(64, ge=4, description="Processes and threads one test may have at once.")
    open_files: int = Field(128, ge=16, description="RLIMIT_NOFILE of the program.")
    file_mb: int = Field(16, ge=1, description="Largest file the program may write (RLIMIT_FSIZE).")
    tmpfs_mb: int = Field(64, ge=1, description="Size of each fresh writable dir (/work, /tmp).")
    compile_time_s: float = Field(30.0, gt=0, description="CPU seconds for the compile step.")
    compile_memory_mb: int = Field(2048, ge=64, description="Memory for the compile step (MiB).")

    @classmethod
    def coerce(cls, value: SandboxLimits | dict[str, Any] | None) -> SandboxLimits:
        """Accept a SandboxLimits, a plain dict (from JSON or a reward spec) or None."""
        if value is None:
            return cls()
        if isinstance(value, SandboxLimits):
            return value
        return cls.model_validate(value)

    @property
    def wall_limit_s(self) -> float:
        return self.wall_s if self.wall_s is not None else 3 * self.time_s + 1

    def for_test(self) -> dict[str, Any]:
        """The limits block of a jail request (what the runner inside enforces)."""
        return {
            "time_s": self.time_s,
            "wall_s": self.wall_limit_s,
            "memory_mb": self.memory_mb,
            "output_mb": self.output_mb,
            "open_files": self.open_files,
            "file_mb": self.file_mb,
            "tmpfs_mb": self.tmpfs_mb,
        }

    def for_compile(self) -> dict[str, Any]:
        return dict(
            self.for_test(),
            time_s=self.compile_time_s,
            wall_s=3 * self.compile_time_s + 5,
            memory_mb=self.compile_memory_mb,
            file_mb=max(self.file_mb, 256),
            tmpfs_mb=max(self.tmpfs_mb, 512),
        )
