"""Is a prompt too close to a benchmark's? An n-gram and MinHash index of benchmark prompts.

Qwen3 decontaminates its RL data against evaluation sets; the same check keeps
a reward model's train split away from its eval split. Two tests, each with a
reason that names the benchmark row it matched:
- ``ngram_overlap``: the prompt shares a word n-gram (8 by default, the
  common choice in open decontamination scripts) with a benchmark prompt;
- ``near_duplicate``: the MinHash estimate of word-shingle Jaccard similarity
  with a benchmark prompt is at least ``threshold`` (LSH finds candidates,
  then the estimate is checked, so the reason shows the similarity).
The index is built once; matching is a pure function of the text. Reading
benchmark files is the caller's business (curation and rm_training each read
their own formats); ``benchmark_prompts`` turns one read table into named texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from verifiers.analysis.textsim import NUM_PERM, minhash, ngram_sequence, ngrams, words
from verifiers.format import prompt_text

PROMPT_GUESSES = ("prompt", "problem", "question", "input", "query")


class ContaminationConfig(BaseModel):
    """How close is too close, and where a benchmark table keeps its prompts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ngram: int = Field(8, ge=1, description="word n-gram length for overlap")
    threshold: float = Field(0.8, gt=0.0, le=1.0, description="MinHash Jaccard threshold")
    minhash: bool = Field(True, description="also run the MinHash near-duplicate test")
    against_column: str | None = Field(None, description="prompt column of benchmark files")


@dataclass
class BenchmarkIndex:
    """N-grams and MinHash LSH of the benchmark prompts."""

    cfg: ContaminationConfig
    grams: dict[tuple[str, ...], str] = field(default_factory=dict)
    lsh: Any = None
    hashes: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(
        cls, named_texts: Iterable[tuple[str, str]], cfg: ContaminationConfig
    ) -> BenchmarkIndex:
        index = cls(cfg)
        if cfg.minhash:
            from datasketch import MinHashLSH  # imports scipy: only when used

            index.lsh = MinHashLSH(threshold=cfg.threshold, num_perm=NUM_PERM)
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


def benchmark_prompts(
    path: str | Path, columns: Mapping[str, Iterable[Any]], column: str | None = None
) -> list[tuple[str, str]]:
    """(``file:row``, prompt text) of every row of the benchmark table read from ``path``.

    ``columns`` maps column names to their values; the prompt column is
    ``column`` when given, else the first of ``PROMPT_GUESSES`` present.
    """
    name = column or next((c for c in PROMPT_GUESSES if c in columns), None)
    if name is None or name not in columns:
        raise ValueError(f"{path}: no prompt column among {list(columns)}; set --against-column")
    stem = Path(path).name
    return [(f"{stem}:{i}", prompt_text(v)) for i, v in enumerate(columns[name])]
