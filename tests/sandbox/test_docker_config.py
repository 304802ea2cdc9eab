"""The hardened container settings and the seccomp profile (no engine needed)."""

from __future__ import annotations

import json

from sandbox.backends.docker_pool import SECCOMP, hardening
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
    profile = json.loads(SECCOMP.read_text())
    denied = {name for rule in profile["syscalls"] for name in rule["names"]}
    assert {"bpf", "ptrace", "kexec_load", "init_module", "keyctl", "io_uring_setup"} <= denied
    assert not {"unshare", "clone", "mount", "umount2", "pivot_root", "setns"} & denied


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
