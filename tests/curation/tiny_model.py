"""The curation tests' tiny model on disk (~2 MB), built by ``tests.helpers.tiny_model``.

Two layers of four 32-wide heads, a 1000-token vocabulary trained on a few
stdlib sources. Output is gibberish, which is what the tests want: real
generation, known-wrong answers.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from pathlib import Path

from tests.helpers.tiny_model import tiny_qwen2, train_tokenizer


def _corpus() -> Iterator[str]:
    for path in sorted(glob.glob(os.path.join(os.path.dirname(os.__file__), "*.py")))[:8]:
        with open(path, encoding="utf-8") as handle:
            yield from handle


def build_tiny_model(out: Path) -> Path:
    """Write tokenizer + model to ``out`` (idempotent) and return it."""
    if (out / "config.json").exists() and (out / "tokenizer.json").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = train_tokenizer(_corpus(), vocab_size=1000)
    tokenizer.save_pretrained(out)
    model = tiny_qwen2(
        tokenizer, layers=2, heads=4, kv_heads=2, intermediate_size=256, max_positions=512, seed=0
    )
    model.save_pretrained(out)
    return out
