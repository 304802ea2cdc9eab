"""The labelled case tables (data/*.jsonl): every category, hard negatives included.

Each row pins one behaviour by its id; ``status`` pins the verdict status where
the reason for a zero matters (no answer vs a wrong answer).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifiers.math import verify

DATA = Path(__file__).parent / "data"


def _load() -> list[dict]:
    rows = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append({**json.loads(line), "table": path.stem})
    return rows


CASES = _load()


def test_tables_cover_every_category_with_hard_negatives() -> None:
    by_table: dict[str, list[dict]] = {}
    for row in CASES:
        by_table.setdefault(row["table"], []).append(row)
    assert len(CASES) >= 400
    assert len(by_table["chinese"]) >= 20
    for table, rows in by_table.items():
        assert any(not r["correct"] for r in rows), f"{table} has no hard negative"
        assert any(r["correct"] for r in rows), f"{table} has no positive"
    assert len({r["id"] for r in CASES}) == len(CASES), "case ids must be unique"


@pytest.mark.parametrize("case", CASES, ids=[f"{c['table']}:{c['id']}" for c in CASES])
def test_labelled_case(case: dict) -> None:
    verdict = verify(case["response"], case["gold"], **case.get("options", {}))
    assert verdict.correct is case["correct"], verdict
    assert verdict.score == (1.0 if case["correct"] else 0.0)
    if "status" in case:
        assert verdict.status.value == case["status"], verdict
