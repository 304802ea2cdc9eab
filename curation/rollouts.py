"""N samples per prompt: render the template, call the backend, keep the text.

A pure map over a shard. Each prompt's seed is the run seed plus a hash of its
id, not of its position, so a resumed run or a reshuffled input regenerates
the same samples for the same prompt.
"""

from __future__ import annotations

import zlib

import polars as pl

from curation.backends.base import Backend, GenerationError
from curation.config import GenerationConfig
from curation.schema import QUARANTINE_REASON, StepResult
from curation.templates import render


def prompt_seed(base: int, row_id: object) -> int:
    """A stable per-prompt seed (crc32 is the same in every process, unlike ``hash``)."""
    return (base + zlib.crc32(str(row_id).encode())) % (2**31 - 1)


def generate_frame(df: pl.DataFrame, cfg: GenerationConfig, backend: Backend) -> StepResult:
    """Add a ``responses`` list column; prompts the backend could not serve are quarantined."""
    if df.is_empty():
        return StepResult.keep_all(
            df.with_columns(pl.lit(None, pl.List(pl.Utf8)).alias("responses"))
        )
    rendered = [render(p, cfg.template) for p in df["prompt"].to_list()]
    seeds = [prompt_seed(cfg.seed, i) for i in df["id"].to_list()]
    samples = backend.generate(rendered, seeds)
    failed = [isinstance(s, GenerationError) for s in samples]
    responses = [None if isinstance(s, GenerationError) else list(s) for s in samples]
    reasons = [s.reason if isinstance(s, GenerationError) else None for s in samples]
    df = df.drop("responses", strict=False).with_columns(
        pl.Series("responses", responses, dtype=pl.List(pl.Utf8)),
        pl.Series(QUARANTINE_REASON, reasons, dtype=pl.Utf8),
    )
    mask = pl.Series(failed)
    return StepResult(
        kept=df.filter(~mask).drop(QUARANTINE_REASON),
        dropped=df.clear().drop(QUARANTINE_REASON),
        quarantined=df.filter(mask).drop("responses"),
    )
