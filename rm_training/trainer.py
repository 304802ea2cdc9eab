"""The part both trainers share: TrainingArguments from a config, resume, save the final model.

transformers' ``Trainer`` gives the progress bars, checkpoints every
``save_steps`` (model, optimizer, scheduler and RNG states) and exact resume;
``seed`` fixes initialisation and data order. The final model is written to
``output_dir/model`` so checkpoints and the result never mix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rm_training.config import TrainConfig, use_bf16

FINAL = "model"


def training_arguments(cfg: TrainConfig) -> Any:
    import inspect

    import torch
    from transformers import TrainingArguments

    # transformers 5 folds warmup_ratio into warmup_steps (a float below 1 is a ratio).
    params = inspect.signature(TrainingArguments.__init__).parameters
    warmup: dict[str, Any] = (
        {"warmup_ratio": cfg.warmup_ratio}
        if "warmup_ratio" in params
        else {"warmup_steps": cfg.warmup_ratio}
    )
    return TrainingArguments(
        **warmup,
        output_dir=cfg.output_dir,
        seed=cfg.seed,
        data_seed=cfg.seed,
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        learning_rate=cfg.learning_rate,
        weight_decay=cfg.weight_decay,
        per_device_train_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        save_strategy="steps",
        save_steps=cfg.save_steps,
        save_total_limit=cfg.save_total_limit,
        logging_steps=cfg.logging_steps,
        bf16=use_bf16(cfg.precision),
        use_cpu=not torch.cuda.is_available(),
        report_to="none",
        disable_tqdm=not cfg.progress,
        remove_unused_columns=False,
        dataloader_num_workers=0,
    )


def last_checkpoint(output_dir: str) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    path = Path(output_dir)
    return get_last_checkpoint(str(path)) if path.is_dir() else None


def run(trainer: Any, cfg: TrainConfig) -> dict[str, Any]:
    """Train (resuming when asked and possible); return the final metrics."""
    resume = last_checkpoint(cfg.output_dir) if cfg.resume else None
    result = trainer.train(resume_from_checkpoint=resume)
    metrics = dict(result.metrics)
    metrics["resumed_from"] = resume
    metrics["global_step"] = trainer.state.global_step
    return metrics


def seed_everything(seed: int) -> None:
    from transformers import set_seed

    set_seed(seed)
