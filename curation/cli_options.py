"""Command-line options shared by several ``curate`` commands (typed, documented once)."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

import typer
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined

from curation.config import (
    BackendName,
    ColumnMap,
    GenerationConfig,
    RunConfig,
    ScoreConfig,
    TemplateName,
)


def default_of(model: type[BaseModel], name: str) -> Any:
    """A config field's default, so an option group restates no default by hand."""
    return model.model_fields[name].get_default(call_default_factory=True)


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

    id_col: IdCol = default_of(ColumnMap, "id")
    prompt_col: PromptCol = default_of(ColumnMap, "prompt")
    answer_col: AnswerCol = default_of(ColumnMap, "answer")
    responses_col: ResponsesCol = default_of(ColumnMap, "responses")
    source_col: SourceCol = default_of(ColumnMap, "source")
    task_col: TaskCol = default_of(ColumnMap, "task")

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
    shard_size: ShardSize = default_of(RunConfig, "shard_size")
    keep_shards: KeepShards = default_of(RunConfig, "keep_shards")
    quiet: Quiet = False
    engine: Engine = default_of(RunConfig, "engine")
    ray_address: RayAddress = default_of(RunConfig, "ray_address")
    ray_actors: RayActors = default_of(RunConfig, "ray_actors")

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

    base_url: BaseUrl = default_of(GenerationConfig, "base_url")
    api_key: ApiKey = default_of(GenerationConfig, "api_key")


@dataclass(frozen=True)
class Sampling(OptionGroup):
    """Sampling and engine knobs of the rollout-producing commands."""

    temperature: Temperature = default_of(GenerationConfig, "temperature")
    top_p: TopP = default_of(GenerationConfig, "top_p")
    max_tokens: MaxTokens = default_of(GenerationConfig, "max_tokens")
    seed: Seed = default_of(GenerationConfig, "seed")
    concurrency: Concurrency = default_of(GenerationConfig, "concurrency")
    dtype: Dtype = default_of(GenerationConfig, "dtype")
    max_model_len: MaxModelLen = default_of(GenerationConfig, "max_model_len")
    engine_arg: EngineArg = None


R = TypeVar("R")


@dataclass(frozen=True)
class Fields:
    """How a config model's fields appear on one command's command line.

    Put it in ``Annotated[Model, Fields(...)]`` on a command parameter: the
    parameter becomes one option per field (all fields, or those named), each with
    the field's default and its ``description`` as help, so both are written once,
    on the model. ``flags`` gives a field other flag names than ``--field-name``
    (``{"k": "--pass-at"}``; ``"--minhash/--no-minhash"`` for an on/off pair); a
    field typed with a nested config model is spread too, its fields under their
    own names (or dotted keys in ``flags``).
    """

    include: tuple[str, ...] | None = None
    flags: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __init__(
        self, *include: str, flags: dict[str, str | tuple[str, ...]] | None = None
    ) -> None:
        object.__setattr__(self, "include", include or None)
        pairs = ((k, (v,) if isinstance(v, str) else tuple(v)) for k, v in (flags or {}).items())
        object.__setattr__(self, "flags", tuple(pairs))


@dataclass(frozen=True)
class ModelOption:
    """One spread option: the model field it sets (a path into nested models), its flag."""

    model: type[BaseModel]
    path: tuple[str, ...]
    flag: str
    multiple: bool


def _cli_type(annotation: Any) -> tuple[Any, bool]:
    """A field type Typer can read (tuples of items become repeatable options), and
    whether the option is repeatable."""
    optional = False
    inner = annotation
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(get_args(annotation)) == 2:
            optional, inner = True, args[0]
    if get_origin(inner) in (tuple, list):
        items = [a for a in get_args(inner) if a is not Ellipsis]
        if len(set(items)) == 1:
            seq: Any = list[items[0]]  # type: ignore[valid-type]
            return (seq | None if optional else seq), True
    return annotation, False


def _option_name(decls: tuple[str, ...], default: str) -> str:
    """The parameter name Typer derives its flag from: the first long flag's."""
    for decl in decls:
        if decl.startswith("--"):
            return decl.split("/")[0][2:].replace("-", "_")
    return default


def _model_options(
    kind: type[BaseModel],
    given: Any,
    spec: Fields,
    prefix: tuple[str, ...] = (),
    root: type[BaseModel] | None = None,
) -> tuple[list[inspect.Parameter], dict[str, ModelOption]]:
    """A config model's fields as Typer options (default and help written once, on the
    model), and which field each option sets."""
    flags = dict(spec.flags)
    names = spec.include if spec.include is not None and not prefix else tuple(kind.model_fields)
    params: list[inspect.Parameter] = []
    options: dict[str, ModelOption] = {}
    for name in names:
        field = kind.model_fields.get(name)
        if field is None:
            raise TypeError(f"{kind.__name__} has no field {name!r}")
        path = (*prefix, name)
        if given is not None:
            default: Any = getattr(given, name)
        else:
            default = field.get_default(call_default_factory=True)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            nested = _model_options(annotation, default, spec, path, root or kind)
            params.extend(nested[0])
            options.update(nested[1])
            continue
        decls = flags.get(".".join(path), ())
        cli_type, multiple = _cli_type(annotation)
        if default is PydanticUndefined:
            default = inspect.Parameter.empty  # a required option
        elif multiple and isinstance(default, tuple):
            default = list(default)
        param_name = _option_name(decls, name)
        flag = decls[-1] if decls else "--" + param_name.replace("_", "-")
        help_text = field.description or ""
        # Built at run time from the model's field, so a static checker cannot see the type.
        option = Annotated[cli_type, typer.Option(*decls, help=help_text)]  # type: ignore[valid-type]
        params.append(
            inspect.Parameter(
                param_name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=option
            )
        )
        options[param_name] = ModelOption(root or kind, path, flag.split("/")[0], multiple)
    return params, options


