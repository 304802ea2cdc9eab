"""The step and the command: new columns beside the originals, resumable, in a recipe."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.gen_tests import GenTestsConfig, InputSource
from curation.gen_tests.command import gen_tests
from curation.gen_tests.model_inputs import model_inputs, parse_inputs
from curation.gen_tests.problem import load_problem
from curation.recipe import Recipe, run_recipe
from sandbox import SandboxLimits, run_tests

SAMPLE = Path(__file__).resolve().parents[3] / "datasets" / "gen_tests" / "sample.jsonl"
FAST = GenTestsConfig(
    generator_seeds=4, mutations_per_input=4, max_new=6, mutants=4, limits=SandboxLimits(time_s=1)
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("gen") / "out.jsonl"
    summary = gen_tests(SAMPLE, out, FAST)
    return out, summary


def test_rows_get_tests_that_the_references_pass(generated: tuple[Path, object]) -> None:
    out, summary = generated
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert summary.n_kept == 4 and summary.n_quarantined == 1  # the row without references
    source = {json.loads(line)["id"]: json.loads(line) for line in SAMPLE.read_text().splitlines()}
    for row in rows:
        assert row["answer"] == source[row["id"]]["answer"]  # originals untouched
        tests = json.loads(row["gen_tests"])
        assert row["gen_tests_added"] > 0
        assert row["gen_tests_refs_passed"] == row["gen_tests_refs"]
        for reference in row["references"]:
            assert run_tests(reference, tests, limits={"time_s": 1}, backend="local").accepted
        assert row["gen_killed_all"] >= row["gen_killed_original"]
        assert json.loads(row["gen_tests_sources"])  # kept cases per source
    stdio = next(r for r in rows if r["id"] == "stdio/sum")
    assert "generator" in json.loads(stdio["gen_tests_sources"])
    assert stdio["gen_killed_all"] >= 1  # the abs() wrong solution dies on negatives


def test_report_shows_the_strength_section(generated: tuple[Path, object], tmp_path: Path) -> None:
    from curation.report import build_report

    out, _ = generated
    rows = pl.read_ndjson(out)
    page = build_report(out, tmp_path / "r.html").read_text()
    assert "Generated tests: strength" in page and "stdio/sum" in page
    total = int(rows["gen_wrong_total"].sum())
    assert f"<td>{total}</td>" in page


def test_rerun_resumes_and_gives_the_same_tests(generated: tuple[Path, object]) -> None:
    out, _ = generated
    again = out.with_name("again.jsonl")
    gen_tests(SAMPLE, again, FAST)
    first = pl.read_ndjson(out)["gen_tests"].to_list()
    assert pl.read_ndjson(again)["gen_tests"].to_list() == first


def _one_row(tmp_path: Path, references: list[str]) -> Path:
    row = {
        "id": "p",
        "prompt": "p",
        "answer": json.dumps({"test_list": ["assert f(2) == 4"]}),
        "references": references,
    }
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(row) + "\n")
    return path


def test_references_that_always_disagree_add_nothing(tmp_path: Path) -> None:
    """x * 2 and x + 2 agree only on 2: no generated case survives, the originals stay."""
    path = _one_row(tmp_path, ["def f(x):\n    return x * 2\n", "def f(x):\n    return x + 2\n"])
    gen_tests(path, tmp_path / "out.jsonl", FAST.model_copy(update={"strength": False}))
    (row,) = pl.read_ndjson(tmp_path / "out.jsonl").to_dicts()
    assert row["gen_tests_added"] == 0
    assert json.loads(row["gen_tests_rejected"])["references_disagree"] > 0
    assert json.loads(row["gen_tests"])["test_list"] == ["assert f(2) == 4"]


def test_problems_whose_references_fail_are_dropped(tmp_path: Path) -> None:
    path = _one_row(tmp_path, ["def f(x):\n    return x * 2\n", "def f(x):\n    return x * 3\n"])
    summary = gen_tests(path, tmp_path / "out.jsonl", FAST.model_copy(update={"strength": False}))
    assert summary.n_kept == 0 and summary.drops_by_rule == {"gen_tests_references": 1}


def test_recipe_step_and_cli(tmp_path: Path) -> None:
    recipe = Recipe(
        name="t",
        workdir=str(tmp_path / "work"),
        format="jsonl",
        steps=[{"gen_tests": {"max_new": 3, "mutants": 0, "generator_seeds": 2}}],
    )
    run_recipe(recipe, SAMPLE, tmp_path / "final.jsonl")
    rows = pl.read_ndjson(tmp_path / "final.jsonl")
    assert (rows["gen_tests_added"] <= 3).all() and rows.height == 4
    with pytest.raises(ValueError, match="max_neww"):
        bad = Recipe(name="t", workdir=str(tmp_path / "w2"), steps=[{"gen_tests": {"max_neww": 3}}])
        run_recipe(bad, SAMPLE, tmp_path / "x.jsonl")
    result = CliRunner().invoke(
        app,
        [
            "gen-tests",
            str(SAMPLE),
            "-o",
            str(tmp_path / "cli.jsonl"),
            "--max-new",
            "2",
            "--mutants",
            "0",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (pl.read_ndjson(tmp_path / "cli.jsonl")["gen_tests_added"] <= 2).all()


class CannedBackend:
    """A generation backend that answers every prompt with the same completion."""

    def __init__(self, completion: str) -> None:
        self.completion = completion
        self.prompts: list[object] = []

    def generate(self, prompts: list[object], seeds: list[int]) -> list[list[str]]:
        self.prompts += prompts
        return [[self.completion] for _ in prompts]

    def close(self) -> None:
        pass


def test_model_source_reads_calls_and_stdin_blocks() -> None:
    call = load_problem("c", {"test_list": ["assert f([1], 2) == 3"]}, ["def f(a, b): ..."])
    text = "Here you go:\nf([], 0)\nassert f([5, 5], 1)\nf(x)\nnot a call\nf([], 0)\n"
    assert [c.text for c in parse_inputs(call, text)] == ["[[], 0]", "[[5, 5], 1]"]
    stdio = load_problem("s", {"inputs": ["1\n"], "outputs": ["1\n"]}, ["print(input())"])
    assert [c.text for c in parse_inputs(stdio, "```\n7\n```\nand\n```text\n8\n```")] == [
        "7\n",
        "8\n",
    ]
    backend = CannedBackend("f([9, 9, 9], 4)")
    found, errors = model_inputs([call], backend, [0], count=5, chat=True)
    assert [c.text for c in found[0]] == ["[[9, 9, 9], 4]"] and errors == [None]
    assert "assert" not in str(backend.prompts[0]) and "f([1], 2)" in str(backend.prompts[0])


@pytest.mark.slow
def test_model_source_wiring_with_the_tiny_model(tmp_path: Path, tiny_model: Path) -> None:
    """Gibberish from a random tiny model: the wiring runs, whatever it proposes is validated."""
    result = CliRunner().invoke(
        app,
        [
            "gen-tests",
            str(SAMPLE),
            "-o",
            str(tmp_path / "m.jsonl"),
            "--source",
            "model",
            "--source",
            "mutation",
            "--model",
            str(tiny_model),
            "--backend",
            "transformers",
            "--max-tokens",
            "16",
            "--mutants",
            "0",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = pl.read_ndjson(tmp_path / "m.jsonl")
    assert rows.height == 4 and (rows["gen_tests_refs_passed"] == rows["gen_tests_refs"]).all()


def test_unknown_source_is_an_error() -> None:
    with pytest.raises(ValueError):
        GenTestsConfig(sources=("telepathy",))  # type: ignore[arg-type]
    assert InputSource("model") is InputSource.MODEL
