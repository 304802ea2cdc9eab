"""Command-line options shared by several ``curate`` commands (typed, documented once)."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_type_hints

import typer
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from curation.config import BackendName, ColumnMap, RunConfig, ScoreConfig, TemplateName

Input = Annotated[
    str,
    typer.Argument(help="input: .jsonl/.json/.parquet/.csv, a save_to_disk folder or a hub name"),
]
Output = Annotated[
    Path,
    typer.Option(
        "-o", "--output", help="output file (suffix picks the format; none: dataset folder)"
    ),
]
IdCol = Annotated[str, typer.Option(help="column holding the row id")]
PromptCol = Annotated[str, typer.Option(help="column holding the prompt")]
AnswerCol = Annotated[str, typer.Option(help="column holding the gold answer")]
ResponsesCol = Annotated[str, typer.Option(help="list column holding sampled responses")]
SourceCol = Annotated[str, typer.Option(help="column naming the source dataset")]
TaskCol = Annotated[str, typer.Option(help="column naming the verifier per row")]
Split_ = Annotated[str, typer.Option("--split", help="split of a dataset folder / hub dataset")]
ShardSize = Annotated[int, typer.Option(help="rows per shard: the unit of resume")]
KeepShards = Annotated[bool, typer.Option(help="keep the .shards work folder after success")]
Quiet = Annotated[bool, typer.Option("--quiet", help="no progress bars")]
Engine = Annotated[
    Literal["local", "ray"], typer.Option(help=RunConfig.model_fields["engine"].description)
]
RayAddress = Annotated[
    str | None, typer.Option(help=RunConfig.model_fields["ray_address"].description)
]
RayActors = Annotated[
    int | None, typer.Option(help=RunConfig.model_fields["ray_actors"].description, min=1)
]
Backend = Annotated[BackendName | None, typer.Option(help="generation backend")]
Model = Annotated[str | None, typer.Option(help="model path/name (or served model id)")]
BaseUrl = Annotated[
    str | None, typer.Option(help="OpenAI-compatible base URL, e.g. http://host:8000/v1")
]
ApiKey = Annotated[str | None, typer.Option(envvar="OPENAI_API_KEY", help="bearer token (openai)")]
Spec = Annotated[
    str | None,
    typer.Option(
        help="score with a reward spec's total (preset such as r1_zero, or a file) instead "
        "of the task verifier's score; the same locally and with --server"
    ),
]
Template = Annotated[
    TemplateName,
    typer.Option(
        help="prompt template: r1_zero (default) is R1-Zero's completion prompt for BASE "
        "models; instruct/chat models need chat (their own chat template); no_cot = "
        "answer only; raw = the prompt as is"
    ),
]
NSamples = Annotated[int, typer.Option("-n", "--n-samples", help="samples per prompt")]
Temperature = Annotated[float, typer.Option(help="sampling temperature")]
TopP = Annotated[float, typer.Option(help="nucleus sampling")]
MaxTokens = Annotated[int, typer.Option(help="max new tokens per sample")]
Seed = Annotated[int, typer.Option(help="base seed (per prompt: seed + crc32(id))")]
Concurrency = Annotated[int, typer.Option(help="in-flight requests (openai backend)")]
Dtype = Annotated[str, typer.Option(help="model dtype; use float32 on CPU")]
MaxModelLen = Annotated[int | None, typer.Option(help="vllm context length")]
EngineArg = Annotated[
    list[str] | None, typer.Option(help="extra vllm.LLM argument KEY=JSON (repeatable)")
]
Task = Annotated[str, typer.Option(help="verifier for rows without a task column")]
Timeout = Annotated[float, typer.Option(help="hard time limit per verification (s)")]
Workers = Annotated[int, typer.Option(help="verification worker processes")]
Server = Annotated[
    str | None, typer.Option(help="score through a reward server (POST URL/v1/rewards)")
]


# -- option groups ---------------------------------------------------------------------
#
# Typer reads a command's flags from its signature, so flags that travel together
# (the column names, the sampling knobs...) would otherwise be declared again in
# every command. An option group declares them once as a frozen dataclass of
# ``Annotated`` fields; ``option_groups`` spreads it into the signature Typer sees.


@dataclass(frozen=True)
class OptionGroup:
    """Base of the flag groups ``option_groups`` knows how to spread and pack."""


@dataclass(frozen=True)
class Columns(OptionGroup):
    """Which input column holds what (every data command)."""

    id_col: IdCol = "id"
    prompt_col: PromptCol = "prompt"
    answer_col: AnswerCol = "answer"
    responses_col: ResponsesCol = "responses"
    source_col: SourceCol = "source"
    task_col: TaskCol = "task"

    def to_map(self) -> ColumnMap:
        return ColumnMap(
            id=self.id_col,
            prompt=self.prompt_col,
            answer=self.answer_col,
            responses=self.responses_col,
            source=self.source_col,
            task=self.task_col,
        )


@dataclass(frozen=True)
class Sharding(OptionGroup):
    """Split to read, resumable shards, progress bars (the commands that run in shards)."""

    split: Split_ = "train"
    shard_size: ShardSize = 1000
    keep_shards: KeepShards = False
    quiet: Quiet = False
    engine: Engine = "local"
    ray_address: RayAddress = None
    ray_actors: RayActors = None

    def to_config(self) -> RunConfig:
        return RunConfig(
            shard_size=self.shard_size,
            keep_shards=self.keep_shards,
            engine=self.engine,
            ray_address=self.ray_address,
            ray_actors=self.ray_actors,
        )


@dataclass(frozen=True)
class Endpoint(OptionGroup):
    """Where an openai-backend model is served."""

    base_url: BaseUrl = None
    api_key: ApiKey = None


@dataclass(frozen=True)
class Sampling(OptionGroup):
    """Sampling and engine knobs of the rollout-producing commands."""

    temperature: Temperature = 1.0
    top_p: TopP = 1.0
    max_tokens: MaxTokens = 1024
    seed: Seed = 0
    concurrency: Concurrency = 8
    dtype: Dtype = "auto"
    max_model_len: MaxModelLen = None
    engine_arg: EngineArg = None


@dataclass(frozen=True)
class Verification(OptionGroup):
    """How responses are verified in-process (``--server`` is declared apart: not every
    verifying command can use a reward server)."""

    task: Task = "math"
    timeout: Timeout = 5.0
    workers: Workers = 2
    spec: Spec = None

    def to_config(self, server: str | None = None) -> ScoreConfig:
        return ScoreConfig(
            task=self.task,
            timeout_s=self.timeout,
            workers=self.workers,
            server=server,
            spec=self.spec,
        )


R = TypeVar("R")


def _model_options(kind: type[BaseModel], defaults: BaseModel | None) -> list[inspect.Parameter]:
    """A config model's fields as Typer options: default and help written once, on the model."""
    out = []
    for name, field in kind.model_fields.items():
        if defaults is not None:
            default: Any = getattr(defaults, name)
        elif field.default is not PydanticUndefined:
            default = field.default
        else:
            default = inspect.Parameter.empty  # a required option
        help_text = field.description or ""
        # Built at run time from the model's field, so a static checker cannot see the type.
        annotation = Annotated[field.annotation, typer.Option(help=help_text)]  # type: ignore[name-defined]
        out.append(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
            )
        )
    return out


