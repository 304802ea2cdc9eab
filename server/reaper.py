"""Remove the sandbox containers of verification workers that are gone.

The Docker sandbox backend keeps warm containers per process and removes them
in its ``close()``, which runs at interpreter exit. A verification worker
never gets there: the runner SIGKILLs it at an item's time limit, and even a
worker that ends normally exits through ``os._exit`` (multiprocessing skips
``atexit``). Without this, every killed worker would leave its containers
running for the life of the host. The server knows its workers' pids, so it
removes exactly the containers labelled with a dead worker of its own: never
another process's.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

import psutil

logger = logging.getLogger(__name__)


def _alive(pid: int) -> bool:
    """Running, not a zombie (a killed worker stays one until the fork server reaps it)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def reap_sandbox_containers(pids: Iterable[int], *, all_dead: bool = False) -> int:
    """Remove containers owned by the dead ones among ``pids``; the number removed.

    ``all_dead`` skips the liveness check (the runner was closed: every worker
    was stopped). A no-op without the Docker backend (not installed, or no
    engine reachable).
    """
    dead = {pid for pid in pids if all_dead or not _alive(pid)}
    if not dead or not (os.environ.get("DOCKER_HOST") or Path("/var/run/docker.sock").exists()):
        return 0
    try:
        from sandbox.backends.docker_pool import remove_containers_owned_by
    except ImportError:
        return 0
    try:
        return remove_containers_owned_by(dead)
    except Exception as exc:  # no engine here, or it went away: report, do not fail a request
        logger.warning("could not reap sandbox containers of dead workers: %s", exc)
        return 0


def reap_orphans() -> int:
    """Remove sandbox containers and jail cgroups of any dead process of this host.

    Run at start-up: a server (or ``curate``) that was SIGKILLed never reaped
    its workers' sandboxes; the next process to start does. Live processes'
    sandboxes are never touched. Returns the number of containers removed.
    """
    removed = 0
    if os.environ.get("DOCKER_HOST") or Path("/var/run/docker.sock").exists():
        try:
            from sandbox.backends.docker_pool import reap_orphaned_containers

            removed = reap_orphaned_containers()
        except Exception as exc:  # no engine, no docker package: nothing to reap
            logger.warning("could not reap orphaned sandbox containers: %s", exc)
    try:
        from sandbox import cgroups

        cgroups.sweep_stale(cgroups.probe())
    except Exception as exc:
        logger.debug("no cgroup sweep: %s", exc)
    return removed
