"""Fixtures for the curation tests: shipped data paths and the tiny local model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.curation.tiny_model import build_tiny_model

DATA = Path(__file__).resolve().parents[2] / "datasets" / "curation"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-qwen2"))
