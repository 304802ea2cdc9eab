"""The hardened container settings and the seccomp profile (no engine needed)."""

from __future__ import annotations

import json
import logging

import pytest

from sandbox import seccomp
from sandbox.backends import docker_pool
from sandbox.backends.docker_pool import hardening
from sandbox.jail import bwrap_argv, zygote_source


def test_containers_are_hardened() -> None:
    config = hardening(memory_mb=256, pids=32)
    assert config["network_mode"] == "none" and config["read_only"] is True
    assert config["cap_drop"] == ["ALL"] and "cap_add" not in config
    assert "no-new-privileges" in config["security_opt"]
    assert config["mem_limit"] == config["memswap_limit"]
    assert config["pids_limit"] > 32 and config["nano_cpus"] == 1_000_000_000
    assert config["log_config"] == {"type": "none"}


def test_seccomp_profile_allows_namespaces_and_denies_kernel_admin() -> None:
    profile = json.loads(seccomp.PROFILE_PATH.read_text())
    denied = {name for rule in profile["syscalls"] for name in rule["names"]}
    assert {"bpf", "ptrace", "kexec_load", "init_module", "keyctl", "io_uring_setup"} <= denied
    assert {"add_key", "request_key", "userfaultfd", "perf_event_open", "io_uring_enter"} <= denied
    assert not {"unshare", "clone", "mount", "umount2", "pivot_root", "setns"} & denied
    assert all(rule["action"] == "SCMP_ACT_ERRNO" for rule in profile["syscalls"])


def test_seccomp_profile_file_is_the_generated_one() -> None:
    """sandbox/seccomp.json is written from sandbox.seccomp: one list, two uses."""
    assert seccomp.PROFILE_PATH.read_text() == seccomp.docker_profile_text()
    assert "seccomp=" + seccomp.docker_profile_text() in hardening(256, 32)["security_opt"]


def test_program_filter_is_stricter_than_the_docker_profile() -> None:
    assert set(seccomp.RUNNER_DENIED) < set(seccomp.PROGRAM_DENIED)
    assert {"mount", "umount2", "unshare", "setns", "pivot_root", "chroot"} <= set(
        seccomp.PROGRAM_DENIED
    )
    # both compiled by libseccomp: a BPF program is a whole number of 8-byte instructions
    runner, program = seccomp.runner_bpf(), seccomp.program_bpf()
    assert len(runner) % 8 == 0 and len(program) % 8 == 0 and len(program) > len(runner)


def test_jail_carries_both_filters() -> None:
    argv = bwrap_argv(seccomp_fd=7, program_filter=seccomp.program_bpf_b64())
    assert argv[argv.index("--seccomp") + 1] == "7"
    assert seccomp.program_bpf_b64() in argv[-1]
    assert "--seccomp" not in bwrap_argv()


def test_jail_command_is_minimal() -> None:
    argv = bwrap_argv({"/sys/fs/cgroup/x": "memory"})
    joined = " ".join(argv[:-1])
    assert "--unshare-all" in argv and "--disable-userns" in argv and "--clearenv" in argv
    assert "--die-with-parent" in argv and "--new-session" in argv
    assert "/home" not in joined and "/root" not in joined and "--bind / " not in joined
    assert "--die-with-parent" not in bwrap_argv(die_with_parent=False)
    ro = bwrap_argv({"/sys/fs/cgroup": "sys"}, writable=False)
    assert "--ro-bind" in ro and "/sys/fs/cgroup" in ro


def test_runner_is_one_script_that_fits_in_one_argument() -> None:
    source = zygote_source()
    compile(source, "runner", "exec")
    assert len(source.encode()) < 128 * 1024  # MAX_ARG_STRLEN: it travels as `python3 -c`
    assert bwrap_argv()[-1] == source


def test_image_check_does_not_remember_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """An engine that was down is asked again next time; a success is remembered."""
    calls: list[str] = []

    class Images:
        def __init__(self, ok: bool):
            self.ok = ok

        def get(self, image: str) -> None:
            calls.append(image)
            if not self.ok:
                raise ConnectionError("engine restarting")

    class Client:
        def __init__(self, ok: bool):
            self.images = Images(ok)

    monkeypatch.setattr(docker_pool, "_IMAGE_SEEN", set())
    monkeypatch.setattr(docker_pool, "_client", lambda timeout=30: Client(False))
    assert not docker_pool.image_available("probe:1")
    monkeypatch.setattr(docker_pool, "_client", lambda timeout=30: Client(True))
    assert docker_pool.image_available("probe:1")
    monkeypatch.setattr(docker_pool, "_client", lambda timeout=30: Client(False))
    assert docker_pool.image_available("probe:1")  # remembered
    assert calls == ["probe:1", "probe:1"]


def test_failed_refill_is_logged_and_backs_off(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert [docker_pool.refill_delay(n) for n in (1, 2, 3, 10)] == [0.5, 1.0, 2.0, 30.0]
    timers: list[float] = []

    class Timer:
        def __init__(self, delay: float, function: object):
            timers.append(delay)
            self.daemon = False

        def start(self) -> None:
            pass

    monkeypatch.setattr(docker_pool.threading, "Timer", Timer)
    backend = docker_pool.DockerBackend.__new__(docker_pool.DockerBackend)
    backend._closed = False
    backend._failures = 0

    def broken() -> None:
        raise RuntimeError("no engine")

    backend._new = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING, logger="sandbox"):
        backend._refill()
        backend._refill()
    assert timers == [0.5, 1.0]  # not resubmitted at once
    assert "did not start" in caplog.text and "no engine" in caplog.text
