"""Typed training configs, beside the trainers they configure (TRL's ``SFTConfig`` pattern).

One base model holds what both trainers share (seed, schedule, checkpoints,
precision); ``SFTJudgeConfig`` adds the generative judge's knobs and
``ClassifierConfig`` the baseline's. A YAML file, the CLI and Python build the
same objects; unknown keys are errors.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Precision(str, Enum):
    """``auto``: bf16 on a GPU that supports it, fp32 on CPU (CPU bf16 is slow and lossy)."""

    AUTO = "auto"
    BF16 = "bf16"
    FP32 = "fp32"


class LoraSettings(BaseModel):
    """LoRA adapters through peft (optional: ``pip install peft``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    r: int = Field(16, ge=1, description="adapter rank")
    alpha: int = Field(32, ge=1, description="scaling numerator (alpha / r)")
    dropout: float = Field(0.05, ge=0.0, lt=1.0)
    target_modules: list[str] | str = Field(
        "all-linear", description="module names to adapt; 'all-linear' adapts every linear layer"
    )
    merge: bool = Field(True, description="merge adapters into the weights when saving")


class TrainConfig(BaseModel):
    """What both trainers share."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(description="base model directory (a local path: nothing is downloaded)")
    output_dir: str = Field(description="checkpoints and the final model go here")
    seed: int = Field(0, description="weights init of new heads, data order, dropout")
    epochs: float = Field(3.0, gt=0, description="passes over the train split")
    max_steps: int = Field(-1, description="stop after this many optimizer steps (-1: epochs)")
    learning_rate: float = Field(5e-5, gt=0)
    weight_decay: float = Field(0.0, ge=0)
    warmup_ratio: float = Field(0.05, ge=0, lt=1)
    batch_size: int = Field(8, ge=1, description="per-device batch size")
    grad_accum: int = Field(1, ge=1, description="gradient accumulation steps")
    max_length: int = Field(512, ge=16, description="tokens per example (prompt + target)")
    save_steps: int = Field(200, ge=1, description="checkpoint every this many steps")
    save_total_limit: int = Field(2, ge=1, description="checkpoints kept on disk")
    logging_steps: int = Field(10, ge=1)
    precision: Precision = Precision.AUTO
    resume: bool = Field(True, description="continue from the last checkpoint in output_dir")
    progress: bool = Field(True, description="tqdm progress bars")
    limit: int | None = Field(
        None, ge=1, description="use only the first N train rows (smoke runs)"
    )


class SFTJudgeConfig(TrainConfig):
    """The generative judge: learn to write the check and the verdict line."""

    lora: LoraSettings | None = Field(
        None, description="train LoRA adapters instead of all weights"
    )
    completion_only: bool = Field(
        True, description="loss on the check and verdict only, not on the prompt"
    )


class ClassifierConfig(TrainConfig):
    """The classic baseline: a sequence-classification head on (question+reference, response)."""

    learning_rate: float = Field(3e-5, gt=0)
    max_length: int = Field(256, ge=16)
    response_chars: int = Field(600, ge=32, description="tail of the response the encoder sees")


def load_config(cls: type[TrainConfig], path: str | Path | None, **overrides: Any) -> Any:
    """``cls`` from a YAML file (optional) with ``overrides`` (None values ignored) on top."""
    data: dict[str, Any] = {}
    if path is not None:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of settings")
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"invalid {cls.__name__}{f' in {path}' if path else ''}:\n{exc}") from exc


def use_bf16(precision: Precision) -> bool:
    import torch

    if precision == Precision.AUTO:
        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    return precision == Precision.BF16
