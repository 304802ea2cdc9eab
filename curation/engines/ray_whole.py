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

from curation.decontaminate import DecontaminationConfig
from curation.dedup import Found, Neighbours, band_keys, pairs_in_bucket, resolve, sketch
from curation.engines.ray_data import connect

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
