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
    EngineArg,
    Input,
    Model,
    NSamples,
    Output,
    Quiet,
    Sampling,
    Server,
    Sharding,
    Split_,
    Template,
    Verification,
    option_groups,
)
from curation.config import (
    NO_COT_MAX_TOKENS,
    BackendName,
    ConfigError,
    FilterConfig,
    GenerationConfig,
    TemplateName,
)
from curation.curriculum import CurriculumConfig
from curation.decontaminate import DecontaminationConfig
from curation.gen_tests.command import gen_tests as gen_tests_command
from curation.gen_tests.config import GenTestsConfig, InputSource
from curation.hackable import HackRule
from curation.recipe import load_recipe, run_recipe
from curation.rejection import RejectionConfig
from curation.shards import RunSummary
from verifiers.analysis.quality import QualityConfig, QualityIssue

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
    return GenerationConfig(backend=backend or BackendName.TRANSFORMERS, model=model, **kwargs)


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
    pass_at: Annotated[int, typer.Option("--pass-at", help="k of pass@k / maj@k")] = 8,
    keep_unsolved: Annotated[bool, typer.Option(help="keep prompts no sample solved")] = False,
    keep_solved: Annotated[bool, typer.Option(help="keep prompts every sample solved")] = False,
    min_pass_rate: Annotated[
        float | None, typer.Option(help="keep pass rate >= this (band mode)")
    ] = None,
    max_pass_rate: Annotated[
        float | None, typer.Option(help="keep pass rate <= this (band mode)")
    ] = None,
    regenerate: Annotated[
        bool, typer.Option(help="with a backend: ignore existing responses and sample anew")
    ] = False,
    no_cot: Annotated[
        bool,
        typer.Option(
            "--no-cot", help="answer-only rollouts: drop any prompt guessed right within k"
        ),
    ] = False,
    columns: Columns = Columns(),
    backend: Backend = None,
    model: Model = None,
    endpoint: Endpoint = Endpoint(),
    template: Template = TemplateName.R1_ZERO,
    n_samples: Annotated[
        int | None,
        typer.Option("-n", "--n-samples", help="samples per prompt (default: --pass-at)"),
    ] = None,
    sampling: Sampling = Sampling(),
    verification: Verification = Verification(),
    server: Server = None,
    sharding: Sharding = Sharding(),
) -> None:
    """Pass-rate filter: n, c, pass_rate, pass@k, maj@k; drop solved/unsolved or keep a band."""
    with _user_errors():
        generation = _rollout_generation(
            backend, model, endpoint, template, n_samples or pass_at, sampling, no_cot=no_cot
        )
        config = FilterConfig(
            k=pass_at,
            keep_unsolved=keep_unsolved,
            keep_solved=keep_solved,
            min_pass_rate=min_pass_rate,
            max_pass_rate=max_pass_rate,
            no_cot=no_cot,
        )
        _run_sharded(
            commands.filter_pass_rate,
            input_path,
            output,
            config,
            verification.to_config(server),
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
    backend: Annotated[
        BackendName, typer.Option(help="generation backend")
    ] = BackendName.TRANSFORMERS,
    no_cot: Annotated[
        bool,
        typer.Option("--no-cot", help="answer only, short token budget (Kimi's guessing test)"),
    ] = False,
    endpoint: Endpoint = Endpoint(),
    template: Template = TemplateName.R1_ZERO,
    n_samples: NSamples = 8,
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
    verification: Verification = Verification(),
    server: Server = None,
    columns: Columns = Columns(),
    sharding: Sharding = Sharding(),
) -> None:
    """Verify every response with the registered verifiers (bounded runner) or a reward server."""
    with _user_errors():
        _run_sharded(
            commands.score_rollouts,
            input_path,
            output,
            verification.to_config(server),
            columns=columns,
            sharding=sharding,
        )


@app.command("hackable")
@option_groups
def hackable_cmd(
    input_path: Input,
    output: Output,
    rule: Annotated[
        list[HackRule] | None, typer.Option(help="rules to apply (repeatable; default all)")
    ] = None,
    check_verifier: Annotated[
        bool, typer.Option(help="also drop golds the task's verifier cannot match with themselves")
    ] = False,
    judge: Annotated[
        bool, typer.Option(help="also ask a model (the generation backend) to classify")
    ] = False,
    backend: Backend = None,
    model: Model = None,
    endpoint: Endpoint = Endpoint(),
    max_tokens: Annotated[int, typer.Option(help="judge reply budget")] = 16,
    dtype: Dtype = "auto",
    engine_arg: EngineArg = None,
    verification: Verification = Verification(),
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
            rules=[r.value for r in rule] if rule else None,
            check_verifier=check_verifier,
            judge=judge,
            score=verification.to_config(),
            generation=generation,
            columns=columns,
            sharding=sharding,
        )


@app.command("decontaminate")
@option_groups
def decontaminate_cmd(
    input_path: Input,
    output: Output,
    against: Annotated[list[str], typer.Option(help="benchmark file/folder (repeatable)")],
    ngram: Annotated[int, typer.Option(help="word n-gram length")] = 8,
    threshold: Annotated[float, typer.Option(help="MinHash Jaccard threshold")] = 0.8,
    no_minhash: Annotated[bool, typer.Option("--no-minhash", help="n-gram overlap only")] = False,
    against_column: Annotated[
        str | None, typer.Option(help="prompt column of the benchmark files")
    ] = None,
    columns: Columns = Columns(),
    sharding: Sharding = Sharding(),
) -> None:
    """Drop prompts sharing a word n-gram with, or MinHash-close to, a benchmark prompt."""
    with _user_errors():
        cfg = DecontaminationConfig(
            ngram=ngram, threshold=threshold, minhash=not no_minhash, against_column=against_column
        )
        _run_sharded(
            commands.decontaminate,
            input_path,
            output,
            against,
            cfg,
            columns=columns,
            sharding=sharding,
        )


