"""A tiny judge model served on a loopback OpenAI-compatible endpoint (``rm-train serve``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rm_training.data import DataConfig, build_dataset
from rm_training.serve import create_app
from tests.rm_training.tiny_judge import build_tiny_judge
from tests.verifiers.model_judge.endpoints import Endpoint, serve_app

MATH_DATA = Path(__file__).resolve().parents[1] / "math" / "data"


@pytest.fixture(scope="session")
def tiny_judge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("judge-data")
    build_dataset([MATH_DATA / "anti_hacking.jsonl"], data, DataConfig(workers=1))
    return build_tiny_judge(data, tmp_path_factory.mktemp("judge-model"), vocab_size=600)


@pytest.fixture(scope="session")
def tiny_endpoint(tiny_judge_dir: Path) -> Iterator[Endpoint]:
    with serve_app(create_app(str(tiny_judge_dir), served_name="tiny-judge")) as endpoint:
        yield endpoint
