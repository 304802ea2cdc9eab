"""A tiny random judge model whose tokenizer is trained on the judge dataset's own text.

Built with ``tests.helpers.tiny_model`` (the project's one builder): a
tokenizer trained on the prompts and checks keeps sequences short, so SFT and
generation run in seconds on CPU. The weights start random: what the tests
check is the plumbing and that training moves the loss, not judging skill.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tests.helpers.tiny_model import tiny_qwen2, train_tokenizer
from verifiers.model_judge.prompt import SYSTEM, user_message


def build_tiny_judge(dataset: Path, out: Path, *, vocab_size: int = 1200, seed: int = 0) -> Path:
    """Tokenizer + random Qwen2 (2 layers, 4x32 heads) in ``out``; idempotent."""
    if (out / "config.json").exists():
        return out
    frame = pl.read_parquet(dataset / "data" / "train.parquet")
    texts = [SYSTEM]
    for row in frame.iter_rows(named=True):
        texts += [user_message(row["question"], row["reference"], row["response"]), row["check"]]
    tokenizer = train_tokenizer(texts, vocab_size=vocab_size)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(out)
    model = tiny_qwen2(
        tokenizer,
        layers=2,
        heads=4,
        kv_heads=2,
        intermediate_size=256,
        max_positions=1024,
        seed=seed,
    )
    model.save_pretrained(out)
    return out
