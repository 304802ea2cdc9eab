"""What every backend offers, and how it says which limits it can enforce."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sandbox.backends.lanes import Lanes
    from sandbox.protocol import JailRun, JudgePlan

log = logging.getLogger("sandbox")

# The limits a backend is asked to enforce with the kernel.
LIMITS = ("namespaces", "memory", "pids", "cpu_time", "wall_time", "output", "files")


class SandboxUnavailable(RuntimeError):
    """The backend cannot run here, or cannot enforce a limit and was not told to go on."""


@dataclasses.dataclass(frozen=True)
class Enforcement:
    """Per limit: how it is enforced, or why it is not."""

    enforced: dict[str, str]
    missing: dict[str, str]

    def describe(self, backend: str) -> str:
        lines = [f"sandbox backend {backend!r} enforces:"]
        lines += [f"  {name}: {how}" for name, how in self.enforced.items()]
        lines += [f"  {name}: NOT ENFORCED ({why})" for name, why in self.missing.items()]
        return "\n".join(lines)

    def require(self, backend: str, allow_unenforced: bool) -> None:
        """Say what we enforce at start-up; refuse on a gap unless allowed."""
        text = self.describe(backend)
        if self.missing and not allow_unenforced:
            raise SandboxUnavailable(
                text + "\nrefusing to run untrusted code; pass allow_unenforced=True "
                "(or RLVR_SANDBOX_ALLOW_UNENFORCED=1) to run anyway"
            )
        (log.warning if self.missing else log.info)(text)


class Backend(Protocol):
    """Runs one program's jail request and returns the runner's frames."""

    name: str
    enforcement: Enforcement

    def execute(
        self, request: dict[str, Any], *, memory_mb: int, pids: int, plan: Any = None
    ) -> Any:
        """Run the request; ``plan`` builds the optional judge phase (assert tests)."""

    def close(self) -> None: ...


class LanedBackend:
    """The ``execute`` of the pooled backends (local jails, docker containers).

    A program's tests are split over ``lanes`` (see ``sandbox.backends.lanes``);
    each slice runs in one warm jail through the subclass's ``_execute_one``.
    """

    _closed: bool
    _lanes: Lanes

    def execute(
        self,
        request: dict[str, Any],
        *,
        memory_mb: int,
        pids: int,
        plan: JudgePlan | None = None,
    ) -> JailRun:
        """Run one program's tests in warm jails (``lanes`` of them at once)."""
        if self._closed:
            raise SandboxUnavailable("the backend is closed")
        return self._lanes.run(
            lambda part: self._execute_once_more(part, memory_mb, pids, plan), request
        )

    def _execute_once_more(
        self, request: dict[str, Any], memory_mb: int, pids: int, plan: JudgePlan | None
    ) -> JailRun:
        """Run a slice; when its jail was dead before answering anything, once more.

        A warm jail can die while it waits (its runner killed by a program's OOM
        where the runner shares the test's cgroup, an engine restart): nothing of
        the request ran, so a fresh jail may take it. The failed jail is retired
        by ``_execute_one`` and the first error is logged, never hidden.
        """
        run = self._execute_one(request, memory_mb, pids, plan)
        if run.error is None or run.compile is not None or run.tests:
            return run
        log.warning("sandbox jail died before answering (%s); retrying on a fresh one", run.error)
        return self._execute_one(request, memory_mb, pids, plan)

    def _execute_one(
        self, request: dict[str, Any], memory_mb: int, pids: int, plan: JudgePlan | None
    ) -> JailRun:
        """Run one slice of the tests in one warm jail."""
        raise NotImplementedError
