"""Read the tables ``rm-train data`` takes: JSONL, Parquet and ``save_to_disk`` folders.

The judge's data step needs plain rows, not typed columns, so JSONL is parsed
line by line into dicts: a line that is not a JSON object is counted as
unreadable (the data report says how many) instead of failing the file, and
values keep their JSON types even where a column mixes them. Parquet and
Hugging Face dataset folders go through polars (Arrow, no copy) to the same
rows. Every row carries every column of the table, None where it had none.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import polars as pl

SUFFIXES = (".jsonl", ".parquet")


@dataclasses.dataclass(frozen=True)
class Table:
    """The rows of one source, its columns in first-seen order, and its unreadable lines."""

    rows: list[dict[str, Any]]
    columns: list[str]
    unreadable: int = 0

    def by_column(self) -> dict[str, list[Any]]:
        """Column name -> its values, row by row."""
        return {name: [row[name] for row in self.rows] for name in self.columns}


def read_table(path: str | Path, split: str = "train") -> Table:
    """Load ``path``: a .jsonl or .parquet file, or a ``save_to_disk`` folder (its ``split``)."""
    path = Path(path)
    if path.is_dir():
        import datasets

        loaded = datasets.load_from_disk(str(path))
        if isinstance(loaded, datasets.DatasetDict):
            loaded = loaded[split]
        frame = pl.from_arrow(loaded.with_format("arrow")[:])
        assert isinstance(frame, pl.DataFrame)
        return Table(frame.to_dicts(), frame.columns)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame = pl.read_parquet(path)
        return Table(frame.to_dicts(), frame.columns)
    if suffix == ".jsonl":
        return _read_jsonl(path)
    raise ValueError(f"cannot read {path}: use {', '.join(SUFFIXES)} or a dataset folder")


def _read_jsonl(path: Path) -> Table:
    rows: list[dict[str, Any]] = []
    columns: dict[str, None] = {}
    unreadable = 0
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                unreadable += 1
                continue
            if not isinstance(value, dict):
                unreadable += 1
                continue
            rows.append(value)
            columns.update(dict.fromkeys(value))
    names = list(columns)
    return Table([{name: row.get(name) for name in names} for row in rows], names, unreadable)
