"""Duplicates within one prompt set: exact (after normalisation) and near (MinHash).

The first occurrence is kept; each later copy is dropped with the id of the
row it duplicates. A near duplicate is judged against the earlier rows that
were kept, so the decision is sequential; what is expensive (the MinHash
signatures and the Jaccard of candidate pairs) is not. The work is therefore
three stages, and only the middle one differs between engines:

1. ``sketch`` every row: its exact key and its MinHash band keys;
2. find *candidate pairs* (rows sharing a band, the LSH rule of datasketch's
   ``MinHashLSH`` with the same bands and rows) with their Jaccard: in this
   process (``local_candidates``) or as a Ray shuffle by band key
   (``curation.engines.ray_whole``);
3. ``resolve`` in row order over the keys and the candidate pairs only.

Both engines give the same decisions, row for row.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl

from curation.decontaminate import DecontaminationConfig
from curation.schema import StepResult, split_by_rule, split_valid
from verifiers.analysis.textsim import NUM_PERM, minhash, words
from verifiers.format import prompt_text

Found = tuple[str, str] | None
# (ids, texts, config) -> per row, its duplicate finding: local or on a Ray cluster
Finder = Callable[[list[str], list[str], DecontaminationConfig], list[Found]]
Neighbours = dict[int, list[tuple[float, int]]]
"""Row -> (Jaccard, earlier row) for every earlier row sharing a MinHash band."""


@dataclass(frozen=True)
class Sketch:
    """What dedup needs of one row: its exact key and, for MinHash, its signature."""

    key: bytes  # digest of the normalised words: equal digests = exact duplicates
    signature: np.ndarray | None  # MinHash hash values; None with MinHash off or no words


@lru_cache(maxsize=8)
def lsh_shape(threshold: float) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's ``MinHashLSH`` picks for ``threshold``."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def sketch(text: str, cfg: DecontaminationConfig) -> Sketch:
    tokens = words(text)
    key = hashlib.blake2b(" ".join(tokens).encode(), digest_size=16).digest()
    signature = minhash(tokens).hashvalues if cfg.minhash and tokens else None
    return Sketch(key, signature)


def band_keys(signature: np.ndarray, threshold: float) -> list[bytes]:
    """One key per LSH band: two rows are candidates when any band key is equal."""
    bands, rows = lsh_shape(threshold)
    return [
        band.to_bytes(2, "big") + signature[band * rows : (band + 1) * rows].tobytes()
        for band in range(bands)
    ]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash's Jaccard estimate (as datasketch computes it)."""
    return float(np.count_nonzero(a == b)) / float(len(a))


def first_occurrences(sketches: list[Sketch]) -> list[bool]:
    """Whether each row is the first with its exact key (only those can be near-duplicate
    targets or be judged near duplicates)."""
    seen: set[bytes] = set()
    first = []
    for s in sketches:
        first.append(s.key not in seen)
        seen.add(s.key)
    return first


def pairs_in_bucket(rows: Iterable[int], signatures: dict[int, np.ndarray]) -> Neighbours:
    """Every (later, earlier) pair of one band bucket with its Jaccard."""
    members = sorted(set(rows))
    out: Neighbours = defaultdict(list)
    for at, later in enumerate(members):
        for earlier in members[:at]:
            out[later].append((jaccard(signatures[later], signatures[earlier]), earlier))
    return out


def local_candidates(sketches: list[Sketch], cfg: DecontaminationConfig) -> Neighbours:
    """Candidate pairs found in this process: bucket rows by band key."""
    buckets: dict[bytes, list[int]] = defaultdict(list)
    signatures: dict[int, np.ndarray] = {}
    for row, (s, first) in enumerate(zip(sketches, first_occurrences(sketches), strict=True)):
        if first and s.signature is not None:
            signatures[row] = s.signature
            for key in band_keys(s.signature, cfg.threshold):
                buckets[key].append(row)
    neighbours: Neighbours = defaultdict(list)
    for rows in buckets.values():
        if len(rows) > 1:
            for later, found in pairs_in_bucket(rows, signatures).items():
                neighbours[later].extend(found)
    return neighbours


def resolve(
    ids: list[str],
    keys: list[bytes],
    has_signature: list[bool],
    neighbours: Neighbours,
    threshold: float,
) -> list[Found]:
    """Row-ordered decisions from exact keys and candidate pairs (see module docstring)."""
    seen: dict[bytes, str] = {}
    kept_row_of_id: dict[str, int] = {}
    out: list[Found] = []
    for row, (row_id, key) in enumerate(zip(ids, keys, strict=True)):
        if key in seen:
            out.append(("exact_duplicate", f"same normalised prompt as id {seen[key]}"))
            continue
        seen[key] = row_id
        if not has_signature[row]:
            out.append(None)
            continue
        scored = {
            (score, ids[earlier])
            for score, earlier in neighbours.get(row, ())
            if kept_row_of_id.get(ids[earlier]) == earlier
        }
        best = max(scored, default=None)
        if best and best[0] >= threshold:
            out.append(("near_duplicate", f"MinHash Jaccard {best[0]:.2f} with id {best[1]}"))
            continue
        kept_row_of_id.setdefault(row_id, row)
        out.append(None)
    return out


def find_duplicates(ids: list[str], texts: list[str], cfg: DecontaminationConfig) -> list[Found]:
    """Per row, (rule, reason) if it repeats an earlier row, else None."""
    sketches = [sketch(t, cfg) for t in texts]
    return resolve(
        ids,
        [s.key for s in sketches],
        [s.signature is not None for s in sketches],
        local_candidates(sketches, cfg),
        cfg.threshold,
    )


@dataclass
class DedupStep:
    """``curate dedup``."""

    cfg: DecontaminationConfig
    name: str = "dedup"

    def fingerprint(self) -> str:
        return self.cfg.fingerprint()

    def __call__(self, shard: pl.DataFrame) -> StepResult:
        return self._split(shard, find_duplicates)

    def on_ray(self, shard: pl.DataFrame) -> StepResult:
        """The same decisions, with sketches and candidate pairs computed by a Ray cluster."""
        from curation.engines.ray_whole import find_duplicates_on_ray

        return self._split(shard, find_duplicates_on_ray)

    def _split(self, shard: pl.DataFrame, finder: Finder) -> StepResult:
        good, bad = split_valid(shard, need_answer=False)
        ids = [str(i) for i in good["id"].to_list()]
        texts = [prompt_text(p) for p in good["prompt"].to_list()]
        return split_by_rule(good, finder(ids, texts, self.cfg), bad)
