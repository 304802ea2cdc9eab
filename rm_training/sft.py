"""SFT of a causal LM into a generative judge: prompt -> check -> ``Verdict: Yes|No``.

Kimi k1.5's CoT reward model is exactly this objective. The loss is on the
check and the verdict only (the prompt is masked), so capacity goes to
judging rather than to reproducing questions. We tokenise with the model's
chat template and train with transformers' ``Trainer`` rather than TRL's
``SFTTrainer``: the masking stays explicit and identical to what the serving
side scores, and the trainer's arguments do not move between TRL releases.
LoRA (peft) is optional; adapters are merged on save so serving loads one model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from rm_training.config import SFTJudgeConfig
from rm_training.trainer import FINAL, run, seed_everything, training_arguments
from verifiers.model_judge.local import render_prompt
from verifiers.model_judge.prompt import judge_messages

IGNORE = -100


def encode(tokenizer: Any, row: dict[str, Any], cfg: SFTJudgeConfig) -> dict[str, list[int]]:
    """Token ids and labels of one example; the prompt is cut from the left when too long."""
    prompt = render_prompt(
        tokenizer, judge_messages(row["question"], row["reference"], row["response"])
    )
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    target_ids = tokenizer(row["check"] + tokenizer.eos_token, add_special_tokens=False)[
        "input_ids"
    ]
    target_ids = target_ids[: cfg.max_length // 2]
    prompt_ids = prompt_ids[-(cfg.max_length - len(target_ids)) :]
    labels = ([IGNORE] * len(prompt_ids) if cfg.completion_only else list(prompt_ids)) + target_ids
    return {"input_ids": prompt_ids + target_ids, "labels": labels}


class PadCollator:
    """Right-pads ids with the pad token, labels with -100, and builds the attention mask."""

    def __init__(self, pad_id: int) -> None:
        self.pad_id = pad_id

    def __call__(self, features: list[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        width = max(len(f["input_ids"]) for f in features)
        ids, labels, mask = [], [], []
        for f in features:
            gap = width - len(f["input_ids"])
            ids.append(f["input_ids"] + [self.pad_id] * gap)
            labels.append(f["labels"] + [IGNORE] * gap)
            mask.append([1] * len(f["input_ids"]) + [0] * gap)
        return {
            "input_ids": torch.tensor(ids),
            "labels": torch.tensor(labels),
            "attention_mask": torch.tensor(mask),
        }


def _with_lora(model: Any, cfg: SFTJudgeConfig) -> Any:
    if cfg.lora is None:
        return model
    try:
        from peft import LoraConfig, get_peft_model
    except ImportError as exc:  # a configuration the environment cannot honour
        raise RuntimeError("lora is set but peft is not installed: pip install peft") from exc
    lora = LoraConfig(
        r=cfg.lora.r,
        lora_alpha=cfg.lora.alpha,
        lora_dropout=cfg.lora.dropout,
        target_modules=cfg.lora.target_modules,
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)


def train_sft(dataset: str | Path, cfg: SFTJudgeConfig) -> dict[str, Any]:
    """Train the generative judge on ``dataset``'s train split into output_dir/model."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer

    from datasets import Dataset
    from rm_training.data import load_split

    seed_everything(cfg.seed)
    tokenizer = AutoTokenizer.from_pretrained(cfg.model)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    frame = load_split(dataset, "train")
    if cfg.limit:
        frame = frame.head(cfg.limit)
    rows = [encode(tokenizer, r, cfg) for r in frame.to_dicts()]
    train = Dataset.from_list(rows)
    model = AutoModelForCausalLM.from_pretrained(cfg.model, dtype=torch.float32)
    model = _with_lora(model, cfg)
    trainer = Trainer(
        model=model,
        args=training_arguments(cfg),
        train_dataset=train,
        data_collator=PadCollator(tokenizer.pad_token_id),
        processing_class=tokenizer,
    )
    metrics = run(trainer, cfg)
    final = Path(cfg.output_dir) / FINAL
    trained = model  # trained in place: the object ``trainer.model`` (typed a bare Module) holds
    if cfg.lora is not None and cfg.lora.merge:
        trained = trained.merge_and_unload()
    trained.save_pretrained(final)
    tokenizer.save_pretrained(final)
    summary = {"kind": "sft", "train_rows": len(rows), **metrics, "config": cfg.model_dump()}
    (final / "rm_train.json").write_text(
        json.dumps(summary, indent=2, default=str), encoding="utf-8"
    )
    return summary


def train_frame_rows(frame: pl.DataFrame) -> int:
    return frame.height
