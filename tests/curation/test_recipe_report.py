"""``curate run`` recipes (kimi.yaml parses; a pipeline runs and resumes) and the HTML report."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from curation.cli import app
from curation.recipe import load_recipe
from tests.curation.conftest import read_jsonl

PIPELINE = {
    "name": "test",
    "steps": [
        {"hackable": {}},
        {"dedup": {}},
        {"filter": {"pass_at": 8}},
        {"curriculum": {"floor": 0.1}},
        {"report": {}},
    ],
}


def test_shipped_kimi_recipe_is_valid() -> None:
    recipe = load_recipe("kimi")
    names = [next(iter(s)) for s in recipe.steps]
    assert names[:2] == ["hackable", "dedup"] and names.count("filter") == 2
    assert recipe.steps[2]["filter"]["no_cot"] is True


def test_unknown_step_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump({"steps": [{"sharpen": {}}]}))
    with pytest.raises(ValueError, match="unknown step 'sharpen'"):
        load_recipe(path)


def test_recipe_runs_every_step_and_skips_them_on_rerun(tmp_path: Path, data_dir: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(yaml.safe_dump({**PIPELINE, "workdir": str(tmp_path / "work")}))
    out = tmp_path / "final.jsonl"
    args = ["run", str(recipe), "-i", str(data_dir / "rollouts_fixture.jsonl"), "-o", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = read_jsonl(out)
    assert len(rows) == 10
    assert [r["difficulty"] for r in rows] == sorted(r["difficulty"] for r in rows)
    assert min(r["sampling_weight"] for r in rows) >= 0.1
    work = sorted(p.name for p in (tmp_path / "work").iterdir())
    assert "02-filter.dropped.jsonl" in work and "04-report.html" in work
    result = CliRunner().invoke(app, args)
    assert (
        result.exit_code == 0 and "done earlier" not in result.output
    )  # summaries print only for runs
    assert read_jsonl(out) == rows


def test_report_has_plots_and_rule_counts(tmp_path: Path, data_dir: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "f.jsonl"
    assert (
        runner.invoke(
            app, ["filter", str(data_dir / "rollouts_fixture.jsonl"), "-o", str(out), "--quiet"]
        ).exit_code
        == 0
    )
    result = runner.invoke(app, ["report", str(out), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "r.html").read_text()
    assert page.count("data:image/png;base64,") == 3  # pass-rate histogram, rules, lengths
    for text in ("all_solved", "never_solved", "Pass-rate histogram per source", "fractions"):
        assert text in page


def test_pipeline_report_counts_drops_per_step(tmp_path: Path, data_dir: Path) -> None:
    runner = CliRunner()
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert (
        runner.invoke(
            app, ["hackable", str(data_dir / "rollouts_fixture.jsonl"), "-o", str(first), "--quiet"]
        ).exit_code
        == 0
    )
    assert runner.invoke(app, ["filter", str(first), "-o", str(second), "--quiet"]).exit_code == 0
    result = runner.invoke(app, ["report", str(first), str(second), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "r.html").read_text()
    assert "b.jsonl: all_solved" in page and "b.jsonl: never_solved" in page
    assert "kept (final)" in page


def test_report_groups_quarantine_reasons_and_keeps_earlier_drops(tmp_path: Path) -> None:
    """Three steps: the filter's drops stay in the histogram after a later step ran, the
    pipeline table lists every step, and per-row reasons are grouped by kind."""
    import polars as pl

    from curation.report import _grouped_reasons, _pipeline, _rows_with_rates, _Stage

    def stage(name: str, kept: list[dict], dropped: list[dict], bad: list[dict]) -> _Stage:
        return _Stage(name, pl.DataFrame(kept), pl.DataFrame(dropped), pl.DataFrame(bad))

    bad_json = [{"quarantine_reason": f"bad JSON: Expecting value: line {i}"} for i in (1, 7)]
    gold = [{"quarantine_reason": "bad gold (reference_error): the gold answer is empty"}]
    stages = [
        stage(
            "a",
            [{"id": "1"}, {"id": "2"}, {"id": "3"}],
            [{"id": "9", "drop_rule": "mcq"}],
            bad_json,
        ),
        stage(
            "b",
            [{"id": "1", "pass_rate": 0.5}, {"id": "2", "pass_rate": 0.25}],
            [{"id": "3", "pass_rate": 0.0, "drop_rule": "never_solved"}],
            gold,
        ),
        stage(
            "c",
            [{"id": "1", "pass_rate": 0.5}],
            [{"id": "2", "pass_rate": 0.25, "drop_rule": "dup"}],
            [],
        ),
    ]
    rates = _rows_with_rates(stages)
    assert rates is not None and sorted(rates["id"].to_list()) == ["1", "2", "3"]
    assert [row[:5] for row in _pipeline(stages)] == [
        ("a", 6, 3, 1, 2),
        ("b", 4, 2, 1, 1),
        ("c", 2, 1, 1, 0),
    ]
    grouped = _grouped_reasons(stages, many=False)
    assert [(kind, n) for kind, n, _ in grouped] == [
        ("bad JSON", 2),
        ("bad gold (reference_error)", 1),
    ]


def test_recipe_typo_is_one_line_naming_file_and_key(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "name: t\ngeneration: {backend: transformers, model: x}\n"
        "steps:\n  - filter: {pass_att: 8}\n"
    )
    (tmp_path / "in.jsonl").write_text('{"prompt": "q", "answer": "1"}\n')
    result = CliRunner().invoke(
        app,
        ["run", str(recipe), "-i", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o.jsonl")],
        env={"COLUMNS": "400"},
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith(f"error: {recipe}: steps[0] (filter): pass_att: unknown key")
    assert "Traceback" not in result.output and "keep_unsolved" in lines[-1]


def test_missing_vllm_is_one_line_with_the_way_out() -> None:
    import importlib.util

    if importlib.util.find_spec("vllm") is not None:
        pytest.skip("vllm is installed here")
    from curation.backends import make_backend
    from curation.config import BackendName, GenerationConfig

    with pytest.raises(
        ValueError, match=r"install the `vllm` extra .* --backend transformers\|openai"
    ):
        make_backend(GenerationConfig(backend=BackendName.VLLM, model="m"))
