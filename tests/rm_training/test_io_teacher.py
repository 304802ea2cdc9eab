"""rm-train's own table reader and the teacher that writes checks over an OpenAI-compatible API."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi import FastAPI, Request, Response

from rm_training.examples import Example, ReadReport, read_source
from rm_training.io import read_table
from rm_training.targets import TeacherConfig, teacher_checks
from tests.verifiers.model_judge.endpoints import serve_app
from verifiers.model_judge.prompt import parse_verdict

PAIRS = [
    {"question": "What is 2+2?", "reference": "4", "response": "\\boxed{4}", "label": True},
    {"question": "What is 3+3?", "reference": 6, "response": "\\boxed{5}", "label": "no"},
]


def test_jsonl_lines_that_are_not_objects_are_counted_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    lines = [json.dumps(PAIRS[0]), "{broken", "[1, 2]", "", json.dumps({**PAIRS[1], "x": 1})]
    path.write_text("\n".join(lines))
    table = read_table(path)
    assert table.unreadable == 2
    assert table.columns == ["question", "reference", "response", "label", "x"]
    assert table.rows[0]["x"] is None  # every row has every column
    report = ReadReport()
    examples = read_source(path, report)
    assert [(e.reference, e.label) for e in examples] == [("4", True), ("6", False)]
    assert report.skipped == {"pairs: unreadable lines": 2}


def test_parquet_and_dataset_folders_give_the_same_rows(tmp_path: Path) -> None:
    import datasets

    rows = [{**r, "reference": str(r["reference"]), "label": r["label"] is True} for r in PAIRS]
    pl.DataFrame(rows).write_parquet(tmp_path / "pairs.parquet")
    datasets.DatasetDict({"train": datasets.Dataset.from_list(rows)}).save_to_disk(
        str(tmp_path / "folder")
    )
    assert read_table(tmp_path / "pairs.parquet").rows == rows
    assert read_table(tmp_path / "folder").rows == rows
    (tmp_path / "pairs.csv").write_text("question,reference\n")
    with pytest.raises(ValueError, match="cannot read"):
        read_table(tmp_path / "pairs.csv")
    with pytest.raises(FileNotFoundError):
        read_table(tmp_path / "missing.jsonl")


def _teacher_app(seen: list[dict[str, Any]], peak: list[int]) -> FastAPI:
    """Says Yes for even seeds, No for odd; no verdict for "garbled"; one 503 first (warming up)."""
    app = FastAPI()
    state = {"in_flight": 0, "refused": False}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        if not state["refused"]:
            state["refused"] = True
            return Response("warming up", status_code=503)
        seen.append({**body, "auth": request.headers.get("authorization")})
        state["in_flight"] += 1
        peak[0] = max(peak[0], state["in_flight"])
        await asyncio.sleep(0.3)
        state["in_flight"] -= 1
        if "garbled" in body["messages"][-1]["content"]:
            text = "I cannot tell."
        else:
            text = f"Checked.\nVerdict: {'Yes' if body['seed'] % 2 == 0 else 'No'}"
        return {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}

    return app


def test_teacher_keeps_only_checks_that_agree_with_the_label() -> None:
    examples = [
        Example(f"What is {i}+{i}?", str(2 * i), f"\\boxed{{{2 * i}}}", True, "labelled", "s")
        for i in range(4)
    ] + [Example("q", "1", "garbled", True, "labelled", "s")]
    seen: list[dict[str, Any]] = []
    peak = [0]
    with serve_app(_teacher_app(seen, peak)) as endpoint:
        cfg = TeacherConfig(
            base_url=endpoint.url, model="teacher", api_key="k", temperature=0.7,
            max_tokens=64, concurrency=2,
        )  # fmt: skip
        checks = teacher_checks(examples, cfg, seed=10)
    # seeds 10..14: even seeds say Yes (= the label), odd say No; the garbled one has no verdict
    assert [c is not None for c in checks] == [True, False, True, False, False]
    assert all(parse_verdict(c) is True for c in checks if c is not None)
    assert sorted(r["seed"] for r in seen) == [10, 11, 12, 13, 14]  # the 503 was retried
    assert {(r["model"], r["temperature"], r["max_tokens"], r["auth"]) for r in seen} == {
        ("teacher", 0.7, 64, "Bearer k")
    }
    assert peak[0] == 2  # concurrency requests in flight, no more
