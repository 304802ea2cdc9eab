"""``rm-train data -> train -> eval`` end to end on CPU with the tiny judge (about a minute).

The tiny model is random and trains for a handful of steps: the tests pin the
plumbing (files, resumable checkpoints, determinism, the report and its
figures), not judging skill; ``benchmarks/rm_bench.py`` measures that.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rm_training.cli import app
from tests.rm_training.conftest import SOURCES

runner = CliRunner()
FAST = ["--batch-size", "4", "--max-length", "384", "--no-progress", "--limit", "24"]


def _invoke(*args: str | Path) -> dict[str, Any]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    # the Trainer prints its own log dicts first; ours starts on a line of its own
    lines = result.stdout.splitlines()
    return json.loads("\n".join(lines[lines.index("{") :]))


def test_data_command_writes_splits_and_card(tmp_path: Path) -> None:
    out = _invoke("data", *SOURCES, "-o", tmp_path / "d", "--eval-fraction", "0.3")
    assert out["rows"]["train"] > 0 and out["rows"]["eval"] > 0
    assert (tmp_path / "d" / "data" / "train.parquet").is_file()
    assert (tmp_path / "d" / "README.md").is_file()


def test_data_command_refuses_unusable_input_with_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "nothing to learn"}\n')
    result = runner.invoke(app, ["data", str(bad), "-o", str(tmp_path / "d")])
    assert result.exit_code == 2
    assert "no usable examples" in result.output


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_sft_train_resume_and_eval(dataset: Path, tiny_judge: Path, tmp_path: Path) -> None:
    out = tmp_path / "sft"
    first = _invoke(
        "train",
        dataset,
        "--kind",
        "sft",
        "--model",
        tiny_judge,
        "-o",
        out,
        "--max-steps",
        "3",
        "--save-steps",
        "3",
        "--learning-rate",
        "1e-3",
        *FAST,
    )
    assert first["global_step"] == 3 and first["resumed_from"] is None
    assert (out / "model" / "config.json").is_file()
    again = _invoke(
        "train",
        dataset,
        "--kind",
        "sft",
        "--model",
        tiny_judge,
        "-o",
        out,
        "--max-steps",
        "5",
        "--save-steps",
        "5",
        "--learning-rate",
        "1e-3",
        *FAST,
    )
    assert again["resumed_from"].endswith("checkpoint-3") and again["global_step"] == 5

    report = tmp_path / "eval"
    summary = _invoke("eval", dataset, "--model", out / "model", "-o", report,
                      "--limit", "12", "--max-new-tokens", "4")  # fmt: skip
    assert summary["judge"]["n"] == 12
    assert 0.0 <= summary["master_key_fpr"] <= 1.0
    metrics = json.loads((report / "metrics.json").read_text())
    assert metrics["master_key"]["n"] >= 200
    assert set(metrics["by_category"]) and metrics["calibration"]["bins"]
    html = (report / "report.html").read_text()
    assert "Master-key suite" in html and "data:image/png;base64," in html


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_sft_is_deterministic_with_a_seed(dataset: Path, tiny_judge: Path, tmp_path: Path) -> None:
    losses = []
    for run in ("a", "b"):
        out = _invoke("train", dataset, "--kind", "sft", "--model", tiny_judge,
                      "-o", tmp_path / run, "--max-steps", "2", "--seed", "7", *FAST)  # fmt: skip
        losses.append(out["train_loss"])
    assert losses[0] == losses[1]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_sft_learns_the_verdict_format(dataset: Path, tiny_judge: Path, tmp_path: Path) -> None:
    """Loss falls well below a random model's (ln 800 ~ 6.7) within 30 steps."""
    out = _invoke("train", dataset, "--kind", "sft", "--model", tiny_judge, "-o", tmp_path / "s",
                  "--max-steps", "30", "--learning-rate", "2e-3", "--batch-size", "8",
                  "--max-length", "384", "--no-progress", "--limit", "120")  # fmt: skip
    assert out["train_loss"] < 5.0


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_classifier_baseline_trains_and_evaluates(
    dataset: Path, tiny_judge: Path, tmp_path: Path
) -> None:
    out = tmp_path / "clf"
    trained = _invoke("train", dataset, "--kind", "classifier", "--model", tiny_judge,
                      "-o", out, "--max-steps", "2", *FAST)  # fmt: skip
    assert trained["global_step"] == 2
    summary = _invoke("eval", dataset, "--kind", "classifier", "--model", out / "model",
                      "-o", tmp_path / "eval", "--limit", "16")  # fmt: skip
    assert summary["judge"]["n"] == 16 and summary["majority"]["n"] == 16


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_lora_adapters_are_merged_on_save(dataset: Path, tiny_judge: Path, tmp_path: Path) -> None:
    pytest.importorskip("peft")
    out = tmp_path / "lora"
    _invoke("train", dataset, "--kind", "sft", "--model", tiny_judge, "-o", out, "--lora",
            "--max-steps", "2", *FAST)  # fmt: skip
    assert (out / "model" / "config.json").is_file()
    assert not (out / "model" / "adapter_config.json").exists()
