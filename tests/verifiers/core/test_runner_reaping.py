"""Killed workers leave no sandbox containers behind, in the runner and in `curate`."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import polars as pl
import pytest

from verifiers import BoundedRunner, VerifyItem, verify_batch

pytest.importorskip("verifiers.code")
docker = pytest.importorskip("docker")

ENDLESS = "<think>loop</think>\n```python\nwhile True:\n    pass\n```"
# Sleeps past the runner's 1 s limit and under the sandbox's own wall limit (3 x CPU + 1 s):
# the runner kills the worker while its container runs the program.
SLEEPS = "<think>wait</think>\n```python\nimport time\ntime.sleep(100)\n```"
PRINTS = "<think>p</think>\n```python\nprint(1)\n```"
TESTS = {"inputs": [""], "outputs": ["1"]}


def _orphans() -> set[str]:
    """Sandbox containers of this host whose owning process is gone."""
    from sandbox.backends.docker_pool import _owner_is_gone

    host = socket.gethostname()
    containers = docker.from_env().containers.list(all=True, filters={"label": "rlvr-sandbox"})
    return {
        c.id
        for c in containers
        if c.labels.get("rlvr-sandbox.owner", "").startswith(f"{host}-")
        and _owner_is_gone(c.labels["rlvr-sandbox.owner"])
    }


def _dead_owner_cgroups() -> set[Path]:
    """Jail/container cgroup dirs (``j<pid>-n``, ``d<pid>-n``) whose process is gone."""
    from sandbox import cgroups

    support = cgroups.probe()
    return {
        path
        for base in support.dirs.values()
        for path in [*base.glob("j*-*"), *base.glob("d*-*")]
        if path.name[1:].split("-", 1)[0].isdigit()
        and not Path(f"/proc/{path.name[1:].split('-', 1)[0]}").exists()
    }


def _created_since(since: float) -> set[str]:
    """Ids of sandbox containers created on this engine since ``since`` (docker's event log)."""
    events = docker.from_env().events(
        since=int(since),
        until=int(time.time()) + 1,
        filters={"label": "rlvr-sandbox", "event": "create", "type": "container"},
        decode=True,
    )
    return {event["id"] for event in events}


def _owned_by(pids: set[int]) -> list:
    owners = {f"{socket.gethostname()}-{pid}" for pid in pids}
    containers = docker.from_env().containers.list(all=True, filters={"label": "rlvr-sandbox"})
    return [c for c in containers if c.labels.get("rlvr-sandbox.owner") in owners]


@pytest.mark.docker
def test_runner_removes_containers_of_the_workers_it_killed() -> None:
    with BoundedRunner(1, memory_mb=2048) as runner:
        (ok,) = verify_batch([VerifyItem("code", PRINTS, TESTS)], timeout_s=60, runner=runner)
        if ok.details.get("backend") != "docker":
            pytest.skip("the code verifier did not pick the Docker backend here")
        (victim,) = runner.worker_pids()
        assert _owned_by({victim}), "the worker keeps warm containers"
        (stuck,) = verify_batch([VerifyItem("code", ENDLESS, TESTS)], timeout_s=1.0, runner=runner)
        assert stuck.status.value == "timeout"
        assert victim not in runner.worker_pids()
    assert _owned_by({victim}) == []  # reaped by the runner, at the latest when it closed


@pytest.mark.docker
def test_curate_leaves_no_containers_and_quarantines_all_timed_out_rows(tmp_path: Path) -> None:
    from curation import commands
    from curation.config import FilterConfig, ScoreConfig

    before = _orphans()
    cgroups_before = _dead_owner_cgroups()
    started = time.time() - 1
    rows = [
        {
            "id": f"r{i}",
            "prompt": f"print 1 ({i})",
            "answer": json.dumps(TESTS),
            "task": "code",
            "responses": [SLEEPS, SLEEPS],
        }
        for i in range(3)
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary = commands.filter_pass_rate(
        source,
        tmp_path / "out.jsonl",
        FilterConfig(),
        ScoreConfig(timeout_s=1.0, workers=1),
    )
    assert summary.n_quarantined == 3
    reasons = pl.read_ndjson(summary.quarantine_path)["quarantine_reason"].to_list()
    assert all("every verification failed or timed out" in r for r in reasons)
    created = _created_since(started)
    if not created:
        pytest.skip("the code verifier did not pick the Docker backend in curate's workers")
    # the workers killed at their limit had containers running the sleeping programs ...
    alive = {c.id for c in docker.from_env().containers.list(all=True)}
    # ... and none of the containers this command created survives it
    assert not created & alive
    assert _orphans() <= before
    assert _dead_owner_cgroups() <= cgroups_before  # nor a cgroup of a dead worker
