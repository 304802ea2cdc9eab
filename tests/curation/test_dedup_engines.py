"""Dedup's decisions are the same as datasketch's incremental MinHashLSH (the original
algorithm, kept here as the oracle), and the same on the Ray engine."""

from __future__ import annotations

import random

import pytest

from curation.decontaminate import DecontaminationConfig
from curation.dedup import find_duplicates
from verifiers.analysis.textsim import minhash, words

BASE = [
    "Find the number of positive integers n less than 1000 such that n squared ends in 21.",
    "A rectangle has perimeter 40 and area 96. What is the length of its diagonal?",
    "How many ways can 5 distinct books be arranged on a shelf if two must be adjacent?",
    "Compute the sum of all real roots of x^4 - 5x^2 + 4 = 0.",
    "求所有满足条件的正整数 n，使得 n 的平方加 1 能被 n 加 1 整除。",
]


def _corpus(seed: int, size: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for i in range(size):
        text = rng.choice(BASE)
        roll = rng.random()
        if roll < 0.3:
            text = text.replace("1000", str(rng.randint(100, 9999)))  # near copies
        elif roll < 0.5:
            text = text + f" Give your answer as an integer {i}."
        elif roll < 0.6:
            text = text.upper()  # exact after normalisation
        elif roll < 0.75:
            text = " ".join(rng.sample(text.split(), len(text.split())))  # unrelated shuffle
        texts.append(text)
    return [*texts, "", "   "]


def _oracle(ids: list[str], texts: list[str], cfg: DecontaminationConfig) -> list[object]:
    from datasketch import MinHashLSH

    seen: dict[str, str] = {}
    lsh = MinHashLSH(threshold=cfg.threshold, num_perm=128)
    hashes = {}
    out: list[object] = []
    for row_id, text in zip(ids, texts, strict=True):
        tokens = words(text)
        key = " ".join(tokens)
        if key in seen:
            out.append(("exact_duplicate", f"same normalised prompt as id {seen[key]}"))
            continue
        seen[key] = row_id
        if not tokens:
            out.append(None)
            continue
        mh = minhash(tokens)
        best = max(((mh.jaccard(hashes[k]), k) for k in lsh.query(mh)), default=None)
        if best and best[0] >= cfg.threshold:
            out.append(("near_duplicate", f"MinHash Jaccard {best[0]:.2f} with id {best[1]}"))
            continue
        if row_id not in hashes:
            hashes[row_id] = mh
            lsh.insert(row_id, mh)
        out.append(None)
    return out


@pytest.mark.parametrize("threshold", [0.5, 0.8])
def test_banded_candidates_decide_like_incremental_lsh(threshold: float) -> None:
    texts = _corpus(seed=int(threshold * 10), size=160)
    ids = [f"q{i}" for i in range(len(texts))]
    cfg = DecontaminationConfig(threshold=threshold)
    found = find_duplicates(ids, texts, cfg)
    assert found == _oracle(ids, texts, cfg)
    rules = {f[0] for f in found if f}
    assert rules == {"exact_duplicate", "near_duplicate"}


@pytest.mark.ray
@pytest.mark.slow
def test_dedup_on_ray_decides_like_local() -> None:
    from curation.engines.ray_whole import find_duplicates_on_ray

    texts = _corpus(seed=3, size=120)
    ids = [f"q{i}" for i in range(len(texts))]
    cfg = DecontaminationConfig(threshold=0.6)
    assert find_duplicates_on_ray(ids, texts, cfg) == find_duplicates(ids, texts, cfg)
