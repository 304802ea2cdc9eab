"""Run a per-row step over shards, resumably, and write output + side files.

Every long command is a pure map over shards: a shard's rows go in, kept /
dropped / quarantined rows come out, and nothing else is shared. That is what
makes a restart cheap (finished shards are skipped: a ``.done`` marker is
written only after all three parts are on disk) and what lets a cluster engine
such as Ray Data run the same step function across nodes later.
A manifest pins the step's config and the input's fingerprint: a restart with
other settings or other data starts over instead of mixing old and new shards.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from curation.config import ColumnMap, RunConfig
from curation.io import side_path, write_table
from curation.schema import DROP_RULE, Split, from_canonical

MANIFEST = "manifest.json"


class ShardStep(Protocol):
    """A map step: a pure function of one shard's rows."""

    name: str

    def fingerprint(self) -> str: ...

    def __call__(self, shard: pl.DataFrame) -> Split: ...


@dataclass(frozen=True)
class RunSummary:
    """What a sharded command did; the CLI prints it, tests assert on it."""

    output: Path
    dropped_path: Path
    quarantine_path: Path
    n_input: int
    n_kept: int
    n_dropped: int
    n_quarantined: int
    shards_run: list[int] = field(default_factory=list)
    shards_skipped: list[int] = field(default_factory=list)
    drops_by_rule: dict[str, int] = field(default_factory=dict)


def frame_fingerprint(df: pl.DataFrame) -> str:
    """A content hash of a frame (order-sensitive), cheap enough for millions of rows."""
    try:
        hashed = df.hash_rows(seed=7)
        value = int((hashed * pl.Series(range(1, len(df) + 1), dtype=pl.UInt64)).sum() or 0)
    except pl.exceptions.PolarsError:
        value = hash(str(df.schema)) ^ len(df)
    return f"{len(df)}-{value & 0xFFFFFFFFFFFFFFFF:016x}-{abs(hash(tuple(df.columns))) % 10**8}"


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    frames = [f for f in frames if f.width > 0]
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames, how="diagonal_relaxed")


def _prepare_workdir(workdir: Path, manifest: dict[str, object]) -> None:
    path = workdir / MANIFEST
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except json.JSONDecodeError:
            old = None
        if old == manifest:
            return
        shutil.rmtree(workdir)  # other settings or other data: finished shards do not apply
    workdir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=1))


def _write_shard(workdir: Path, index: int, split: Split) -> None:
    stem = workdir / f"{index:05d}"
    for part, frame in (
        ("kept", split.kept),
        ("dropped", split.dropped),
        ("quarantine", split.quarantined),
    ):
        frame.write_parquet(f"{stem}.{part}.parquet")
    Path(f"{stem}.done").write_text("ok")  # last: a shard without it is redone


def _read_shard(workdir: Path, index: int) -> Split:
    stem = workdir / f"{index:05d}"
    parts = [pl.read_parquet(f"{stem}.{p}.parquet") for p in ("kept", "dropped", "quarantine")]
    return Split(*parts)


def run_sharded(
    df: pl.DataFrame,
    step: ShardStep,
    output: str | Path,
    *,
    run: RunConfig | None = None,
    columns: ColumnMap | None = None,
    quarantined: pl.DataFrame | None = None,
    on_shard: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Apply ``step`` to ``df`` shard by shard and write output, dropped and quarantine files.

    ``quarantined`` holds rows already rejected while reading (bad JSON lines);
    they are written to the quarantine file with the step's own rejects.
    ``on_shard(done, total)`` is called after each shard (progress bars).
    """
    run = run or RunConfig()
    columns = columns or ColumnMap()
    output = Path(output)
    workdir = output.with_name(output.name + ".shards")
    n_shards = max(1, -(-len(df) // run.shard_size))
    manifest = {
        "step": step.name,
        "config": step.fingerprint(),
        "input": frame_fingerprint(df),
        "shard_size": run.shard_size,
    }
    _prepare_workdir(workdir, manifest)
    ran: list[int] = []
    skipped: list[int] = []
    splits: list[Split] = []
    for index in range(n_shards):
        if df.width == 0:  # an empty input file: nothing to map, still write every output
            splits.append(Split(df, df, pl.DataFrame()))
            break
        if (workdir / f"{index:05d}.done").exists():
            skipped.append(index)
        else:
            shard = df.slice(index * run.shard_size, run.shard_size)
            _write_shard(workdir, index, step(shard))
            ran.append(index)
        splits.append(_read_shard(workdir, index))
        if on_shard:
            on_shard(index + 1, n_shards)
    kept = _concat([s.kept for s in splits])
    dropped = _concat([s.dropped for s in splits])
    bad = _concat(
        [
            *(s.quarantined for s in splits),
            quarantined if quarantined is not None else pl.DataFrame(),
        ]
    )
    if kept.width == 0:
        kept = df.clear()
    dropped_path, quarantine_path = side_path(output, "dropped"), side_path(output, "quarantine")
    write_table(from_canonical(kept, columns), output)
    write_table(from_canonical(dropped if dropped.width else df.clear(), columns), dropped_path)
    write_table(from_canonical(bad, columns), quarantine_path)
    if not run.keep_shards:
        shutil.rmtree(workdir, ignore_errors=True)
    counts = Counter(dropped[DROP_RULE].to_list()) if DROP_RULE in dropped.columns else Counter()
    return RunSummary(
        output=output,
        dropped_path=dropped_path,
        quarantine_path=quarantine_path,
        n_input=len(df) + (len(quarantined) if quarantined is not None else 0),
        n_kept=len(kept),
        n_dropped=len(dropped),
        n_quarantined=len(bad),
        shards_run=ran,
        shards_skipped=skipped,
        drops_by_rule=dict(sorted(counts.items())),
    )
