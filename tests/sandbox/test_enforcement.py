"""A backend that cannot enforce a limit says so at start-up and refuses unless told."""

from __future__ import annotations

import pytest

from sandbox import SandboxUnavailable, TestVerdict, run_tests
from sandbox import cgroups as cgroup_module
from sandbox.backends.base import Enforcement
from sandbox.backends.local import LocalBackend


def test_gap_refuses_and_names_the_limit() -> None:
    enforcement = Enforcement({"output": "runner"}, {"memory": "no memory controller"})
    with pytest.raises(SandboxUnavailable, match="memory: NOT ENFORCED"):
        enforcement.require("local", allow_unenforced=False)
    enforcement.require("local", allow_unenforced=True)  # warns, goes on


def test_local_without_cgroups(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = cgroup_module.CgroupSupport(dirs={}, problems={"memory": "no hierarchy"})
    monkeypatch.setattr(cgroup_module, "probe", lambda: missing)
    with pytest.raises(SandboxUnavailable, match="allow_unenforced"):
        LocalBackend(warm=1)
    engine = LocalBackend(warm=1, allow_unenforced=True)
    try:
        assert set(engine.enforcement.missing) == {"memory", "pids", "cpu_time"}
        ok = run_tests("print(1)", {"inputs": [""], "outputs": ["1"]}, backend=engine)
        spin = run_tests(
            "while True:\n    pass\n",
            {"inputs": [""], "outputs": [""]},
            limits={"time_s": 0.2, "wall_s": 1.0},
            backend=engine,
        )
    finally:
        engine.close()
    assert ok.accepted
    assert spin.per_test[0].verdict is TestVerdict.TIMEOUT


def test_local_says_how_syscalls_and_oom_are_enforced(local_backend: object) -> None:
    enforced = local_backend.enforcement.enforced  # type: ignore[attr-defined]
    assert "libseccomp" in enforced["syscalls"]
    assert "own cgroup" in enforced["oom"]
