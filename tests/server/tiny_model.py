"""The trainer-adapter tests' tiny model, built by ``tests.helpers.tiny_model`` (no downloads)."""

from __future__ import annotations

from typing import Any

from tests.helpers.tiny_model import tiny_qwen2, train_tokenizer

_CORPUS = ["<think>6 times 7</think> 42", "What is 6 times 7?", "Add 1 and 2. \\boxed{3}"] * 20


def tiny_model_and_tokenizer() -> tuple[Any, Any]:
    """A random 1-layer Qwen2 (two 32-wide heads) and a byte-level BPE tokenizer trained here."""
    tokenizer = train_tokenizer(_CORPUS, vocab_size=300)
    model = tiny_qwen2(
        tokenizer, layers=1, heads=2, kv_heads=1, intermediate_size=128, max_positions=256
    )
    return model, tokenizer
