"""Text similarity primitives shared by contamination checks and dedup.

Words are lowercase alphanumeric runs after NFKC; each CJK character is its
own word, so n-gram overlap works for Chinese as well as English. MinHash
signatures (datasketch) are over word 3-gram shingles, which catch a reworded
or renumbered copy that exact n-grams miss.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W_]+")
NUM_PERM = 128
SHINGLE = 3


def words(text: str) -> list[str]:
    """Normalised words of ``text`` (see module docstring)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def ngram_sequence(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    """Word n-grams in text order (so reports name the first overlap, whatever the hash seed);
    a text shorter than n words is one gram (so short prompts still match)."""
    if len(tokens) < n:
        return [tuple(tokens)] if tokens else []
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    """The set of ``ngram_sequence``."""
    return set(ngram_sequence(tokens, n))


def minhash(tokens: list[str], num_perm: int = NUM_PERM) -> Any:
    """A MinHash of the word-shingle set, seeded identically everywhere (comparable across runs)."""
    from datasketch import LeanMinHash, MinHash  # imports scipy: only when used

    shingles = ngrams(tokens, SHINGLE)
    mh = MinHash(num_perm=num_perm, seed=1)
    mh.update_batch([" ".join(s).encode() for s in shingles] or [b""])
    return LeanMinHash(mh)
