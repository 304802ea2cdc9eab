"""Remove prompts too close to evaluation sets (Qwen3 decontaminates its RL data).

Two tests, each with a reason that names the benchmark row it matched:
- ``ngram_overlap``: the prompt shares a word n-gram (8 by default, the
  common choice in open decontamination scripts) with a benchmark prompt;
- ``near_duplicate``: the MinHash estimate of word-shingle Jaccard similarity
  with a benchmark prompt is at least ``threshold`` (LSH finds candidates,
  then the estimate is checked, so the reason shows the similarity).
The benchmark index is built once; checking a shard is a pure map.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import Field

from curation.config import _Frozen
from curation.io import read_table
from curation.schema import StepResult, split_by_rule, split_valid
from curation.textsim import minhash, ngram_sequence, ngrams, words
from verifiers.format import prompt_text

PROMPT_GUESSES = ("prompt", "problem", "question", "input", "query")


class DecontaminationConfig(_Frozen):
    """How close is too close."""

    ngram: int = Field(8, ge=1, description="word n-gram length for overlap")
    threshold: float = Field(0.8, gt=0.0, le=1.0, description="MinHash Jaccard threshold")
    minhash: bool = Field(True, description="also run the MinHash near-duplicate test")
    against_column: str | None = Field(None, description="prompt column of benchmark files")


@dataclass
class BenchmarkIndex:
    """N-grams and MinHash LSH of the benchmark prompts."""

    cfg: DecontaminationConfig
    grams: dict[tuple[str, ...], str] = field(default_factory=dict)
    lsh: Any = None
    hashes: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(
        cls, named_texts: list[tuple[str, str]], cfg: DecontaminationConfig
    ) -> BenchmarkIndex:
        index = cls(cfg)
        if cfg.minhash:
            from datasketch import MinHashLSH

            index.lsh = MinHashLSH(threshold=cfg.threshold, num_perm=128)
        for name, text in named_texts:
            tokens = words(text)
            for gram in ngrams(tokens, cfg.ngram):
                index.grams.setdefault(gram, name)
            if index.lsh is not None and tokens and name not in index.hashes:
                mh = minhash(tokens)
                index.hashes[name] = mh
                index.lsh.insert(name, mh)
        return index

    def match(self, text: str) -> tuple[str, str] | None:
        """(rule, reason) if ``text`` is contaminated, else None."""
        tokens = words(text)
        for gram in ngram_sequence(tokens, self.cfg.ngram):
            if gram in self.grams:
                return (
                    "ngram_overlap",
                    f"{len(gram)}-gram {' '.join(gram)[:80]!r} in {self.grams[gram]}",
                )
        if self.lsh is not None and tokens:
            mh = minhash(tokens)
            best = max(((mh.jaccard(self.hashes[k]), k) for k in self.lsh.query(mh)), default=None)
            if best and best[0] >= self.cfg.threshold:
                return "near_duplicate", f"MinHash Jaccard {best[0]:.2f} with {best[1]}"
        return None


def load_benchmarks(paths: list[str], cfg: DecontaminationConfig) -> list[tuple[str, str]]:
    """(``file:row``, prompt text) of every benchmark row."""
    out: list[tuple[str, str]] = []
    for path in paths:
        df, _ = read_table(path)
        column = cfg.against_column or next((c for c in PROMPT_GUESSES if c in df.columns), None)
        if column is None or column not in df.columns:
            raise ValueError(f"{path}: no prompt column among {df.columns}; set --against-column")
        name = Path(path).name
        out.extend((f"{name}:{i}", prompt_text(v)) for i, v in enumerate(df[column].to_list()))
    return out


@dataclass
class DecontaminateStep:
    """``curate decontaminate --against a.jsonl --against b.parquet``."""

    index: BenchmarkIndex
    against: tuple[str, ...]
    name: str = "decontaminate"

    def fingerprint(self) -> str:
        return f"{self.index.cfg.fingerprint()}-{sorted(self.against)}-{len(self.index.grams)}"

    def __call__(self, shard: pl.DataFrame) -> StepResult:
        good, bad = split_valid(shard, need_answer=False)
        found = [self.index.match(prompt_text(p)) for p in good["prompt"].to_list()]
        return split_by_rule(good, found, bad)
