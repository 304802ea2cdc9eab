"""Remove the sandboxes of verification workers the runner killed.

A worker killed at an item's time limit never runs its sandbox pool's
``close()``: its warm Docker containers and its jail cgroups would outlive it
(``curate`` left 3-4 containers running per killed worker). The runner knows
exactly which workers it killed, so it removes what is labelled with their
pids, in every process that uses it (the reward server, ``curate``,
``LocalScorer``), never another process's sandboxes.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Iterable
from pathlib import Path

logger = logging.getLogger(__name__)


def _docker_reachable() -> bool:
    return bool(os.environ.get("DOCKER_HOST")) or Path("/var/run/docker.sock").exists()


def reap_worker_sandboxes(pids: Iterable[int]) -> int:
    """Remove containers owned by ``pids`` (dead workers) and stale jail cgroups.

    Returns the number of containers removed; a no-op where neither Docker
    nor the sandbox package is there. Never raises.
    """
    dead = set(pids)
    removed = 0
    if dead and _docker_reachable():
        try:
            if importlib.util.find_spec("docker") is not None:  # no client: no containers
                from sandbox.backends.docker_pool import remove_containers_owned_by

                removed = remove_containers_owned_by(dead)
        except ImportError:
            pass
        except Exception as exc:  # the engine went away: report, never fail a batch
            logger.warning("could not remove sandbox containers of killed workers: %s", exc)
    try:
        from sandbox import cgroups

        cgroups.sweep_stale(cgroups.probe())
    except Exception as exc:  # no sandbox package or no writable cgroups here
        logger.debug("no cgroup sweep: %s", exc)
    return removed
