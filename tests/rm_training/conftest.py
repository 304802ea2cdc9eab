"""Shared fixtures: a small judge dataset from two labelled tables, and a tiny judge model."""

from __future__ import annotations

from pathlib import Path

import pytest

from rm_training.data import DataConfig, build_dataset
from tests.rm_training.tiny_judge import build_tiny_judge

MATH_DATA = Path(__file__).resolve().parents[1] / "verifiers" / "math" / "data"
SOURCES = [MATH_DATA / "normalization.jsonl", MATH_DATA / "anti_hacking.jsonl"]


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rm-data")
    build_dataset(SOURCES, out, DataConfig(seed=0, workers=1))
    return out


@pytest.fixture(scope="session")
def tiny_judge(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_judge(dataset, tmp_path_factory.mktemp("tiny-judge"), vocab_size=800)
