"""Duplicates within one prompt set: exact (after normalisation) and near (MinHash).

The first occurrence is kept; each later copy is dropped with the id of the
row it duplicates. Unlike the other steps this needs the whole set at once,
so it runs as a single shard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from curation.decontaminate import DecontaminationConfig
from curation.schema import StepResult, split_by_rule, split_valid
from curation.textsim import minhash, words
from verifiers.format import prompt_text


def find_duplicates(
    ids: list[str], texts: list[str], cfg: DecontaminationConfig
) -> list[tuple[str, str] | None]:
    """Per row, (rule, reason) if it repeats an earlier row, else None."""
    seen: dict[str, str] = {}
    lsh = None
    if cfg.minhash:
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=cfg.threshold, num_perm=128)
    hashes: dict[str, Any] = {}
    out: list[tuple[str, str] | None] = []
    for row_id, text in zip(ids, texts, strict=True):
        tokens = words(text)
        key = " ".join(tokens)
        if key in seen:
            out.append(("exact_duplicate", f"same normalised prompt as id {seen[key]}"))
            continue
        seen[key] = row_id
        if lsh is None or not tokens:
            out.append(None)
            continue
        mh = minhash(tokens)
        scored = [(mh.jaccard(hashes[k]), k) for k in lsh.query(mh)]
        best = max(scored, default=None)
        if best and best[0] >= cfg.threshold:
            out.append(("near_duplicate", f"MinHash Jaccard {best[0]:.2f} with id {best[1]}"))
            continue
        key_id = f"{row_id}"
        if key_id not in hashes:
            hashes[key_id] = mh
            lsh.insert(key_id, mh)
        out.append(None)
    return out


@dataclass
class DedupStep:
    """``curate dedup``."""

    cfg: DecontaminationConfig
    name: str = "dedup"

    def fingerprint(self) -> str:
        return self.cfg.fingerprint()

    def __call__(self, shard: pl.DataFrame) -> StepResult:
        good, bad = split_valid(shard, need_answer=False)
        ids = [str(i) for i in good["id"].to_list()]
        found = find_duplicates(ids, [prompt_text(p) for p in good["prompt"].to_list()], self.cfg)
        return split_by_rule(good, found, bad)
