"""Every input row judged on its own before it becomes a column.

A frame column has one type. Built from JSON rows, one wrong-typed value
(``"responses": "oops"`` among 100k lists) used to turn the whole column into
JSON text, after which the column's type was judged and every row was
quarantined; a coercible value (``prompt: 12345``) was silently converted.
Here each row's prompt, answer and responses are checked as Python values
first: a row that does not fit is quarantined with a reason naming the field,
and the rows that fit build the frame untouched.

The rules (the README's promises, for every command):
- prompt: non-empty text, or a non-empty list of chat messages (objects with
  ``content``); anything else (a number, an empty string, null) is quarantined;
- answer: text, a number or a boolean (numbers are gold text: ``42`` = ``"42"``),
  or a structure (test cases, targets); when one file mixes text and
  structures, the rows of the rarer kind are quarantined;
- responses: a list whose items are text, or message/completion objects whose
  ``content``/``text`` is text (they become that text); anything else is
  quarantined, naming the first bad item.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

import polars as pl

from curation.config import ColumnMap
from curation.schema import QUARANTINE_REASON

_MISSING = object()
_TEXT_KEYS = ("content", "text", "response", "completion")


def _lookup(row: dict[str, Any], path: str) -> Any:
    """``row[path]``, or a dotted path into nested objects and lists (``prompt.0.content``)."""
    if path in row:
        return row[path]
    if "." not in path:
        return _MISSING
    value: Any = row
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _type(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def prompt_problem(value: Any) -> str | None:
    """Why ``value`` is not a usable prompt (None when it is)."""
    if value is _MISSING or value is None:
        return "missing or empty prompt"
    if isinstance(value, str):
        return None if value.strip() else "missing or empty prompt"
    if isinstance(value, list):
        if not value:
            return "missing or empty prompt"
        for i, message in enumerate(value):
            if not isinstance(message, dict) or "content" not in message:
                return f"prompt[{i}] is {_type(message)}, expected a chat message with content"
        return None
    return f"prompt has type {_type(value)}, expected text or chat messages"


def _answer_kind(value: Any) -> str | None:
    if isinstance(value, str | int | float | bool):
        return "text"
    if isinstance(value, dict | list):
        return "structure"
    return None


def responses_problem(value: Any) -> tuple[str | None, list[str] | None]:
    """(why not usable, the responses as text) for one row's responses."""
    if not isinstance(value, list):
        return f"responses has type {_type(value)}, expected a list of text", None
    texts: list[str] = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            texts.append(item)
            continue
        if isinstance(item, dict):
            key = next((k for k in _TEXT_KEYS if isinstance(item.get(k), str)), None)
            if key is not None:
                texts.append(item[key])
                continue
        return f"responses[{i}] is {_type(item)}, expected text", None
    return None, texts


def split_rows(
    rows: Sequence[dict[str, Any]],
    columns: ColumnMap | None = None,
    lines: Sequence[int] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows that fit, and one quarantine record (``line``, ``raw``, reason) per row that
    does not. A column that is absent from every row is left to the step to judge."""
    columns = columns or ColumnMap()
    present = {key for row in rows for key in row}
    has = {
        name: path in present or ("." in path and path.split(".", 1)[0] in present)
        for name, path in (
            ("prompt", columns.prompt),
            ("answer", columns.answer),
            ("responses", columns.responses),
        )
    }
    kinds = Counter(_answer_kind(_lookup(row, columns.answer)) for row in rows if has["answer"])
    rare = None
    if kinds["text"] and kinds["structure"]:
        rare = "structure" if kinds["text"] >= kinds["structure"] else "text"
    good: list[dict[str, Any]] = []
    bad: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        reason = _row_problem(row, columns, has, rare)
        if reason is None:
            if has["responses"] and columns.responses in row:
                _, texts = responses_problem(row[columns.responses])
                if texts != row[columns.responses]:
                    row = {**row, columns.responses: texts}
            good.append(row)
            continue
        bad.append(
            {
                "line": lines[index] if lines is not None else index + 1,
                "raw": json.dumps(row, ensure_ascii=False, default=str)[:2000],
                QUARANTINE_REASON: reason,
            }
        )
    return good, bad


def _row_problem(
    row: dict[str, Any], columns: ColumnMap, has: dict[str, bool], rare_answer: str | None
) -> str | None:
    if has["prompt"]:  # no prompt anywhere: the step names the missing column instead
        problem = prompt_problem(_lookup(row, columns.prompt))
        if problem:
            return problem
    if has["answer"]:
        value = _lookup(row, columns.answer)
        if value is not _MISSING and value is not None:
            kind = _answer_kind(value)
            if kind is None:
                return f"answer has type {_type(value)}, expected text or a structure"
            if kind == rare_answer:
                this, other = (
                    ("a structure", "text") if kind == "structure" else ("text", "structures")
                )
                return f"answer is {this} while most answers in this input are {other}"
    if has["responses"]:
        value = _lookup(row, columns.responses)
        if value is not _MISSING and value is not None:
            problem, _ = responses_problem(value)
            if problem:
                return problem
    return None


def split_frame(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Row checks on a canonical frame from a typed source (Parquet, datasets): rows with a
    missing or empty prompt are quarantined, whatever the command."""
    if "prompt" not in df.columns or df.is_empty():
        return df, pl.DataFrame()
    ptype = df.schema["prompt"]
    if ptype == pl.Utf8:
        ok = pl.col("prompt").is_not_null() & (pl.col("prompt").str.strip_chars() != "")
    elif isinstance(ptype, pl.List):
        ok = pl.col("prompt").list.len().fill_null(0) > 0
    else:
        return df, pl.DataFrame()  # a wrong column type: the step names it for every row
    bad = df.filter(~ok).with_columns(pl.lit("missing or empty prompt").alias(QUARANTINE_REASON))
    return df.filter(ok), bad
