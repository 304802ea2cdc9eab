"""Remove prompts too close to evaluation sets (Qwen3 decontaminates its RL data).

The tests themselves (word n-gram overlap and MinHash near-duplicates, each
with a reason naming the benchmark row) are ``verifiers.analysis.contamination``,
shared with ``rm-train data``; this module reads the benchmark files with
curation's reader and runs the index as a step over shards.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curation.config import _Frozen
from curation.io import read_table
from curation.schema import StepResult, split_by_rule, split_valid
from verifiers.analysis.contamination import (
    BenchmarkIndex,
    ContaminationConfig,
    benchmark_prompts,
)
from verifiers.format import prompt_text


class DecontaminationConfig(ContaminationConfig, _Frozen):
    """How close is too close: the shared contamination settings, fingerprinted as a step."""


def load_benchmarks(paths: list[str], cfg: ContaminationConfig) -> list[tuple[str, str]]:
    """(``file:row``, prompt text) of every benchmark row."""
    out: list[tuple[str, str]] = []
    for path in paths:
        df, _ = read_table(path)
        out.extend(
            benchmark_prompts(
                path, dict(zip(df.columns, df.iter_columns(), strict=True)), cfg.against_column
            )
        )
    return out


@dataclass
class DecontaminateStep:
    """``curate decontaminate --against a.jsonl --against b.parquet``."""

    cfg: DecontaminationConfig
    against: tuple[str, ...]
    index: BenchmarkIndex
    name: str = "decontaminate"

    @classmethod
    def build(cls, cfg: DecontaminationConfig, against: list[str]) -> DecontaminateStep:
        """Read the benchmark files and index their prompts (once, before any shard)."""
        index = BenchmarkIndex.build(load_benchmarks(against, cfg), cfg)
        return cls(cfg, tuple(str(a) for a in against), index)

    def fingerprint(self) -> str:
        return f"{self.cfg.fingerprint()}-{sorted(self.against)}-{len(self.index.grams)}"

    def __call__(self, shard: pl.DataFrame) -> StepResult:
        good, bad = split_valid(shard, need_answer=False)
        found = [self.index.match(prompt_text(p)) for p in good["prompt"].to_list()]
        return split_by_rule(good, found, bad)
