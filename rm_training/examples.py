"""Labelled judge examples and the readers that turn every kind of source into them.

Three sources feed the reward model's data (Kimi k1.5 trained on ~800k such
(question, reference, response) -> verdict examples):
- scored rollouts, the output of ``curate score`` / ``curate filter``: one row
  per prompt with ``responses`` and their ``correct`` labels;
- labelled equivalence tables (``tests/verifiers/math/data/*.jsonl``): rows
  of ``response``, ``gold``, ``correct`` with no question;
- any table of (question, reference, response, label) under common names.
Every reader returns plain ``Example`` records; rows it cannot use are counted
with a reason, never dropped silently.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from typing import Any

from rm_training.io import read_table
from verifiers.format import prompt_text

QUESTION_COLUMNS = ("question", "prompt", "problem", "query", "input")
REFERENCE_COLUMNS = ("reference", "answer", "gold", "solution", "target")
RESPONSE_COLUMNS = ("response", "completion", "output", "prediction")
LABEL_COLUMNS = ("label", "correct", "is_correct")


@dataclasses.dataclass(frozen=True)
class Example:
    """One judge training/eval example; ``label`` is whether the response is correct."""

    question: str
    reference: str
    response: str
    label: bool
    category: str
    source: str
    check: str = ""

    @property
    def group(self) -> str:
        """What splits must keep together: the question, or the gold when there is none."""
        return self.question.strip() or f"gold:{self.reference.strip()}"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class ReadReport:
    """Rows read per file and rows skipped per reason."""

    read: Counter[str] = dataclasses.field(default_factory=Counter)
    skipped: Counter[str] = dataclasses.field(default_factory=Counter)


def _first(columns: list[str], names: tuple[str, ...]) -> str | None:
    return next((c for c in names if c in columns), None)


def _label(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "1", "false", "no", "0"}:
        return value.strip().lower() in {"true", "yes", "1"}
    return None


def _reference(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None  # structured golds (code tests) are not the math judge's business
    text = str(value).strip()
    return text or None


def read_rollouts(rows: list[dict[str, Any]], source: str, report: ReadReport) -> list[Example]:
    """Examples from scored rollouts: each (response, correct) pair of a prompt's row."""
    out: list[Example] = []
    for row in rows:
        reference = _reference(row.get("answer"))
        question = prompt_text(row.get("prompt"))
        if reference is None:
            report.skipped[f"{source}: missing or structured answer"] += 1
            continue
        for response, correct in zip(
            row.get("responses") or [], row.get("correct") or [], strict=False
        ):
            if not isinstance(response, str) or correct is None:
                report.skipped[f"{source}: response without a label"] += 1
                continue
            out.append(Example(question, reference, response, bool(correct), "rollout", source))
    return out


def read_pairs(rows: list[dict[str, Any]], source: str, report: ReadReport) -> list[Example]:
    """Examples from a (question, reference, response, label) table under common column names."""
    columns = list(rows[0]) if rows else []
    q_col = _first(columns, QUESTION_COLUMNS)
    ref_col = _first(columns, REFERENCE_COLUMNS)
    resp_col = _first(columns, RESPONSE_COLUMNS)
    label_col = _first(columns, LABEL_COLUMNS)
    if ref_col is None or resp_col is None or label_col is None:
        report.skipped[
            f"{source}: needs a reference {REFERENCE_COLUMNS}, a response {RESPONSE_COLUMNS} "
            f"and a label {LABEL_COLUMNS} column; found {columns}"
        ] += len(rows)
        return []
    out = []
    for row in rows:
        reference, label = _reference(row.get(ref_col)), _label(row.get(label_col))
        response = row.get(resp_col)
        if reference is None or label is None or not isinstance(response, str):
            report.skipped[f"{source}: unreadable reference, response or label"] += 1
            continue
        question = prompt_text(row.get(q_col)) if q_col else ""
        category = str(row.get("category") or "labelled")
        out.append(Example(question, reference, response, label, category, source))
    return out


def read_source(path: str | Path, report: ReadReport) -> list[Example]:
    """Examples from one file: rollouts when it has ``responses`` + ``correct``, else pairs."""
    table = read_table(path)
    source = Path(path).stem
    if table.unreadable:
        report.skipped[f"{source}: unreadable lines"] += table.unreadable
    report.read[source] += len(table.rows)
    if "responses" in table.columns and "correct" in table.columns:
        return read_rollouts(table.rows, source, report)
    return read_pairs(table.rows, source, report)
