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
import os
import shutil
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from curation.config import ColumnMap, RunConfig
from curation.io import side_path, table_suffix, write_table
from curation.schema import DROP_RULE, StepResult, from_canonical

MANIFEST = "manifest.json"


class ShardStep(Protocol):
    """A map step: a pure function of one shard's rows."""

    name: str

    def fingerprint(self) -> str: ...

    def __call__(self, shard: pl.DataFrame) -> StepResult: ...


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
    """A content hash of a frame (order-sensitive), the same in every process.

    polars' seeded row hash is stable across processes; Python's ``hash`` of
    strings is not (PYTHONHASHSEED), so the schema goes through crc32.
    """
    try:
        hashed = df.hash_rows(seed=7)
        value = int((hashed * pl.Series(range(1, len(df) + 1), dtype=pl.UInt64)).sum() or 0)
    except pl.exceptions.PolarsError:  # a dtype polars cannot hash: fall back to the size
        value = len(df)
    schema = zlib.crc32(repr(list(df.schema.items())).encode())
    return f"{len(df)}-{value & 0xFFFFFFFFFFFFFFFF:016x}-{schema:08x}"


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    frames = [f for f in frames if f.width > 0]
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames, how="diagonal_relaxed")


PARTS = ("kept", "dropped", "quarantine")


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _discard(path: Path) -> None:
    """Remove a folder without ever leaving it half-deleted under its own name.

    It is renamed first (atomic): a kill mid-removal leaves a ``.stale`` folder
    that nothing reads and the next run sweeps, never markers without parts.
    """
    if not path.exists():
        return
    stale = path.with_name(f"{path.name}.stale-{os.getpid()}-{time.monotonic_ns()}")
    os.replace(path, stale)
    shutil.rmtree(stale, ignore_errors=True)


