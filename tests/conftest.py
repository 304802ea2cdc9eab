"""Shared test set-up: markers that skip locally but must run in CI."""

from __future__ import annotations

import os
import shutil

import pytest


def _docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        import docker

        docker.from_env(timeout=5).ping()
        return True
    except Exception:
        return False


def _vllm_available() -> bool:
    try:
        import importlib.util

        return importlib.util.find_spec("vllm") is not None or os.path.exists(
            ".venv-vllm/bin/python"
        )
    except Exception:
        return False


def _ray_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("ray") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    checks = {
        "docker": (_docker_available, "RLVR_REQUIRE_DOCKER", "no Docker engine"),
        "vllm": (_vllm_available, "RLVR_REQUIRE_VLLM", "vllm is not installed"),
        "ray": (_ray_available, "RLVR_REQUIRE_RAY", "ray is not installed"),
    }
    for marker, (probe, env, why) in checks.items():
        marked = [item for item in items if marker in item.keywords]
        if not marked or os.environ.get(env) == "1" or probe():
            continue
        for item in marked:
            item.add_marker(pytest.mark.skip(reason=f"{why} (set {env}=1 to make this an error)"))
