"""Backend selection: ``local`` (bubblewrap on the host) or ``docker`` (warm containers).

``get_backend(None)`` picks ``RLVR_SANDBOX_BACKEND`` when set, else ``docker``
when a Docker daemon is configured (``DOCKER_HOST`` or a local socket) and the
sandbox image is present, else ``local``. Instances are shared per name: a
backend owns warm jails or containers, so one per process is what you want.
"""

from __future__ import annotations

import atexit
import os
import threading
from pathlib import Path
from typing import Any

from sandbox.backends.base import Backend, Enforcement, SandboxUnavailable

__all__ = ["Backend", "Enforcement", "SandboxUnavailable", "close_backends", "get_backend"]

_shared: dict[str, Any] = {}
_lock = threading.Lock()


def _allow_unenforced() -> bool:
    return os.environ.get("RLVR_SANDBOX_ALLOW_UNENFORCED") == "1"


def create_backend(name: str, **options: Any) -> Any:
    """A new backend instance (you own it: call ``close()``)."""
    options.setdefault("allow_unenforced", _allow_unenforced())
    if name == "local":
        from sandbox.backends.local import LocalBackend

        return LocalBackend(**options)
    if name == "docker":
        from sandbox.backends.docker_pool import DockerBackend

        return DockerBackend(**options)
    raise ValueError(f"unknown sandbox backend {name!r}; use 'local' or 'docker'")


def default_backend_name() -> str:
    chosen = os.environ.get("RLVR_SANDBOX_BACKEND")
    if chosen:
        return chosen
    if os.environ.get("DOCKER_HOST") or Path("/var/run/docker.sock").exists():
        from sandbox.backends.docker_pool import image_available

        if image_available():
            return "docker"
    return "local"


def get_backend(backend: Any = None) -> Any:
    """A shared backend by name (None: the default), or the instance given."""
    if backend is not None and not isinstance(backend, str):
        return backend
    name = backend or default_backend_name()
    with _lock:
        if name not in _shared:
            _shared[name] = create_backend(name)
        return _shared[name]


@atexit.register
def close_backends() -> None:
    """Stop every shared backend (warm jails and containers)."""
    with _lock:
        for engine in _shared.values():
            engine.close()
        _shared.clear()