@app.command("dedup")
@option_groups
def dedup_cmd(
    input_path: Input,
    output: Output,
    threshold: Annotated[float, typer.Option(help="MinHash Jaccard threshold")] = 0.8,
    no_minhash: Annotated[bool, typer.Option("--no-minhash", help="exact duplicates only")] = False,
    columns: Columns = Columns(),
    split: Split_ = "train",
    quiet: Quiet = False,
) -> None:
    """Drop exact and near-duplicate prompts within the set (the first copy is kept)."""
    with _user_errors():
        _run(
            commands.dedup,
            input_path,
            output,
            DecontaminationConfig(threshold=threshold, minhash=not no_minhash),
            columns=columns.to_map(),
            split=split,
            quiet=quiet,
        )


_GT = {name: f.default for name, f in GenTestsConfig.model_fields.items()}


@app.command("gen-tests")
@option_groups
def gen_tests_cmd(
    input_path: Input,
    output: Output,
    source: Annotated[
        list[InputSource] | None,
        typer.Option(help="candidate sources (repeat); default: mutation and generator"),
    ] = None,
    agree: Annotated[float, typer.Option(help="share of references that must agree")] = _GT[
        "agree_fraction"
    ],
    problem_pass: Annotated[
        float, typer.Option(help="share of references that must pass all kept cases")
    ] = _GT["problem_pass_fraction"],
    max_new: Annotated[int, typer.Option(help="generated cases kept per problem")] = _GT["max_new"],
    mutants: Annotated[int, typer.Option(help="mutants per problem (strength report)")] = _GT[
        "mutants"
    ],
    references_col: Annotated[str, typer.Option(help="list column of reference programs")] = (
        "references"
    ),
    sandbox_backend: Annotated[str, typer.Option(help="local or docker")] = _GT["sandbox_backend"],
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
        config = GenTestsConfig(
            sources=tuple(source) if source else GenTestsConfig().sources,
            agree_fraction=agree,
            problem_pass_fraction=problem_pass,
            max_new=max_new,
            mutants=mutants,
            references_column=references_col,
            tests_column="answer",
            sandbox_backend=sandbox_backend,
            generation=generation,
        )
        _run_sharded(
            gen_tests_command, input_path, output, config, columns=columns, sharding=sharding
        )


@app.command("curriculum")
@option_groups
def curriculum_cmd(
    input_path: Input,
    output: Output,
    bins: Annotated[int, typer.Option(help="equal-width difficulty bins")] = 5,
    floor: Annotated[float, typer.Option(help="minimum sampling weight")] = 0.05,
    no_order: Annotated[bool, typer.Option("--no-order", help="keep the input order")] = False,
    max_per_source: Annotated[
        int | None, typer.Option(help="keep at most N prompts per source (balance)")
    ] = None,
    columns: Columns = Columns(),
    split: Split_ = "train",
    quiet: Quiet = False,
) -> None:
    """Easy-to-hard order, difficulty bins and sampling_weight = max(floor, 1 - pass_rate)."""
    with _user_errors():
        _run(
            commands.curriculum,
            input_path,
            output,
            CurriculumConfig(
                bins=bins, floor=floor, order=not no_order, max_per_source=max_per_source
            ),
            columns=columns.to_map(),
            split=split,
            quiet=quiet,
        )


@app.command("rejection-sample")
@option_groups
def rejection_cmd(
    input_path: Input,
    output: Output,
    max_per_prompt: Annotated[
        int, typer.Option("-m", "--max-per-prompt", help="samples kept per prompt")
    ] = 4,
    check: Annotated[
        list[QualityIssue] | None, typer.Option(help="quality predicate to apply (repeatable)")
    ] = None,
    target: Annotated[
        str | None, typer.Option(help="language of the thought (default: the prompt's)")
    ] = None,
    min_language_ratio: Annotated[
        float, typer.Option(help="reject below this share of target-language words")
    ] = 0.95,
    max_paragraph_words: Annotated[int, typer.Option(help="reject longer paragraphs")] = 400,
    allow_code_blocks: Annotated[bool, typer.Option(help="keep thoughts with code blocks")] = False,
    verification: Verification = Verification(),
    server: Server = None,
    columns: Columns = Columns(),
    sharding: Sharding = Sharding(),
) -> None:
    """R1 SFT data: correct rollouts passing the quality predicates, at most m per prompt."""
    with _user_errors():
        _run_sharded(
            commands.rejection_sample,
            input_path,
            output,
            RejectionConfig(
                max_per_prompt=max_per_prompt,
                checks=tuple(check) if check else None,
                target=target,
                quality=QualityConfig(
                    min_language_ratio=min_language_ratio,
                    max_paragraph_words=max_paragraph_words,
                    allow_code_blocks=allow_code_blocks,
                ),
            ),
            verification.to_config(server),
            columns=columns,
            sharding=sharding,
        )


@app.command("report")
def report_cmd(
    input_path: Annotated[
        list[Path],
        typer.Argument(help="curate output(s); a pipeline's in order (side files found beside)"),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write")],
    title: Annotated[str | None, typer.Option(help="page title")] = None,
) -> None:
    """HTML report: pass-rate histogram per source, kept/dropped per rule, response lengths."""
    with _user_errors():
        path = commands.report(list(input_path), output, title)
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
