"""The whole-table steps (dedup, curriculum) on Ray: the heavy work as Ray shuffles and
sorts, the driver left with per-row metadata only.

- dedup: every row's MinHash sketch is computed by Ray tasks; candidate pairs come
  from a Ray ``groupby`` on the LSH band keys (a shuffle), each bucket's pairs and
  their Jaccard computed where the bucket lands. The driver receives only 16-byte
  exact keys and (row, earlier row, Jaccard) triples and applies the same
  ``curation.dedup.resolve`` as the local engine, so the decisions are identical.
- curriculum: the ordering is Ray's distributed ``sort`` on (difficulty, id); the
  per-row columns come from the same ``curation.curriculum`` function applied to
  each block, and the sampling probabilities use a Ray sum over the kept rows.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from curation.curriculum import (
    CurriculumConfig,
    annotate,
    balance,
    no_pass_rate,
    total_weight,
    with_probabilities,
)
from curation.decontaminate import DecontaminationConfig
from curation.dedup import Found, Neighbours, band_keys, pairs_in_bucket, resolve, sketch
from curation.engines.ray_data import connect
from curation.schema import DROP_REASON, DROP_RULE, QUARANTINE_REASON, StepResult

_ROW, _TEXT, _KEY, _SIG, _BAND = "row", "text", "key", "signature", "band"


_HAS = "has_signature"


def _sketch_block(batch: pa.Table, cfg: DecontaminationConfig) -> pa.Table:
    sketches = [sketch(t, cfg) for t in batch.column(_TEXT).to_pylist()]
    return pa.table(
        {
            _ROW: batch.column(_ROW),
            _KEY: [s.key for s in sketches],
            _HAS: [s.signature is not None for s in sketches],
            _SIG: [None if s.signature is None else s.signature.tolist() for s in sketches],
        },
        schema=pa.schema(
            [
                (_ROW, pa.int64()),
                (_KEY, pa.binary()),
                (_HAS, pa.bool_()),
                (_SIG, pa.list_(pa.uint64())),
            ]
        ),
    )


def _explode_bands(batch: pa.Table, threshold: float, first: frozenset[int]) -> pa.Table:
    """One row per (row, band key), for rows that can take part in near-duplicate pairs."""
    rows, bands, sigs = [], [], []
    for row, sig in zip(
        batch.column(_ROW).to_pylist(), batch.column(_SIG).to_pylist(), strict=True
    ):
        if row not in first:
            continue
        for key in band_keys(np.asarray(sig, dtype=np.uint64), threshold):
            rows.append(row)
            bands.append(key)
            sigs.append(sig)
    return pa.table(
        {_ROW: rows, _BAND: bands, _SIG: sigs},
        schema=pa.schema([(_ROW, pa.int64()), (_BAND, pa.binary()), (_SIG, pa.list_(pa.uint64()))]),
    )


def _bucket_pairs(bucket: pa.Table) -> pa.Table:
    """All (later, earlier, Jaccard) pairs of one band bucket."""
    signatures = {
        row: np.asarray(sig, dtype=np.uint64)
        for row, sig in zip(
            bucket.column(_ROW).to_pylist(), bucket.column(_SIG).to_pylist(), strict=True
        )
    }
    later, earlier, score = [], [], []
    for row, found in pairs_in_bucket(signatures, signatures).items():
        for value, other in found:
            later.append(row)
            earlier.append(other)
            score.append(value)
    return pa.table(
        {"later": later, "earlier": earlier, "jaccard": score},
        schema=pa.schema(
            [("later", pa.int64()), ("earlier", pa.int64()), ("jaccard", pa.float64())]
        ),
    )


def _collect(ray: Any, dataset: Any, columns: list[str]) -> pl.DataFrame:
    tables = ray.get(dataset.select_columns(columns).to_arrow_refs())
    frame = pl.from_arrow(pa.concat_tables(tables)) if tables else pl.DataFrame()
    assert isinstance(frame, pl.DataFrame)
    return frame


def find_duplicates_on_ray(
    ids: list[str], texts: list[str], cfg: DecontaminationConfig
) -> list[Found]:
    """``curation.dedup.find_duplicates`` with sketches and candidates computed on Ray."""
    if not ids:
        return []
    ray = connect(None)
    table = pa.table({_ROW: pa.array(range(len(texts)), pa.int64()), _TEXT: texts})
    sketches = (
        ray.data.from_arrow(table)
        .map_batches(_sketch_block, batch_format="pyarrow", fn_kwargs={"cfg": cfg})
        .materialize()
    )
    meta = _collect(ray, sketches, [_ROW, _KEY, _HAS]).sort(_ROW)
    keys: list[bytes] = meta[_KEY].to_list()
    has_signature: list[bool] = meta[_HAS].to_list()
    seen: set[bytes] = set()
    first: set[int] = set()
    for row, key in enumerate(keys):
        if key not in seen and has_signature[row]:
            first.add(row)
        seen.add(key)
    neighbours: Neighbours = defaultdict(list)
    if first:
        pairs = (
            sketches.map_batches(
                _explode_bands,
                batch_format="pyarrow",
                fn_kwargs={"threshold": cfg.threshold, "first": frozenset(first)},
            )
            .groupby(_BAND)
            .map_groups(_bucket_pairs, batch_format="pyarrow")
        )
        for batch in pairs.iter_batches(batch_format="pyarrow"):
            for later, earlier, score in zip(
                batch.column("later").to_pylist(),
                batch.column("earlier").to_pylist(),
                batch.column("jaccard").to_pylist(),
                strict=True,
            ):
                neighbours[later].append((score, earlier))
    return resolve(ids, keys, has_signature, neighbours, cfg.threshold)


_PART, _SOURCE, _ID = "__rlvr_part", "__rlvr_source", "__rlvr_id"


def _annotate_block(batch: pa.Table, cfg: CurriculumConfig) -> pa.Table:
    frame = pl.from_arrow(batch)
    assert isinstance(frame, pl.DataFrame)
    good, bad = annotate(frame, cfg)
    good = good.with_columns(pl.lit("good").alias(_PART))
    bad = bad.with_columns(pl.lit("bad").alias(_PART))
    both = pl.concat([good, bad], how="diagonal_relaxed").with_columns(
        pl.col("id").cast(pl.Utf8).alias(_ID),
        (pl.col("source").cast(pl.Utf8) if "source" in frame.columns else pl.lit(None))
        .cast(pl.Utf8)
        .fill_null("")
        .alias(_SOURCE),
    )
    return both.to_arrow()


def _balance_group(group: pa.Table, cap: int) -> pa.Table:
    frame = pl.from_arrow(group)
    assert isinstance(frame, pl.DataFrame)
    kept, over = balance(frame, cap)
    return pl.concat(
        [kept, over.with_columns(pl.lit("over").alias(_PART))], how="diagonal_relaxed"
    ).to_arrow()


def _gather(dataset: Any, columns: list[str]) -> pl.DataFrame:
    """``columns`` of the dataset's rows, in its order (sorted datasets iterate sorted).

    The blocks carry the union of the good and quarantined rows' columns; each part
    keeps only the columns the local engine gives it."""
    blocks = [pl.from_arrow(b) for b in dataset.iter_batches(batch_format="pyarrow")]
    frames = [f for f in blocks if isinstance(f, pl.DataFrame) and f.height]
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames, how="diagonal_relaxed").select(columns)


def curriculum_on_ray(df: pl.DataFrame, cfg: CurriculumConfig) -> StepResult:
    """``curation.curriculum.curriculum`` with the per-source balance as a Ray ``groupby``
    and the easy-to-hard order as a Ray ``sort``."""
    if "pass_rate" not in df.columns:
        return no_pass_rate(df)
    ray = connect(None)
    rows = (
        ray.data.from_arrow(df.to_arrow())
        .map_batches(_annotate_block, batch_format="pyarrow", fn_kwargs={"cfg": cfg})
        .materialize()
    )
    added = ["difficulty", "difficulty_bin", "sampling_weight"]
    bad = _gather(rows.filter(expr=f"{_PART} == 'bad'"), [*df.columns, QUARANTINE_REASON])
    good = rows.filter(expr=f"{_PART} == 'good'")
    if cfg.max_per_source is not None and "source" in df.columns:
        good = (
            good.groupby(_SOURCE)
            .map_groups(
                _balance_group, batch_format="pyarrow", fn_kwargs={"cap": cfg.max_per_source}
            )
            .materialize()
        )
    over = good.filter(expr=f"{_PART} == 'over'")
    kept = good.filter(expr=f"{_PART} == 'good'")
    if cfg.order:
        over, kept = over.sort(["difficulty", _ID]), kept.sort(["difficulty", _ID])
    kept_frame = _gather(kept, [*df.columns, *added])
    over_frame = _gather(over, [*df.columns, *added, DROP_RULE, DROP_REASON])
    if over_frame.height:
        over_frame = over_frame.with_columns(
            pl.col(DROP_RULE).cast(pl.Utf8), pl.col(DROP_REASON).cast(pl.Utf8)
        )
    return StepResult(
        with_probabilities(kept_frame, total_weight(kept_frame))
        if kept_frame.height
        else df.clear(),
        over_frame if over_frame.height else df.clear(),
        bad,
    )
