"""Run ``curate filter`` in a child process and SIGKILL it at a chosen phase (crash tests).

    python -m tests.curation.crash_curate INPUT OUTPUT VARIANT PHASE N

PHASE is where the kill lands on the N-th occurrence: ``shard`` (after a shard
part is written, before its marker), ``concat`` (between writing the output
and its side files), ``cleanup`` (halfway through removing the work dir),
``wipe`` (halfway through removing a work dir of other settings) or ``none``.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

import polars as pl

from curation import commands, shards
from curation.config import FilterConfig, RunConfig

VARIANTS = {"a": FilterConfig(), "b": FilterConfig(keep_unsolved=True)}


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _arm(phase: str, n: int) -> None:
    count = {"n": 0}

    def hit() -> bool:
        count["n"] += 1
        return count["n"] == n

    if phase == "shard":
        original = pl.DataFrame.write_parquet

        def write_parquet(self: pl.DataFrame, file: Any, *a: Any, **k: Any) -> Any:
            out = original(self, file, *a, **k)
            if hit():
                _die()
            return out

        pl.DataFrame.write_parquet = write_parquet  # type: ignore[method-assign]
    elif phase == "concat":
        write_table = shards.write_table

        def write_then_die(df: pl.DataFrame, output: Any) -> Any:
            if hit():
                _die()
            return write_table(df, output)

        shards.write_table = write_then_die  # type: ignore[assignment]
    elif phase in ("cleanup", "wipe"):  # the kill lands inside shutil.rmtree
        rmtree = shutil.rmtree

        def half_rmtree(path: Any, *a: Any, **k: Any) -> None:
            files = sorted(Path(path).rglob("*")) if Path(path).is_dir() else []
            if ".shards" in str(path) and files and hit():
                # rmtree's order is the directory's: here every kept part goes first,
                # the worst case (markers and manifest outlive the parts they vouch for)
                # (cleanup), or the manifest first (wipe: old markers outlive it).
                doomed = ".kept.parquet" if phase == "cleanup" else "manifest.json"
                for f in files:
                    if f.name.endswith(doomed):
                        f.unlink()
                _die()
            rmtree(path, *a, **k)

        shutil.rmtree = half_rmtree  # type: ignore[assignment]


def main() -> None:
    source, output, variant, phase, n = sys.argv[1:6]
    if phase != "none":
        _arm(phase, int(n))
    keep = os.environ.get("KEEP_SHARDS") == "1"
    commands.filter_pass_rate(
        source, output, VARIANTS[variant], run=RunConfig(shard_size=40, keep_shards=keep)
    )


if __name__ == "__main__":
    main()