def option_groups(command: Callable[..., R]) -> Callable[..., R]:
    """Let a Typer command take ``OptionGroup`` and config-model parameters.

    Each parameter annotated with a group (or with a pydantic config model, e.g. a
    step's options model from ``curation.step_table``) is replaced, at its place, by
    the group's fields (so ``--help`` lists them where the parameter stands); a group
    instance as the parameter's default sets that command's defaults. A model's
    defaults and help are its fields' own, so they are written once. On a call the
    fields are packed back into one instance. Every parameter becomes keyword-only,
    which is how Typer calls a command anyway.
    """
    hints = get_type_hints(command, include_extras=True)
    spread: list[inspect.Parameter] = []
    groups: dict[str, tuple[type[Any], tuple[str, ...]]] = {}
    for param in inspect.signature(command).parameters.values():
        kind = hints.get(param.name, param.annotation)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            given = None if param.default is inspect.Parameter.empty else param.default
            fields = _model_options(kind, given)
            spread.extend(fields)
            groups[param.name] = (kind, tuple(p.name for p in fields))
            continue
        if not (isinstance(kind, type) and issubclass(kind, OptionGroup)):
            spread.append(param.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=kind))
            continue
        defaults = kind() if param.default is inspect.Parameter.empty else param.default
        field_hints = get_type_hints(kind, include_extras=True)
        names = tuple(f.name for f in dataclasses.fields(kind))
        spread.extend(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=getattr(defaults, name),
                annotation=field_hints[name],
            )
            for name in names
        )
        groups[param.name] = (kind, names)
    seen = [p.name for p in spread]
    if len(seen) != len(set(seen)):
        raise TypeError(f"{command.__name__}: a group field shadows another parameter")

    @functools.wraps(command)
    def packed(**kwargs: Any) -> R:
        for name, (kind, names) in groups.items():
            kwargs[name] = kind(**{field: kwargs.pop(field) for field in names})
        return command(**kwargs)

    signature = inspect.signature(command).replace(parameters=spread)
    # typer reads __signature__ (inspect's protocol), which typeshed does not declare on functions
    packed.__signature__ = signature  # type: ignore[attr-defined]
    packed.__annotations__ = {p.name: p.annotation for p in spread}
    return packed
