"""Run a curation step's shards on a Ray cluster with Ray Data.

Why Ray and not our own scheduler: verl, OpenRLHF and slime users already run a
Ray cluster for their trainers, and Kimi-scale difficulty filtering (10 samples
for every prompt of a large pool) is a cluster job. We do not write a
distributed engine; we hand the *same* step object the local engine runs to
Ray Data:

- the input rows get a shard number (row index // shard size, as locally) and
  each shard becomes one Ray Data block (a block is one batch below, and an actor
  refuses a batch that mixes shards);
- each block goes to a pool of actors (``map_batches`` with a callable class), each
  actor holding the step, so its heavy resources (the bounded verification
  runner with its per-item time limits, or a generation engine placed with
  ``num_gpus``) are opened once per actor on the node that runs it;
- the actor writes the shard's kept / dropped / quarantined parts and its
  ``.done`` marker into the run's work folder, which must be on storage every
  node sees; the driver then concatenates the parts exactly as the local engine
  does, so both engines give the same output bytes and resume the same way (a
  finished shard is never sent to Ray again).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

from curation.config import RunConfig
from curation.schema import StepResult

SHARD_COLUMN = "__rlvr_shard"
ROW_COLUMN = "__rlvr_row"

ShardWriter = Callable[[Path, int, StepResult], None]


class RayNotInstalled(RuntimeError):
    """``--engine ray`` without the extra installed."""


def import_ray() -> Any:
    """Ray, or a one-line error saying how to get it (it is an optional extra)."""
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise RayNotInstalled(
            "--engine ray needs Ray: pip install 'rlvr-kit[ray]' (or use --engine local)"
        ) from exc
    return ray


def connect(address: str | None) -> Any:
    """Join the cluster at ``address`` ("auto" for the one this node belongs to), or start
    a local one when no address is given. Idempotent within a process."""
    ray = import_ray()
    if not ray.is_initialized():
        ray.init(
            logging_level="WARNING",
            address=address,
            ignore_reinit_error=True,
            include_dashboard=False,
            log_to_driver=False,
            # Workers import our packages from the same tree as the driver.
            runtime_env={"env_vars": {"PYTHONPATH": _pythonpath()}},
        )
    return ray


def _pythonpath() -> str:
    here = str(Path(__file__).resolve().parents[2])
    rest = os.environ.get("PYTHONPATH", "")
    return here if not rest else f"{here}{os.pathsep}{rest}"


class _ShardActor:
    """One Ray actor: holds the step (and so its runner or engine) for many shards."""

    def __init__(self, step: Any, workdir: str, writer: ShardWriter) -> None:
        self.step = step
        self.workdir = Path(workdir)
        self.writer = writer

    def __call__(self, batch: Any) -> dict[str, list[int]]:
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        shards = frame[SHARD_COLUMN].unique().to_list()
        if len(shards) != 1:  # Ray Data re-blocked the input: never mix two shards' rows
            raise RuntimeError(f"a Ray batch held rows of shards {shards}, expected one")
        index = int(shards[0])
        shard = frame.sort(ROW_COLUMN).drop(SHARD_COLUMN, ROW_COLUMN)
        result = self.step(shard)
        self.writer(self.workdir, index, result)
        return {"shard": [index], "rows": [shard.height]}

    def __del__(self) -> None:  # release the runner's workers / the engine with the actor
        close = getattr(getattr(self.step, "resources", None), "close", None)
        if callable(close):
            close()


def run_pending_shards(
    df: pl.DataFrame,
    step: Any,
    workdir: Path,
    pending: list[int],
    run: RunConfig,
    writer: ShardWriter,
) -> Iterator[int]:
    """Run ``step`` over the shards in ``pending`` on Ray; yield each shard index as it lands.

    Order of completion is Ray's; the caller assembles the output in shard order.
    """
    if not pending:
        return
    ray = connect(run.ray_address)
    on_ray = getattr(step, "on_ray", None)
    if callable(on_ray):  # a whole-table step that distributes itself (dedup, curriculum)
        for index in pending:
            writer(workdir, index, on_ray(df.slice(index * run.shard_size, run.shard_size)))
            yield index
        return
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = run.progress
    numbered = df.with_row_index(ROW_COLUMN).with_columns(
        (pl.col(ROW_COLUMN) // run.shard_size).cast(pl.Int64).alias(SHARD_COLUMN)
    )
    blocks = [numbered.filter(pl.col(SHARD_COLUMN) == i).to_arrow() for i in pending]
    dataset = ray.data.from_arrow(blocks)  # one block per shard: a block is one batch below
    actors = run.ray_actors or max(1, min(len(pending), int(ray.cluster_resources().get("CPU", 1))))
    results = dataset.map_batches(
        _ShardActor,
        batch_size=None,
        batch_format="pyarrow",
        fn_constructor_kwargs={"step": step, "workdir": str(workdir), "writer": writer},
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=run.ray_cpus_per_actor,
        num_gpus=run.ray_gpus_per_actor,
    )
    for row in results.iter_rows():
        yield int(row["shard"])
