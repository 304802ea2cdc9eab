"""Hugging Face ``transformers`` backend: ``model.generate`` one prompt at a time.

The slow but universal engine: any causal LM on CPU or GPU, no server. Each
prompt is generated with its own seed (``torch.manual_seed``) so a resumed run
regenerates a shard exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from curation.backends.base import GenerationError, Samples
from curation.config import GenerationConfig
from curation.templates import Rendered


class TransformersBackend:
    """``n`` samples per prompt with ``num_return_sequences``."""

    def __init__(self, cfg: GenerationConfig) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.cfg = cfg
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(cfg.model)
        dtype: Any = "auto" if cfg.dtype == "auto" else getattr(torch, cfg.dtype)
        self.model = AutoModelForCausalLM.from_pretrained(cfg.model, dtype=dtype)
        self.model.eval()

    def _encode(self, prompt: Rendered) -> Any:
        if isinstance(prompt, list):
            text = self.tokenizer.apply_chat_template(
                prompt, tokenize=False, add_generation_prompt=True
            )
        else:
            text = prompt
        return self.tokenizer(text, return_tensors="pt").to(self.model.device)

    def _one(self, prompt: Rendered, seed: int) -> list[str]:
        cfg, torch = self.cfg, self.torch
        inputs = self._encode(prompt)
        torch.manual_seed(seed)
        sample = cfg.temperature > 0
        extra: dict[str, Any] = (
            {"temperature": cfg.temperature, "top_p": cfg.top_p} if sample else {}
        )
        if cfg.ignore_eos:
            extra["min_new_tokens"] = cfg.max_tokens
        pad = self.tokenizer.pad_token_id
        with torch.no_grad():
            out = self.model.generate(
                **inputs,
                do_sample=sample,
                max_new_tokens=cfg.max_tokens,
                num_return_sequences=cfg.n,
                pad_token_id=pad if pad is not None else self.tokenizer.eos_token_id,
                **extra,
            )
        new = out[:, inputs["input_ids"].shape[1] :]
        return self.tokenizer.batch_decode(new, skip_special_tokens=True)

    def generate(self, prompts: Sequence[Rendered], seeds: Sequence[int]) -> list[Samples]:
        results: list[Samples] = []
        for prompt, seed in zip(prompts, seeds, strict=True):
            try:
                results.append(self._one(prompt, seed))
            except (
                RuntimeError,
                ValueError,
                IndexError,
            ) as exc:  # e.g. prompt longer than the context
                results.append(
                    GenerationError(
                        f"transformers generate failed: {type(exc).__name__}: {exc}"[:500]
                    )
                )
        return results

    def close(self) -> None:
        self.model = None  # type: ignore[assignment]  # released: generate() is not called again
