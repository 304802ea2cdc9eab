"""Command-line options shared by several ``curate`` commands (typed, documented once)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from curation.config import BackendName, TemplateName

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
Backend = Annotated[BackendName | None, typer.Option(help="generation backend")]
Model = Annotated[str | None, typer.Option(help="model path/name (or served model id)")]
BaseUrl = Annotated[
    str | None, typer.Option(help="OpenAI-compatible base URL, e.g. http://host:8000/v1")
]
ApiKey = Annotated[str | None, typer.Option(envvar="OPENAI_API_KEY", help="bearer token (openai)")]
Template = Annotated[TemplateName, typer.Option(help="prompt template")]
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
