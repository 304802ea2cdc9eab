"""``curate``: the command line over ``curation.commands`` (parse, call, print).

Every command writes OUTPUT plus ``OUTPUT.dropped.*`` (each row with the
``drop_rule`` that removed it) and ``OUTPUT.quarantine.jsonl`` (rows that could
not be processed, with a ``quarantine_reason``). Long commands are resumable:
re-running the same command skips finished shards.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from curation import commands
from curation.cli_options import (
    Backend,
    Columns,
    Dtype,
    Endpoint,
    Engine,
    EngineArg,
    Fields,
    Input,
    Model,
    NSamples,
    Output,
    Quiet,
    RayAddress,
    Sampling,
    Sharding,
    Split_,
    Template,
    Verify,
    VerifyOrServer,
    default_of,
    option_groups,
)
from curation.config import (
    NO_COT_MAX_TOKENS,
    BackendName,
    ConfigError,
    FilterConfig,
    GenerationConfig,
    RunConfig,
    ScoreConfig,
    TemplateName,
)
from curation.curriculum import CurriculumConfig
from curation.decontaminate import DecontaminationConfig
from curation.gen_tests.command import gen_tests as gen_tests_command
from curation.gen_tests.config import GenTestsConfig
from curation.recipe import load_recipe, run_recipe
from curation.rejection import RejectionConfig
from curation.shards import RunSummary
from curation.step_table import DecontaminateOptions, HackableOptions, ReportOptions

app = typer.Typer(
    help="Curate RL prompt sets: hackable, rollouts, score, filter, ...", no_args_is_help=True
)
console = Console(stderr=True)


def _engine_args(pairs: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise typer.BadParameter(f"--engine-arg needs KEY=VALUE, got {pair!r}")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def _generation(
    backend: BackendName | None, model: str | None, **kwargs: Any
) -> GenerationConfig | None:
    if backend is None and model is None:
        return None
    if model is None:
        raise typer.BadParameter("--model is required with --backend")
    kwargs["engine_args"] = _engine_args(kwargs.pop("engine_arg", None))
    return GenerationConfig(
        backend=backend or default_of(GenerationConfig, "backend"), model=model, **kwargs
    )


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """Configuration mistakes (bad flags, missing files) end with a message, not a traceback."""
    try:
        yield
    except (ValueError, FileNotFoundError, KeyError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _rollout_generation(
    backend: BackendName | None,
    model: str | None,
    endpoint: Endpoint,
    template: TemplateName,
    n: int,
    sampling: Sampling,
    *,
    no_cot: bool,
) -> GenerationConfig | None:
    """How ``filter`` and ``rollouts`` sample; ``--no-cot`` forces the answer-only template
    and caps the token budget (a guess, not a derivation, is what it measures)."""
    if no_cot:
        template = TemplateName.NO_COT
        sampling = dataclasses.replace(
            sampling, max_tokens=min(sampling.max_tokens, NO_COT_MAX_TOKENS)
        )
    return _generation(
        backend,
        model,
        **dataclasses.asdict(endpoint),
        template=template,
        n=n,
        **dataclasses.asdict(sampling),
    )


def _run(fn: Any, *args: Any, quiet: bool, **kwargs: Any) -> RunSummary:
    if quiet:
        summary = fn(*args, **kwargs)
    else:
        columns = [
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        ]
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task("shards", total=None)
            summary = fn(
                *args,
                on_shard=lambda done, total: bar.update(task, completed=done, total=total),
                **kwargs,
            )
    _print_summary(summary)
    return summary


def _run_sharded(
    fn: Any, *args: Any, columns: Columns, sharding: Sharding, **kwargs: Any
) -> RunSummary:
    """``_run`` for the commands that read a split in resumable shards."""
    return _run(
        fn,
        *args,
        columns=columns.to_map(),
        run=sharding.to_config(),
        split=sharding.split,
        quiet=sharding.quiet,
        **kwargs,
    )


def _print_summary(summary: RunSummary) -> None:
    table = Table(title=f"{summary.output}", show_header=False)
    table.add_row("input rows", str(summary.n_input))
    table.add_row("kept", str(summary.n_kept))
    table.add_row("dropped", f"{summary.n_dropped} -> {summary.dropped_path}")
    for rule, count in summary.drops_by_rule.items():
        table.add_row(f"  {rule}", str(count))
    table.add_row("quarantined", f"{summary.n_quarantined} -> {summary.quarantine_path}")
    table.add_row(
        "shards run / skipped", f"{len(summary.shards_run)} / {len(summary.shards_skipped)}"
    )
    console.print(table)


@app.command("filter")
@option_groups
def filter_cmd(
    input_path: Input,
    output: Output,
    config: Annotated[FilterConfig, Fields(flags={"k": "--pass-at", "no_cot": "--no-cot"})],
    # Not FilterStepOptions.regenerate: on the command line existing responses are kept
    # unless asked (a recipe's filter step regenerates whenever it has a backend).
    regenerate: Annotated[
        bool, typer.Option(help="with a backend: ignore existing responses and sample anew")
    ] = False,
    columns: Columns = Columns(),
    backend: Backend = None,
    model: Model = None,
    endpoint: Endpoint = Endpoint(),
    template: Template = default_of(GenerationConfig, "template"),
    n_samples: Annotated[
        int | None,
        typer.Option("-n", "--n-samples", help="samples per prompt (default: --pass-at)"),
    ] = None,
    sampling: Sampling = Sampling(),
    verification: VerifyOrServer = ScoreConfig(),
    sharding: Sharding = Sharding(),
) -> None:
    """Pass-rate filter: n, c, pass_rate, pass@k, maj@k; drop solved/unsolved or keep a band."""
    with _user_errors():
        n = n_samples or config.k
        generation = _rollout_generation(
            backend, model, endpoint, template, n, sampling, no_cot=config.no_cot
        )
        _run_sharded(
            commands.filter_pass_rate,
            input_path,
            output,
            config,
            verification,
            generation,
            columns=columns,
            sharding=sharding,
            regenerate=regenerate,
        )


@app.command("rollouts")
@option_groups
def rollouts_cmd(
    input_path: Input,
    output: Output,
    model: Annotated[str, typer.Option(help="model path/name (or served model id)")],
    backend: Annotated[BackendName, typer.Option(help="generation backend")] = default_of(
        GenerationConfig, "backend"
    ),
    no_cot: Annotated[
        bool,
        typer.Option("--no-cot", help="answer only, short token budget (Kimi's guessing test)"),
    ] = False,
    endpoint: Endpoint = Endpoint(),
    template: Template = default_of(GenerationConfig, "template"),
    n_samples: NSamples = default_of(GenerationConfig, "n"),
    sampling: Sampling = Sampling(),
    columns: Columns = Columns(),
    sharding: Sharding = Sharding(shard_size=100),
) -> None:
    """Sample N responses per prompt with a template through vllm, openai or transformers."""
    with _user_errors():
        generation = _rollout_generation(
            backend, model, endpoint, template, n_samples, sampling, no_cot=no_cot
        )
        assert generation is not None
        _run_sharded(
            commands.rollouts, input_path, output, generation, columns=columns, sharding=sharding
        )


@app.command("score")
@option_groups
def score_cmd(
    input_path: Input,
    output: Output,
    verification: VerifyOrServer = ScoreConfig(),
    columns: Columns = Columns(),
    sharding: Sharding = Sharding(),
) -> None:
    """Verify every response with the registered verifiers (bounded runner) or a reward server."""
    with _user_errors():
        _run_sharded(
            commands.score_rollouts,
            input_path,
            output,
            verification,
            columns=columns,
            sharding=sharding,
        )


@app.command("hackable")
@option_groups
def hackable_cmd(
    input_path: Input,
    output: Output,
    options: Annotated[HackableOptions, Fields(flags={"rules": "--rule"})],
    backend: Backend = None,
    model: Model = None,
    endpoint: Endpoint = Endpoint(),
    max_tokens: Annotated[int, typer.Option(help="judge reply budget")] = 16,
    dtype: Dtype = default_of(GenerationConfig, "dtype"),
    engine_arg: EngineArg = None,
    verification: Verify = ScoreConfig(),
    columns: Columns = Columns(),
    sharding: Sharding = Sharding(),
) -> None:
    """Drop multiple-choice, true/false, yes/no, proof, multi-part and uncheckable prompts."""
    with _user_errors():
        generation = _generation(
            backend,
            model,
            **dataclasses.asdict(endpoint),
            template=TemplateName.RAW,
            n=1,
            temperature=0.0,
            max_tokens=max_tokens,
            dtype=dtype,
            engine_arg=engine_arg,
        )
        _run_sharded(
            commands.hackable,
            input_path,
            output,
            rules=[r.value for r in options.rules] if options.rules else None,
            check_verifier=options.check_verifier,
            judge=options.judge,
            score=verification,
            generation=generation,
            columns=columns,
            sharding=sharding,
        )


@app.command("decontaminate")
@option_groups
def decontaminate_cmd(
    input_path: Input,
    output: Output,
    options: DecontaminateOptions,
    columns: Columns = Columns(),
    sharding: Sharding = Sharding(),
) -> None:
    """Drop prompts sharing a word n-gram with, or MinHash-close to, a benchmark prompt."""
    with _user_errors():
        cfg = DecontaminationConfig(**options.model_dump(exclude={"against"}))
        _run_sharded(
            commands.decontaminate,
            input_path,
            output,
            list(options.against),
            cfg,
            columns=columns,
            sharding=sharding,
        )


@app.command("dedup")
@option_groups
def dedup_cmd(
    input_path: Input,
    output: Output,
    config: Annotated[
        DecontaminationConfig,
        Fields("threshold", "minhash", flags={"minhash": "--minhash/--no-minhash"}),
    ],
    columns: Columns = Columns(),
    split: Split_ = "train",
    quiet: Quiet = False,
    engine: Engine = "local",
    ray_address: RayAddress = None,
) -> None:
    """Drop exact and near-duplicate prompts within the set (the first copy is kept)."""
    with _user_errors():
        _run(
            commands.dedup,
            input_path,
            output,
            config,
            columns=columns.to_map(),
            split=split,
            quiet=quiet,
            run=RunConfig(engine=engine, ray_address=ray_address, progress=not quiet),
        )


@app.command("gen-tests")
@option_groups
def gen_tests_cmd(
    input_path: Input,
    output: Output,
    config: Annotated[
        GenTestsConfig,
        Fields(
            "sources",
            "agree_fraction",
            "problem_pass_fraction",
            "max_new",
            "mutants",
            "references_column",
            "sandbox_backend",
            flags={
                "sources": "--source",
                "agree_fraction": "--agree",
                "problem_pass_fraction": "--problem-pass",
                "references_column": "--references-col",
            },
        ),
    ],
    model: Annotated[str | None, typer.Option(help="model for the model source")] = None,
    backend: Annotated[BackendName | None, typer.Option(help="generation backend")] = None,
    endpoint: Endpoint = Endpoint(),
    sampling: Sampling = Sampling(),
    columns: Columns = Columns(),
    sharding: Sharding = Sharding(shard_size=50),
) -> None:
    """Generate tests for code rows, keep those the reference solutions agree on (Kimi k1.5)."""
    with _user_errors():
        generation = _generation(
            backend,
            model,
            **dataclasses.asdict(endpoint),
            template=TemplateName.CHAT,
            n=1,
            **dataclasses.asdict(sampling),
        )
        config = config.model_copy(update={"generation": generation})
        _run_sharded(
            gen_tests_command, input_path, output, config, columns=columns, sharding=sharding
        )


@app.command("curriculum")
@option_groups
def curriculum_cmd(
    input_path: Input,
    output: Output,
    config: CurriculumConfig,
    columns: Columns = Columns(),
    split: Split_ = "train",
    quiet: Quiet = False,
    engine: Engine = "local",
    ray_address: RayAddress = None,
) -> None:
    """Easy-to-hard order, difficulty bins and sampling_weight = max(floor, 1 - pass_rate)."""
    with _user_errors():
        _run(
            commands.curriculum,
            input_path,
            output,
            config,
            columns=columns.to_map(),
            split=split,
            quiet=quiet,
            run=RunConfig(engine=engine, ray_address=ray_address, progress=not quiet),
        )


@app.command("rejection-sample")
@option_groups
def rejection_cmd(
    input_path: Input,
    output: Output,
    config: Annotated[
        RejectionConfig,
        Fields(flags={"max_per_prompt": ("-m", "--max-per-prompt"), "checks": "--check"}),
    ],
    verification: VerifyOrServer = ScoreConfig(),
    columns: Columns = Columns(),
    sharding: Sharding = Sharding(),
) -> None:
    """R1 SFT data: correct rollouts passing the quality predicates, at most m per prompt."""
    with _user_errors():
        _run_sharded(
            commands.rejection_sample,
            input_path,
            output,
            config,
            verification,
            columns=columns,
            sharding=sharding,
        )


@app.command("report")
@option_groups
def report_cmd(
    input_path: Annotated[
        list[Path],
        typer.Argument(help="curate output(s); a pipeline's in order (side files found beside)"),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write")],
    options: ReportOptions = ReportOptions(),
) -> None:
    """HTML report: pass-rate histogram per source, kept/dropped per rule, response lengths."""
    with _user_errors():
        path = commands.report(list(input_path), output, options.title)
        console.print(f"report written to {path}")


@app.command("run")
def run_cmd(
    recipe: Annotated[str, typer.Argument(help="recipe YAML path or a shipped name (kimi)")],
    input_path: Annotated[str, typer.Option("-i", "--input", help="input dataset")],
    output: Output,
    model: Annotated[
        str | None, typer.Option(help="override generation.model of every step")
    ] = None,
    workdir: Annotated[str | None, typer.Option(help="override the recipe's workdir")] = None,
    backend: Annotated[
        BackendName | None,
        typer.Option(help="override generation.backend of every step (no GPU: transformers)"),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="override generation.base_url (the openai backend)")
    ] = None,
    template: Annotated[
        TemplateName | None,
        typer.Option(help="override generation.template (instruct/chat models: chat)"),
    ] = None,
) -> None:
    """Run a whole pipeline from a YAML recipe (see curation/recipes/kimi.yaml)."""
    with _user_errors():
        parsed = load_recipe(recipe)
        if workdir:
            parsed = parsed.model_copy(update={"workdir": workdir})

        def show(index: int, name: str, summary: Any) -> None:
            console.rule(f"step {index}: {name}")
            if isinstance(summary, RunSummary):
                _print_summary(summary)

        try:
            overrides = {"backend": backend, "base_url": base_url, "template": template}
            run_recipe(
                parsed,
                input_path,
                output,
                model=model,
                generation_overrides=overrides,
                on_step=show,
            )
        except ConfigError as exc:  # name the file the typo is in
            raise ConfigError(f"{recipe}: {exc}") from None
        console.print(f"recipe {parsed.name!r} done: {output}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