def _sweep_stale(workdir: Path) -> None:
    for leftover in workdir.parent.glob(f"{workdir.name}.stale-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in workdir.parent.glob(f"{workdir.name}.new-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _prepare_workdir(workdir: Path, manifest: dict[str, object]) -> None:
    """A work dir whose manifest matches ``manifest``: the old one, or a fresh one.

    A fresh dir is built under a temporary name with its manifest written
    first, then swapped in by rename; the old dir (other settings or other
    data: its shards do not apply) is renamed away before it is removed. Any
    kill leaves either the old consistent dir or the new one.
    """
    _sweep_stale(workdir)
    path = workdir / MANIFEST
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except json.JSONDecodeError:
            old = None
        if old == manifest:
            return
    fresh = workdir.with_name(f"{workdir.name}.new-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    _write_atomic(fresh / MANIFEST, json.dumps(manifest, indent=1))
    _discard(workdir)
    os.replace(fresh, workdir)


def _part(stem: Path, part: str) -> Path:
    return Path(f"{stem}.{part}.parquet")


def _fingerprint_file(path: Path) -> dict[str, int]:
    data = path.read_bytes()
    return {"size": len(data), "crc32": zlib.crc32(data)}


def _write_shard(workdir: Path, index: int, split: StepResult) -> None:
    """Parts first (each by rename), then the marker naming their sizes and checksums."""
    stem = workdir / f"{index:05d}"
    marker: dict[str, dict[str, int]] = {}
    for part, frame in zip(PARTS, (split.kept, split.dropped, split.quarantined), strict=True):
        path = _part(stem, part)
        tmp = path.with_name(path.name + ".tmp")
        frame.write_parquet(tmp)
        os.replace(tmp, path)
        marker[part] = _fingerprint_file(path)
    _write_atomic(Path(f"{stem}.done"), json.dumps(marker))  # last: a shard without it is redone


def _shard_done(workdir: Path, index: int) -> bool:
    """Done only when the marker and every part exist and the parts match the marker."""
    stem = workdir / f"{index:05d}"
    try:
        marker = json.loads(Path(f"{stem}.done").read_text())
        return all(_fingerprint_file(_part(stem, p)) == marker[p] for p in PARTS)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _run_pending(
    df: pl.DataFrame, step: ShardStep, workdir: Path, pending: list[int], run: RunConfig
) -> Iterator[int]:
    """Run the shards not done yet, here or on Ray; yield each index once its marker exists."""
    if run.engine == "ray":
        from curation.engines.ray_data import run_pending_shards

        yield from run_pending_shards(df, step, workdir, pending, run, _write_shard)
        return
    for index in pending:
        _write_shard(workdir, index, step(df.slice(index * run.shard_size, run.shard_size)))
        yield index


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
    indices = range(n_shards if df.width else 0)
    skipped = [i for i in indices if _shard_done(workdir, i)]
    pending = [i for i in indices if i not in set(skipped)]
    if on_shard and skipped:
        on_shard(len(skipped), n_shards)
    for index in _run_pending(df, step, workdir, pending, run):
        ran.append(index)
        if on_shard:
            on_shard(len(skipped) + len(ran), n_shards)
    done = [workdir / f"{i:05d}" for i in range(n_shards if df.width else 0)]
    dropped_path, quarantine_path = side_path(output, "dropped"), side_path(output, "quarantine")
    n_kept = _sink_parts([Path(f"{s}.kept.parquet") for s in done], df.clear(), columns, output)
    n_dropped = _sink_parts(
        [Path(f"{s}.dropped.parquet") for s in done], df.clear(), columns, dropped_path
    )
    bad = _concat(
        [
            *(pl.read_parquet(f"{s}.quarantine.parquet") for s in done),
            quarantined if quarantined is not None else pl.DataFrame(),
        ]
    )
    write_table(from_canonical(bad, columns), quarantine_path)
    counts = _rule_counts([Path(f"{s}.dropped.parquet") for s in done])
    if not run.keep_shards:
        _discard(workdir)  # renamed away first: a kill mid-removal leaves nothing half-done
    return RunSummary(
        output=output,
        dropped_path=dropped_path,
        quarantine_path=quarantine_path,
        n_input=len(df) + (len(quarantined) if quarantined is not None else 0),
        n_kept=n_kept,
        n_dropped=n_dropped,
        n_quarantined=len(bad),
        shards_run=ran,
        shards_skipped=skipped,
        drops_by_rule=counts,
    )


def _scan(files: list[Path]) -> list[pl.LazyFrame]:
    return [pl.scan_parquet(f) for f in files if pl.read_parquet_schema(f)]


def _sink_parts(files: list[Path], empty: pl.DataFrame, columns: ColumnMap, output: Path) -> int:
    """Concatenate shard parts into ``output`` with the streaming engine: the whole table
    is never held in memory for parquet/jsonl/csv outputs. Returns the row count."""
    frames = _scan(files)
    rows = sum(int(f.select(pl.len()).collect().item()) for f in frames)
    lazy = pl.concat(frames, how="diagonal_relaxed") if frames else empty.lazy()
    derived = [c for c in columns.derived if c in lazy.collect_schema().names()]
    lazy = lazy.drop(derived)  # computed on input (dotted paths): the input's columns come back
    lazy = lazy.rename(dict(_renames(lazy, columns)))
    suffix = table_suffix(output)
    tmp = output.with_name(output.name + ".tmp")
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        lazy.sink_parquet(tmp)
    elif suffix == ".jsonl":
        lazy.sink_ndjson(tmp)
    elif suffix == ".csv":
        lazy.sink_csv(tmp)
    else:
        write_table(lazy.collect(), output)
        return rows
    os.replace(tmp, output)
    return rows


def _renames(lazy: pl.LazyFrame, columns: ColumnMap) -> list[tuple[str, str]]:
    names = lazy.collect_schema().names()
    mapped = from_canonical(pl.DataFrame(schema=dict.fromkeys(names, pl.Utf8)), columns).columns
    return [(a, b) for a, b in zip(names, mapped, strict=True) if a != b]


def _rule_counts(files: list[Path]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for frame in _scan(files):
        if DROP_RULE in frame.collect_schema().names():
            counts.update(frame.select(DROP_RULE).collect()[DROP_RULE].to_list())
    return dict(sorted(counts.items()))
