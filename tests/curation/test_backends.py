"""Generation backends: transformers for real on a tiny model, openai against a mock server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from curation.backends.base import GenerationError
from curation.backends.openai import OpenAIBackend
from curation.cli import app
from curation.config import BackendName, GenerationConfig, TemplateName
from curation.rollouts import prompt_seed
from curation.templates import render
from tests.curation.conftest import read_jsonl


def _three_prompts(data_dir: Path, tmp_path: Path) -> Path:
    rows = read_jsonl(data_dir / "gym_prompts.jsonl")[:3]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.slow
def test_transformers_filter_generates_scores_and_resumes(
    tmp_path: Path, data_dir: Path, tiny_model: Path
) -> None:
    """One command: no responses in the input + a backend => generate, score (math), filter."""
    source = _three_prompts(data_dir, tmp_path)
    args = [
        "filter",
        "--pass-at",
        "4",
        str(source),
        "-o",
        str(tmp_path / "out.jsonl"),
        "--backend",
        "transformers",
        "--model",
        str(tiny_model),
        "--max-tokens",
        "6",
        "--dtype",
        "float32",
        "--template",
        "chat",
        "--keep-unsolved",
        "--shard-size",
        "2",
        "--quiet",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = read_jsonl(tmp_path / "out.jsonl") + read_jsonl(tmp_path / "out.dropped.jsonl")
    assert len(rows) == 3
    for row in rows:
        assert len(row["responses"]) == 4 and all(isinstance(r, str) for r in row["responses"])
        assert row["n_samples"] == 4 and len(row["verdicts"]) == 4
        assert {v["verifier"] for v in row["verdicts"]} == {"math"}
    # the same seed per prompt id regenerates the same samples: a rerun is identical
    first = (tmp_path / "out.jsonl").read_bytes()
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0 and (tmp_path / "out.jsonl").read_bytes() == first


@pytest.mark.slow
def test_transformers_no_cot_rollouts_use_short_answer_only_prompts(
    tmp_path: Path, data_dir: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import curation.steps as steps

    used: list[GenerationConfig] = []
    real = steps.make_backend

    def spy(cfg: GenerationConfig) -> object:
        used.append(cfg)
        return real(cfg)

    monkeypatch.setattr(steps, "make_backend", spy)
    source = _three_prompts(data_dir, tmp_path)
    result = CliRunner().invoke(
        app,
        [
            "rollouts",
            str(source),
            "-o",
            str(tmp_path / "r.jsonl"),
            "--model",
            str(tiny_model),
            "-n",
            "2",
            "--no-cot",
            "--max-tokens",
            "500",
            "--dtype",
            "float32",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert used[0].template == TemplateName.NO_COT and used[0].max_tokens == 32
    rows = read_jsonl(tmp_path / "r.jsonl")
    assert len(rows) == 3 and all(len(r["responses"]) == 2 for r in rows)


def _cfg(**kw: object) -> GenerationConfig:
    base = {
        "backend": BackendName.OPENAI,
        "model": "m",
        "base_url": "http://llm/v1",
        "n": 2,
        "retries": 2,
    }
    return GenerationConfig(**{**base, **kw})


def test_openai_backend_retries_and_keeps_order(monkeypatch: pytest.MonkeyPatch) -> None:
    import curation.backends.openai as mod

    monkeypatch.setattr(mod, "BACKOFF_S", 0.0)
    seen: list[dict[str, object]] = []
    failures = {"flaky": 1}

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append({"path": request.url.path, **body})
        key = body.get("prompt") or body["messages"][-1]["content"]
        if failures.get(key, 0) > 0:
            failures[key] -= 1
            return httpx.Response(503, text="busy")
        if key == "broken":
            return httpx.Response(400, text="bad request")
        if request.url.path.endswith("/chat/completions"):
            choices = [{"index": i, "message": {"content": f"{key}-{i}"}} for i in (1, 0)]
        else:
            choices = [{"index": i, "text": f"{key}-{i}"} for i in (1, 0)]
        return httpx.Response(200, json={"choices": choices})

    backend = OpenAIBackend(_cfg(), transport=httpx.MockTransport(handler))
    prompts = ["flaky", [{"role": "user", "content": "chat"}], "broken"]
    out = backend.generate(prompts, [1, 2, 3])
    assert out[0] == ["flaky-0", "flaky-1"] and out[1] == ["chat-0", "chat-1"]
    assert isinstance(out[2], GenerationError) and "HTTP 400" in out[2].reason
    assert sum(1 for s in seen if s.get("prompt") == "flaky") == 2  # one 503, one retry
    assert {s["path"] for s in seen} == {"/v1/completions", "/v1/chat/completions"}
    assert all(s["n"] == 2 and s["model"] == "m" for s in seen)


def test_openai_backend_gives_up_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    import curation.backends.openai as mod

    monkeypatch.setattr(mod, "BACKOFF_S", 0.0)
    backend = OpenAIBackend(
        _cfg(retries=1), transport=httpx.MockTransport(lambda r: httpx.Response(429))
    )
    (out,) = backend.generate(["x"], [0])
    assert isinstance(out, GenerationError) and "gave up after 2 attempts" in out.reason


def test_openai_backend_respects_concurrency() -> None:
    active = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.02)
        active -= 1
        return httpx.Response(200, json={"choices": [{"index": 0, "text": "ok"}]})

    backend = OpenAIBackend(_cfg(concurrency=3, n=1), transport=httpx.MockTransport(handler))
    out = backend.generate([f"p{i}" for i in range(12)], list(range(12)))
    assert out == [["ok"]] * 12 and peak == 3


@pytest.mark.parametrize(
    ("template", "check"),
    [
        pytest.param(
            TemplateName.R1_ZERO,
            lambda r: "<think>" in r and r.endswith("Assistant:"),
            id="r1_zero",
        ),
        pytest.param(
            TemplateName.CHAT,
            lambda r: r[-1]["role"] == "user" and "\\boxed{}" in r[-1]["content"],
            id="chat",
        ),
        pytest.param(
            TemplateName.NO_COT,
            lambda r: "no explanation" in r and r.endswith("Final answer:"),
            id="no_cot",
        ),
        pytest.param(TemplateName.RAW, lambda r: r == "What is 2+2?", id="raw"),
    ],
)
def test_templates(template: TemplateName, check: object) -> None:
    assert check(render("What is 2+2?", template))  # type: ignore[operator]


def test_seeds_depend_on_id_not_position() -> None:
    assert prompt_seed(0, "a") == prompt_seed(0, "a") != prompt_seed(0, "b")
    assert prompt_seed(1, "a") != prompt_seed(0, "a")


@pytest.mark.slow
def test_recipe_with_generation_regenerates_between_filters(
    tmp_path: Path, data_dir: Path, tiny_model: Path
) -> None:
    import yaml

    recipe = {
        "workdir": str(tmp_path / "work"),
        "generation": {
            "backend": "transformers",
            "model": str(tiny_model),
            "dtype": "float32",
            "max_tokens": 6,
        },
        "steps": [
            {"filter": {"pass_at": 2, "no_cot": True}},
            {"filter": {"pass_at": 3, "keep_unsolved": True, "generation": {"template": "chat"}}},
            {"curriculum": {}},
        ],
    }
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(recipe))
    source = _three_prompts(data_dir, tmp_path)
    result = CliRunner().invoke(
        app, ["run", str(path), "-i", str(source), "-o", str(tmp_path / "o.jsonl")]
    )
    assert result.exit_code == 0, result.output
    first = {r["id"]: r for r in read_jsonl(tmp_path / "work" / "00-filter.jsonl")}
    final = read_jsonl(tmp_path / "o.jsonl")
    assert len(final) == 3 and all(len(r["responses"]) == 3 for r in final)
    assert all(len(r["responses"]) == 2 for r in first.values())  # the guessing test: n = k = 2
    assert all(r["responses"][:2] != first[r["id"]]["responses"] for r in final)
    assert all("sampling_weight" in r for r in final)


@pytest.mark.slow
def test_hackable_judge_mode_records_the_model_label(tmp_path: Path, tiny_model: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "1", "prompt": "Compute 2+2.", "answer": "4"}\n')
    result = CliRunner().invoke(
        app,
        [
            "hackable",
            str(source),
            "-o",
            str(tmp_path / "o.jsonl"),
            "--judge",
            "--backend",
            "transformers",
            "--model",
            str(tiny_model),
            "--dtype",
            "float32",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    (row,) = read_jsonl(tmp_path / "o.jsonl")
    assert "judge_label" in row  # gibberish from a random model names no label: not a verdict
    assert row["judge_label"] is None


def test_judge_reply_parsing() -> None:
    from curation.hackable_judge import read_label

    assert read_label("This is multiple choice.") == "multiple_choice"
    assert read_label("Label: proof") == "proof"
    assert read_label("maybe yes/no, final: ok") == "ok"
    assert read_label("no idea") is None


@pytest.mark.slow
def test_run_overrides_the_recipes_backend(
    tmp_path: Path, data_dir: Path, tiny_model: Path
) -> None:
    """A vllm recipe (like the shipped kimi) runs on CPU with ``--backend transformers``."""
    import yaml

    recipe = {
        "workdir": str(tmp_path / "work"),
        "generation": {"backend": "vllm", "model": "REPLACE", "max_tokens": 6, "dtype": "float32"},
        "steps": [{"filter": {"pass_at": 2, "keep_unsolved": True}}],
    }
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(recipe))
    source = _three_prompts(data_dir, tmp_path)
    args = ["run", str(path), "-i", str(source), "-o", str(tmp_path / "o.jsonl")]
    overrides = ["--backend", "transformers", "--model", str(tiny_model), "--template", "chat"]
    result = CliRunner().invoke(app, [*args, *overrides])
    assert result.exit_code == 0, result.output
    assert all(len(r["responses"]) == 2 for r in read_jsonl(tmp_path / "o.jsonl"))
