"""``curate filter --pass-at 8`` on verl's parquet schema, no column flags.

verl rows: ``data_source``, chat ``prompt``, ``reward_model: {ground_truth, style}``,
``extra_info``. The file mixes math and countdown (countdown golds are JSON text
there: parquet cannot hold a string and a struct in one field), carries rollouts
in ``responses``, and has a broken gold. Pass rates must be right per task, every
input column must come back unchanged, and the broken gold must be quarantined
as the dataset's fault.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from curation.cli import app

RIGHT, WRONG = "<think>ok</think> \\boxed{4}", "<think>ok</think> \\boxed{5}"
CD_GOLD = json.dumps({"target": 24, "numbers": [4, 6, 1, 1]})
CD_RIGHT, CD_WRONG = "<think>x</think> (4*6)*1*1", "<think>x</think> 4+6+1+1"


def _row(i: int, source: str, gold: str, responses: list[str]) -> dict:
    return {
        "data_source": source,
        "prompt": [{"role": "user", "content": f"question {i}"}],
        "ability": "math",
        "reward_model": {"ground_truth": gold, "style": "rule"},
        "extra_info": {"index": i, "split": "train"},
        "responses": responses,
    }


ROWS = [
    _row(0, "openai/gsm8k", "4", [RIGHT] * 3 + [WRONG] * 5),  # 3/8
    _row(1, "countdown", CD_GOLD, [CD_RIGHT] * 2 + [CD_WRONG] * 6),  # 2/8
    _row(2, "countdown", CD_GOLD, [CD_WRONG] * 8),  # 0/8: never solved
    _row(3, "openai/gsm8k", "\\frac{1}{", [RIGHT] * 8),  # broken gold
]


@pytest.fixture(scope="module")
def filtered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("verl")
    pl.DataFrame(ROWS).write_parquet(work / "train.parquet")
    result = CliRunner().invoke(
        app,
        ["filter", "--pass-at", "8", str(work / "train.parquet"), "-o", str(work / "out.parquet")],
    )
    assert result.exit_code == 0, result.output
    return work


def test_pass_rates_per_task_without_flags(filtered: Path) -> None:
    kept = pl.read_parquet(filtered / "out.parquet").to_dicts()
    rates = {r["extra_info"]["index"]: r["pass_rate"] for r in kept}
    assert rates == {0: pytest.approx(3 / 8), 1: pytest.approx(2 / 8)}
    dropped = pl.read_parquet(filtered / "out.dropped.parquet").to_dicts()
    assert [(r["extra_info"]["index"], r["drop_rule"]) for r in dropped] == [(2, "never_solved")]


def test_every_input_column_comes_back_unchanged(filtered: Path) -> None:
    kept = pl.read_parquet(filtered / "out.parquet")
    for column in ROWS[0]:
        assert column in kept.columns
    assert "answer" not in kept.columns and "task" not in kept.columns  # derived, not written
    by_index = {r["extra_info"]["index"]: r for r in kept.to_dicts()}
    for i in (0, 1):
        for column, value in ROWS[i].items():
            assert by_index[i][column] == value, column


def test_broken_gold_is_quarantined_as_the_datasets_fault(filtered: Path) -> None:
    lines = (filtered / "out.quarantine.jsonl").read_text().splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["extra_info"]["index"] for r in rows] == [3]
    assert rows[0]["quarantine_reason"].startswith("bad gold (reference_error)")
    assert rows[0]["reward_model"] == ROWS[3]["reward_model"]