def _model_hint(hint: Any) -> tuple[type[BaseModel], Fields] | None:
    """``(Model, Fields)`` when a parameter's annotation is a config model to spread."""
    spec = Fields()
    if get_origin(hint) is Annotated:
        hint, *extras = get_args(hint)
        spec = next((e for e in extras if isinstance(e, Fields)), spec)
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return hint, spec
    return None


def _packed_model(
    kind: type[BaseModel],
    given: BaseModel | None,
    options: dict[str, ModelOption],
    kwargs: dict[str, Any],
) -> BaseModel:
    """The spread options packed back into one model; a bad value ends the command with
    a message naming its flag (exit status 2, like any other bad flag)."""
    values: dict[str, Any] = given.model_dump(exclude_unset=True) if given is not None else {}
    for name, option in options.items():
        value = kwargs.pop(name)
        if option.multiple and value is not None and len(value) == 0:
            continue  # a repeatable option given no value keeps the model's default
        target = values
        for part in option.path[:-1]:
            target = target.setdefault(part, {})
        target[option.path[-1]] = value
    try:
        return kind.model_validate(values)
    except ValidationError as exc:
        flags = {o.path: o.flag for o in options.values()}
        problems = []
        for err in exc.errors():
            message = err["msg"].removeprefix("Value error, ")
            where = flags.get(tuple(str(p) for p in err["loc"]))
            problems.append(f"{where}: {message}" if where else message)
        typer.echo(f"error: {'; '.join(problems)}", err=True)
        raise typer.Exit(2) from None


def model_options(command: Callable[..., Any]) -> dict[str, ModelOption]:
    """Which config-model field each of a command's spread options sets (for tests)."""
    return dict(getattr(command, "__model_options__", {}))


def option_groups(command: Callable[..., R]) -> Callable[..., R]:
    """Let a Typer command take ``OptionGroup`` and config-model parameters.

    Each parameter annotated with a group, or with a pydantic config model (a step's
    options model from ``curation.step_table``, ``ScoreConfig``...; optionally
    ``Annotated[Model, Fields(...)]`` to pick fields and flags), is replaced, at its
    place, by the fields (so ``--help`` lists them where the parameter stands); an
    instance as the parameter's default sets that command's defaults. A model's
    defaults and help are its fields' own, so they are written once. On a call the
    fields are packed back into one instance. Every parameter becomes keyword-only,
    which is how Typer calls a command anyway.
    """
    hints = get_type_hints(command, include_extras=True)
    spread: list[inspect.Parameter] = []
    groups: dict[str, tuple[type[Any], tuple[str, ...]]] = {}
    models: dict[str, tuple[type[BaseModel], Any, dict[str, ModelOption]]] = {}
    for param in inspect.signature(command).parameters.values():
        hint = hints.get(param.name, param.annotation)
        model = _model_hint(hint)
        if model is not None:
            kind, spec = model
            given = None if param.default is inspect.Parameter.empty else param.default
            fields, options = _model_options(kind, given, spec)
            spread.extend(fields)
            models[param.name] = (kind, given, options)
            continue
        kind = hint
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
        for name, (kind, given, options) in models.items():
            kwargs[name] = _packed_model(kind, given, options, kwargs)
        for name, (group, names) in groups.items():
            kwargs[name] = group(**{field: kwargs.pop(field) for field in names})
        return command(**kwargs)

    signature = inspect.signature(command).replace(parameters=spread)
    # typer reads __signature__ (inspect's protocol), which typeshed does not declare on functions
    packed.__signature__ = signature  # type: ignore[attr-defined]
    packed.__annotations__ = {p.name: p.annotation for p in spread}
    packed.__model_options__ = {  # type: ignore[attr-defined]
        name: option for _, _, options in models.values() for name, option in options.items()
    }
    return packed


_VERIFY = ("task", "timeout_s", "workers", "spec")
Verify = Annotated[ScoreConfig, Fields(*_VERIFY, flags={"timeout_s": "--timeout"})]
"""How responses are verified in-process (a command that cannot use a reward server)."""
VerifyOrServer = Annotated[
    ScoreConfig, Fields(*_VERIFY, "server", flags={"timeout_s": "--timeout"})
]
"""How responses are verified: in-process, or through a reward server (``--server``)."""
