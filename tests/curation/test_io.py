"""Reading and writing tables: formats, bad lines quarantined, side-file names."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curation.io import read_table, side_path, write_table

FRAME = pl.DataFrame(
    {
        "id": ["a", "b"],
        "prompt": ["p1", "p2"],
        "answer": ["1", "2"],
        "responses": [["x", "y"], ["z"]],
    }
)


@pytest.mark.parametrize("name", ["t.jsonl", "t.parquet", "t.json", "dataset_folder"], ids=str)
def test_round_trip(tmp_path: Path, name: str) -> None:
    path = write_table(FRAME, tmp_path / name)
    back, bad = read_table(path)
    assert back.select(FRAME.columns).to_dicts() == FRAME.to_dicts()
    assert bad.is_empty()


def test_csv_round_trip_of_flat_columns(tmp_path: Path) -> None:
    flat = FRAME.drop("responses")
    back, _ = read_table(write_table(flat, tmp_path / "t.csv"))
    assert back.with_columns(pl.col("answer").cast(pl.Utf8)).to_dicts() == flat.to_dicts()


def test_jsonl_bad_lines_are_quarantined_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "prompt": "a"}\nnot json\n[1, 2]\n\n{"id": 2, "prompt": "b"}\n')
    good, bad = read_table(path)
    assert good["id"].to_list() == [1, 2]
    assert bad["line"].to_list() == [2, 3]
    assert bad["quarantine_reason"][0].startswith("bad JSON")
    assert "expected an object" in bad["quarantine_reason"][1]


def test_jsonl_mixed_types_fall_back_to_text(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"answer": 4}\n{"answer": "x"}\n{"answer": [1]}\n')
    good, _ = read_table(path)
    assert good["answer"].to_list() == ["4", "x", "[1]"]


def test_missing_file_is_an_error_not_a_hub_lookup(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_table(tmp_path / "nope.jsonl")


@pytest.mark.parametrize(
    ("output", "kind", "expected"),
    [
        ("out.jsonl", "dropped", "out.dropped.jsonl"),
        ("out.parquet", "dropped", "out.dropped.parquet"),
        ("out.parquet", "quarantine", "out.quarantine.jsonl"),
        ("outdir", "dropped", "outdir.dropped"),
    ],
    ids=["jsonl", "parquet_keeps_format", "quarantine_always_jsonl", "dataset_folder"],
)
def test_side_paths(output: str, kind: str, expected: str) -> None:
    assert side_path(Path("/d") / output, kind) == Path("/d") / expected
