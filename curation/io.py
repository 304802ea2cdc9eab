"""Data in and out: JSONL, JSON, Parquet, CSV, ``save_to_disk`` folders and hub names.

Tables travel as polars frames (fast columnar work, list columns for
rollouts). JSONL is read line by line so that one malformed line becomes a
quarantined row with its line number instead of failing the whole file.
Hub datasets and ``load_from_disk`` folders come through Hugging Face
``datasets`` and are converted through Arrow without a copy where possible.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from curation.schema import QUARANTINE_REASON

TABLE_SUFFIXES = (".jsonl", ".json", ".parquet", ".csv")
# Judges JSON rows one by one before they become columns: (rows, line numbers) ->
# (rows that fit, quarantine records). See ``curation.row_validation.split_rows``.
RowCheck = Callable[
    [Sequence[dict[str, Any]], Sequence[int]], tuple[list[dict[str, Any]], list[dict[str, Any]]]
]


def table_suffix(path: Path) -> str:
    """The table format a path names: one of ``TABLE_SUFFIXES``, or "" for a dataset folder."""
    suffix = Path(path).suffix.lower()
    return suffix if suffix in TABLE_SUFFIXES else ""


def side_path(output: Path, kind: str) -> Path:
    """Where the ``dropped`` / ``quarantine`` side file of ``output`` goes.

    Dropped rows use the output's format; quarantined rows are always JSONL,
    because rows that failed validation may not fit any column schema.
    """
    output = Path(output)
    suffix = output.suffix if output.suffix in TABLE_SUFFIXES else ""
    stem = output.name[: -len(suffix)] if suffix else output.name
    ext = ".jsonl" if kind == "quarantine" else suffix
    return output.with_name(f"{stem}.{kind}{ext}")


def _rows_to_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Build a frame from JSON rows; columns with mixed types fall back to JSON text."""
    if not rows:
        return pl.DataFrame()
    try:
        return pl.from_dicts(rows, infer_schema_length=None)
    except (pl.exceptions.PolarsError, TypeError, ValueError, OverflowError):
        pass
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    columns: dict[str, list[Any]] = {}
    for key in keys:
        values = [row.get(key) for row in rows]
        try:
            pl.Series(key, values, strict=True)
            columns[key] = values
        except (pl.exceptions.PolarsError, TypeError, ValueError, OverflowError):
            columns[key] = [
                v if isinstance(v, str) or v is None else json.dumps(v, ensure_ascii=False)
                for v in values
            ]
    return pl.DataFrame(columns, strict=False)


def read_jsonl(path: Path, check: RowCheck | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows of a JSONL file, and the lines that are not JSON objects or fail ``check``."""
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    bad: list[dict[str, Any]] = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                bad.append(
                    {"line": number, "raw": line[:2000], QUARANTINE_REASON: f"bad JSON: {exc}"}
                )
                continue
            if not isinstance(value, dict):
                reason = f"line is a JSON {type(value).__name__}, expected an object"
                bad.append({"line": number, "raw": line[:2000], QUARANTINE_REASON: reason})
                continue
            rows.append(value)
            lines.append(number)
    if check is not None:
        rows, rejected = check(rows, lines)
        bad.extend(rejected)
    return _rows_to_frame(rows), pl.DataFrame(bad)


def read_table(
    source: str | Path, *, split: str = "train", check: RowCheck | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Load a table and the rows that could not be read (quarantine).

    ``source`` is a file (.jsonl/.json/.parquet/.csv), a ``save_to_disk``
    folder, or, when no such path exists, a hub dataset name (needs network).
    ``check`` judges JSON rows one by one before they become columns.
    """
    path = Path(source)
    empty = pl.DataFrame()
    if path.is_dir():
        import datasets

        loaded = datasets.load_from_disk(str(path))
        if isinstance(loaded, datasets.DatasetDict):
            loaded = loaded[split]
        return _from_hf(loaded), empty
    if path.is_file():
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            return read_jsonl(path, check)
        if suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            rows = data if isinstance(data, list) else data.get("data", data.get("rows", []))
            rows = [r for r in rows if isinstance(r, dict)]
            if check is None:
                return _rows_to_frame(rows), empty
            rows, rejected = check(rows, list(range(1, len(rows) + 1)))
            return _rows_to_frame(rows), pl.DataFrame(rejected)
        if suffix == ".parquet":
            return pl.read_parquet(path), empty
        if suffix == ".csv":
            return pl.read_csv(path, infer_schema_length=None), empty
        raise ValueError(
            f"cannot read {path}: use .jsonl, .json, .parquet, .csv or a dataset folder"
        )
    text = str(source)
    if path.suffix.lower() in TABLE_SUFFIXES or text.startswith((".", "/", "~")):
        raise FileNotFoundError(f"{source} does not exist")
    import datasets

    return _from_hf(datasets.load_dataset(str(source), split=split)), empty


def _from_hf(dataset: Any) -> pl.DataFrame:
    table = dataset.with_format("arrow")[:]
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def write_table(df: pl.DataFrame, output: str | Path) -> Path:
    """Write ``df`` in the format ``output``'s suffix names (no suffix: a dataset folder).

    Written to a temporary name and renamed, so a crash never leaves a
    half-written file that looks finished.
    """
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    suffix = table_suffix(output)
    tmp = output.with_name(output.name + ".tmp")
    if suffix == ".jsonl":
        df.write_ndjson(tmp)
    elif suffix == ".json":
        df.write_json(tmp)
    elif suffix == ".parquet":
        df.write_parquet(tmp)
    elif suffix == ".csv":
        df.write_csv(tmp)
    else:  # no known suffix: a Hugging Face dataset folder
        import shutil

        import datasets

        if tmp.exists():
            shutil.rmtree(tmp)
        datasets.Dataset(df.to_arrow()).save_to_disk(str(tmp))
        if output.exists():
            shutil.rmtree(output)
    os.replace(tmp, output)
    return output
