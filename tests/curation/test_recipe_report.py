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


def test_a_typo_in_a_late_step_fails_at_load(tmp_path: Path) -> None:
    """The whole recipe is validated before step 1 runs: file, step, key and valid keys."""
    import pytest

    from curation.recipe import load_recipe

    path = tmp_path / "typo.yaml"
    path.write_text(
        "steps:\n  - hackable: {}\n  - dedup: {}\n  - score: {}\n  - filter: {pass_at: 4}\n"
        "  - curriculum: {flor: 0.1}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"(?s)typo\.yaml.*step 4.*'curriculum'.*'flor'.*floor"):
        load_recipe(path)


def test_a_misspelt_verifier_option_fails_at_load(tmp_path: Path) -> None:
    import pytest

    from curation.recipe import load_recipe

    path = tmp_path / "boxd.yaml"
    path.write_text("score: {options: {require_boxd: true}}\nsteps:\n  - score: {}\n")
    with pytest.raises(ValueError, match=r"(?s)boxd\.yaml.*require_boxd.*require_boxed"):
        load_recipe(path)


def test_every_step_is_in_the_one_table() -> None:
    from curation.recipe import STEP_NAMES
    from curation.step_table import STEPS

    assert tuple(STEPS) == STEP_NAMES
    for step in STEPS.values():
        assert step.config.model_config.get("extra") == "forbid", step.name
