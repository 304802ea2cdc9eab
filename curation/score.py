"""Verify every rollout: locally through the bounded runner, or via a reward server.

Scoring is the expensive step (100k prompts x 8 rollouts is 800k verdicts),
so the local path does three things the naive loop does not:
1. **dedup**: for answer-only verifiers (math) the verdict depends only on the
   final answer (what follows ``</think>``), so identical (answer, gold) pairs
   are verified once; 8 rollouts of one prompt often share 1-3 answers;
2. **chunked jobs**: a worker job verifies a chunk of items, so IPC costs are
   paid per chunk, not per item; the chunk gets a time budget and, if it runs
   out or fails, its items are re-run one job each with the per-item hard
   timeout, so one pathological answer costs only itself;
3. results travel as small tuples, not pickled verdict objects.
The full verdicts are kept as a list-of-struct column (``verdicts``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from curation.config import ScoreConfig
from curation.schema import gold_value
from verifiers.core.registry import custom_entries, install, verify
from verifiers.core.runner import BoundedRunner
from verifiers.core.verdict import Status, Verdict
from verifiers.format import split_response

ANSWER_ONLY = frozenset({"math"})
"""Verifiers whose verdict is a function of the final answer alone (dedup is exact for them)."""

PER_ITEM_BUDGET_S = 0.05
Compact = tuple[float, bool | None, str, str | None, str, float, str]

VERDICT_STRUCT = pl.Struct(
    {
        "score": pl.Float64,
        "correct": pl.Boolean,
        "status": pl.Utf8,
        "extracted": pl.Utf8,
        "reason": pl.Utf8,
        "elapsed_s": pl.Float64,
        "details": pl.Utf8,
        "verifier": pl.Utf8,
    }
)


@dataclass(frozen=True)
class Job:
    """One distinct verification (after dedup)."""

    verifier: str
    response: str
    reference: Any
    options: tuple[tuple[str, Any], ...] = ()


def _compact(verdict: Verdict) -> Compact:
    details = (
        json.dumps(verdict.details, default=str, ensure_ascii=False) if verdict.details else ""
    )
    return (
        float(verdict.score),
        verdict.correct,
        verdict.status.value,
        verdict.extracted,
        verdict.reason,
        float(verdict.elapsed_s),
        details,
    )


def verify_chunk(jobs: Sequence[Job], registrations: dict[str, Any]) -> list[Compact]:
    """Worker side: verify a chunk of jobs (module level so worker processes can import it)."""
    install(registrations)
    return [_compact(verify(j.verifier, j.response, j.reference, **dict(j.options))) for j in jobs]


def _failed(status: Status, reason: str) -> Compact:
    return (0.0, False, status.value, None, reason, 0.0, "")


def _hashable(reference: Any) -> Any:
    if isinstance(reference, str | int | float | bool | None):
        return reference
    return json.dumps(reference, sort_keys=True, default=str)


def dedup_key(job: Job) -> tuple[Any, ...]:
    """Jobs with the same key get the same verdict."""
    reference = _hashable(job.reference)
    if job.verifier in ANSWER_ONLY:
        parts = split_response(job.response)
        return (job.verifier, parts.answer.strip(), parts.truncated, reference, job.options)
    return (job.verifier, job.response, reference, job.options)


def run_jobs(jobs: Sequence[Job], cfg: ScoreConfig, runner: BoundedRunner) -> list[Compact]:
    """Verdicts for ``jobs`` in order, each bounded by ``cfg.timeout_s``; never raises."""
    registrations = custom_entries()
    results: list[Compact | None] = [None] * len(jobs)
    chunks = [
        range(i, min(i + cfg.chunk_size, len(jobs))) for i in range(0, len(jobs), cfg.chunk_size)
    ]
    pending = []
    for idx in chunks:
        budget = cfg.timeout_s + PER_ITEM_BUDGET_S * len(idx)
        future = runner.submit(
            verify_chunk,
            [jobs[i] for i in idx],
            registrations,
            timeout_s=budget,
            on_timeout=lambda reason: None,
            on_error=lambda reason: None,
        )
        pending.append((idx, future))
    retry: list[int] = []
    for idx, future in pending:
        out = future.result()
        if out is None:  # the chunk ran out of time or failed: isolate the culprit
            retry.extend(idx)
        else:
            for i, value in zip(idx, out, strict=True):
                results[i] = value
    singles = [
        (
            i,
            runner.submit(
                verify_chunk,
                [jobs[i]],
                registrations,
                timeout_s=cfg.timeout_s,
                on_timeout=lambda reason: [_failed(Status.TIMEOUT, reason)],
                on_error=lambda reason: [_failed(Status.ERROR, reason)],
            ),
        )
        for i in retry
    ]
    for i, future in singles:
        results[i] = future.result()[0]
    return [r if r is not None else _failed(Status.ERROR, "no result") for r in results]


def _prompt_text(prompt: Any) -> str:
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list):
        return "\n".join(str(m.get("content", "")) for m in prompt if isinstance(m, dict))
    return ""


def build_jobs(df: pl.DataFrame, cfg: ScoreConfig) -> tuple[list[Job], list[list[int]]]:
    """Distinct jobs of a frame and, per row, the job index of each response."""
    tasks = df["task"].to_list() if "task" in df.columns else [None] * len(df)
    prompts = df["prompt"].to_list() if "prompt" in df.columns else [None] * len(df)
    index: dict[tuple[Any, ...], int] = {}
    jobs: list[Job] = []
    per_row: list[list[int]] = []
    for responses, gold, task, prompt in zip(
        df["responses"].to_list(), df["answer"].to_list(), tasks, prompts, strict=True
    ):
        verifier = task or cfg.task
        options: tuple[tuple[str, Any], ...] = ()
        if verifier not in ANSWER_ONLY and prompt is not None:
            options = (("prompt", _prompt_text(prompt)),)
        row = []
        for response in responses or []:
            reference = gold_value(gold, answer_only=verifier in ANSWER_ONLY)
            job = Job(verifier, response if isinstance(response, str) else "", reference, options)
            key = dedup_key(job)
            if key not in index:
                index[key] = len(jobs)
                jobs.append(job)
            row.append(index[key])
        per_row.append(row)
    return jobs, per_row


def _server_results(jobs: Sequence[Job], cfg: ScoreConfig) -> list[Compact]:
    from curation.server_client import score_via_server

    return score_via_server(jobs, cfg)


def score_frame(df: pl.DataFrame, cfg: ScoreConfig, runner: BoundedRunner | None) -> pl.DataFrame:
    """Add ``correct``, ``scores``, ``extracted`` (and ``verdicts``) list columns to ``df``."""
    jobs, per_row = build_jobs(df, cfg)
    if cfg.server:
        results = _server_results(jobs, cfg)
    else:
        if runner is None:
            raise ValueError("local scoring needs a BoundedRunner (or set server=URL)")
        results = run_jobs(jobs, cfg, runner)
    correct = [[results[j][1] for j in row] for row in per_row]
    scores = [[results[j][0] for j in row] for row in per_row]
    extracted = [[results[j][3] for j in row] for row in per_row]
    columns = [
        pl.Series("correct", correct, dtype=pl.List(pl.Boolean)),
        pl.Series("scores", scores, dtype=pl.List(pl.Float64)),
        pl.Series("extracted", extracted, dtype=pl.List(pl.Utf8)),
    ]
    if cfg.keep_verdicts:
        names = ("score", "correct", "status", "extracted", "reason", "elapsed_s", "details")
        verdicts = [
            [
                {**dict(zip(names, results[j], strict=True)), "verifier": jobs[j].verifier}
                for j in row
            ]
            for row in per_row
        ]
        if not cfg.keep_timings:  # timings differ run to run; outputs must not
            for verdict_row in verdicts:
                for verdict in verdict_row:
                    verdict["elapsed_s"] = None
        columns.append(pl.Series("verdicts", verdicts, dtype=pl.List(VERDICT_STRUCT)))
    return df.with_columns(columns)


def equivalence_table(
    pairs: set[tuple[str, str]], cfg: ScoreConfig, runner: BoundedRunner | None
) -> dict[tuple[str, str], bool]:
    """Whether each pair of math answers is the same value, judged by the math verifier.

    maj@k needs these for wrong answers only (right ones are all equal to the
    gold); all pairs of a shard go through the bounded runner in one batch, so
    a prompt costs no extra round trip. An undecidable pair (timeout, error)
    counts as different: a vote may be split, never wrongly merged.
    """
    ordered = sorted(pairs)
    if not ordered or runner is None:
        return dict.fromkeys(ordered, False)
    jobs = [Job("math", "\\boxed{" + a + "}", b) for a, b in ordered]
    return {
        pair: r[1] is True for pair, r in zip(ordered, run_jobs(jobs, cfg, runner), strict=True)
    }


def gold_checks(
    df: pl.DataFrame, cfg: ScoreConfig, runner: BoundedRunner | None
) -> list[str | None]:
    """Per row, why its gold cannot be checked by its verifier (None when it can).

    A math gold is checkable when the math verifier accepts ``\\boxed{gold}``
    against it: a gold it cannot parse would make every rollout wrong. Rows
    whose task names no registered verifier are uncheckable by definition.
    """
    from verifiers.core.registry import available

    tasks = df["task"].to_list() if "task" in df.columns else [None] * len(df)
    names = set(available())
    reasons: list[str | None] = [None] * len(df)
    jobs: list[Job] = []
    where: list[int] = []
    for i, (task, gold) in enumerate(zip(tasks, df["answer"].to_list(), strict=True)):
        verifier = task or cfg.task
        if verifier not in names:
            reasons[i] = f"no registered verifier named {verifier!r}"
        elif verifier == "math":
            jobs.append(Job("math", "\\boxed{" + str(gold) + "}", str(gold)))
            where.append(i)
    if jobs and runner is not None:
        for i, result in zip(where, run_jobs(jobs, cfg, runner), strict=True):
            if result[1] is not True:
                reasons[i] = (
                    "the math verifier cannot match the gold with itself "
                    f"({result[2]}: {result[4]})"
                )
    return reasons
