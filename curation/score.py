"""Verify every rollout: locally through the bounded runner, or via a reward server.

Scoring is the expensive step (100k prompts x 8 rollouts is 800k verdicts),
so the local path does three things the naive loop does not:
1. **dedup**: for answer-only verifiers (their record says ``answer_only``) the
   verdict depends only on the final answer (what follows ``</think>``), so
   identical (answer, gold) pairs are verified once; 8 rollouts of one prompt
   often share 1-3 answers;
2. **chunked jobs**: a worker job verifies a chunk of items, so IPC costs are
   paid per chunk, not per item; the chunk gets a time budget and, if it runs
   out or fails, its items are re-run one job each with the per-item hard
   timeout, so one pathological answer costs only itself;
3. results travel as small ``VerdictRecord`` named tuples, not pickled verdicts.
The full verdicts are kept as a list-of-struct column (``verdicts``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import polars as pl

from curation.config import ScoreConfig
from curation.schema import QUARANTINE_REASON, gold_value, split_quarantined
from verifiers.core.options import OptionsError
from verifiers.core.registry import (
    Registry,
    VerifierInfo,
    custom_entries,
    default_registry,
    registry_for,
)
from verifiers.core.runner import BoundedRunner
from verifiers.core.verdict import Status, Verdict
from verifiers.format import prompt_text, split_response

PER_ITEM_BUDGET_S = 0.05
# Tries of a reward-server request (curate --server) before its items are marked error.
RETRIES = 4


class VerdictRecord(NamedTuple):
    """A verdict as curation keeps it: small to pickle, named to read."""

    score: float
    correct: bool | None
    status: str
    extracted: str | None
    reason: str
    elapsed_s: float
    details: str  # JSON text of the verdict's details ("" when none)


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
    spec: str | None = None  # score with this reward spec's total instead of the verifier's


def _compact(verdict: Verdict) -> VerdictRecord:
    details = (
        json.dumps(verdict.details, default=str, ensure_ascii=False) if verdict.details else ""
    )
    return VerdictRecord(
        float(verdict.score),
        verdict.correct,
        verdict.status.value,
        verdict.extracted,
        verdict.reason,
        float(verdict.elapsed_s),
        details,
    )


def verify_chunk(
    jobs: Sequence[Job], registrations: dict[str, VerifierInfo]
) -> list[VerdictRecord]:
    """Worker side: verify a chunk of jobs (module level so worker processes can import it).

    Rows whose verifier does not take the configured options were quarantined before
    (``split_scorable``); a verifier that still refuses its options gives an ``error``
    verdict naming them, never a silent default.
    """
    registry = registry_for(registrations)
    return [
        _spec_record(j) if j.spec is not None else _compact(_verify_job(registry, j)) for j in jobs
    ]


def _verify_job(registry: Registry, job: Job) -> Verdict:
    try:
        return registry.verify(job.verifier, job.response, job.reference, **dict(job.options))
    except (KeyError, ValueError) as exc:  # a configuration mistake of this row
        reason = exc.args[0] if exc.args else str(exc)
        return Verdict.failure(Status.ERROR, str(reason), verifier=job.verifier)


def _spec_record(job: Job) -> VerdictRecord:
    """``--spec``: the spec's total as the score (format terms included), in the worker."""
    from verifiers.core.reward import compute_reward

    assert job.spec is not None
    try:
        result = compute_reward(
            job.spec, job.response, job.reference, task=job.verifier, **dict(job.options)
        )
    except (KeyError, ValueError) as exc:  # a configuration mistake of this row
        return _failed(Status.ERROR, str(exc.args[0] if exc.args else exc))
    accuracy = next(iter(result.verdicts.values()), None)
    accuracy = result.verdicts.get("accuracy", accuracy)
    return VerdictRecord(
        float(result.total),
        result.correct,
        result.status.value,
        accuracy.extracted if accuracy else None,
        result.reason,
        sum(v.elapsed_s for v in result.verdicts.values()),
        json.dumps({"components": result.components}, default=str),
    )


def _failed(status: Status, reason: str) -> VerdictRecord:
    return VerdictRecord(0.0, False, status.value, None, reason, 0.0, "")


def _hashable(reference: Any) -> Any:
    if isinstance(reference, str | int | float | bool | None):
        return reference
    return json.dumps(reference, sort_keys=True, default=str)


def dedup_key(job: Job) -> tuple[Any, ...]:
    """Jobs with the same key get the same verdict."""
    reference = _hashable(job.reference)
    options = json.dumps(job.options, sort_keys=True, default=str)
    if default_registry.answer_only(job.verifier) and job.spec is None:  # a spec reads it all
        parts = split_response(job.response)
        return (job.verifier, parts.answer.strip(), parts.truncated, reference, options)
    return (job.verifier, job.response, reference, options, job.spec)


def run_jobs(jobs: Sequence[Job], cfg: ScoreConfig, runner: BoundedRunner) -> list[VerdictRecord]:
    """Verdicts for ``jobs`` in order, each bounded by ``cfg.timeout_s``; never raises."""
    registrations = custom_entries()
    results: list[VerdictRecord | None] = [None] * len(jobs)
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


def row_tasks(df: pl.DataFrame) -> list[str | None]:
    """Each row's task: its task column, else the verifier whose record claims its source
    (verl's ``data_source``: a mixed file may name the task on some rows only), else None."""
    tasks = df["task"].to_list() if "task" in df.columns else [None] * len(df)
    if "source" not in df.columns:
        return tasks
    sources = df["source"].cast(pl.Utf8, strict=False).to_list()
    return [t or default_registry.for_data_source(s) for t, s in zip(tasks, sources, strict=True)]


def row_problem(verifier: str, cfg: ScoreConfig) -> str | None:
    """Why rows verified by ``verifier`` cannot be scored with ``cfg``, or None.

    A row's task (its column, or the verifier claiming its source) picks its verifier,
    so ``cfg.options``, checked at load against ``cfg.task`` only, may not fit it:
    an option that verifier does not know, a bad value, or no such verifier. That is
    the row's configuration, not a verdict about its responses.
    """
    try:
        info = default_registry.info(verifier)
    except KeyError as exc:
        if cfg.server:  # the server may have verifiers this process does not
            return None
        return str(exc.args[0])
    try:
        info.check_options(cfg.options, where=f"score.options for this row's verifier {verifier!r}")
    except OptionsError as exc:
        return str(exc)
    return None


def split_scorable(df: pl.DataFrame, cfg: ScoreConfig) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows ``score_frame`` can verify, and the others with a ``quarantine_reason``
    (``row_problem``): quarantined, never scored as a column of error verdicts."""
    tasks = row_tasks(df)
    problems: dict[str, str | None] = {}
    reasons = []
    for task in tasks:
        verifier = task or cfg.task
        if verifier not in problems:
            problems[verifier] = row_problem(verifier, cfg)
        reasons.append(problems[verifier])
    if not any(reasons):
        return df, pl.DataFrame()
    return split_quarantined(df.with_columns(pl.Series(QUARANTINE_REASON, reasons, dtype=pl.Utf8)))


def build_jobs(df: pl.DataFrame, cfg: ScoreConfig) -> tuple[list[Job], list[list[int]]]:
    """Distinct jobs of a frame and, per row, the job index of each response."""
    tasks = row_tasks(df)
    prompts = df["prompt"].to_list() if "prompt" in df.columns else [None] * len(df)
    index: dict[tuple[Any, ...], int] = {}
    jobs: list[Job] = []
    per_row: list[list[int]] = []
    for responses, gold, task, prompt in zip(
        df["responses"].to_list(), df["answer"].to_list(), tasks, prompts, strict=True
    ):
        verifier = task or cfg.task
        options: tuple[tuple[str, Any], ...] = tuple(sorted(cfg.options.items()))
        if prompt is not None and _reads_prompt(verifier):
            options = (*options, ("prompt", prompt_text(prompt)))
        row = []
        for response in responses or []:
            reference = gold_value(gold, answer_only=_answer_only(verifier))
            text = response if isinstance(response, str) else ""
            job = Job(verifier, text, reference, options, cfg.spec)
            key = dedup_key(job)
            if key not in index:
                index[key] = len(jobs)
                jobs.append(job)
            row.append(index[key])
        per_row.append(row)
    return jobs, per_row


def _answer_only(verifier: str) -> bool:
    """Whether ``verifier`` judges only the final answer (its record says so)."""
    try:
        return default_registry.info(verifier).answer_only
    except KeyError:
        return False


def _reads_prompt(verifier: str) -> bool:
    """Whether a row's prompt is worth sending: not to answer-only verifiers (the prompt
    would only split the dedup), nor to one whose options have no ``prompt``."""
    try:
        info = default_registry.info(verifier)
    except KeyError:
        return False
    return not info.answer_only and info.accepts("prompt")


def _server_item(job: Job) -> dict[str, Any]:
    item: dict[str, Any] = {"response": job.response, "reference": job.reference}
    item["task"] = job.verifier
    if job.spec is not None:
        item["spec"] = job.spec
    options = dict(job.options)
    if "prompt" in options:
        item["prompt"] = options.pop("prompt")
    if options:
        item["context"] = options
    return item


def _from_server(result: dict[str, Any], verifier: str, spec: str | None = None) -> VerdictRecord:
    """The server's result as a verdict record: the task component's verdict gives
    ``extracted``; all components and verdicts are kept in ``details``."""
    verdicts = result.get("verdicts") or {}
    mine = [v for v in verdicts.values() if isinstance(v, dict) and v.get("verifier") == verifier]
    extracted = next((v.get("extracted") for v in mine if v.get("extracted") is not None), None)
    details = json.dumps(
        {"components": result.get("components", {}), "verdicts": verdicts}, default=str
    )
    # ``scores`` mean the task verifier's score, as in local scoring (not the spec total,
    # which adds format terms): the same file whichever way it was scored.
    score = next((v.get("score") for v in mine if v.get("score") is not None), None)
    if spec is not None:  # asked for the spec's total: the same number as local scoring
        score = result.get("total", 0.0)
    return VerdictRecord(
        float(score if score is not None else result.get("total", 0.0)),
        result.get("correct"),
        str(result.get("status", "ok")),
        extracted,
        str(result.get("reason", "")),
        0.0,
        details,
    )


def _server_results(jobs: Sequence[Job], cfg: ScoreConfig) -> list[VerdictRecord]:
    """``curate --server``: the reward server scores the jobs through the one reward client.

    A batch that still fails after the client's retries marks its items ``error``
    with the reason instead of stopping the run.
    """
    from server.clients.http import RewardClient, RewardServerError

    assert cfg.server is not None
    client = RewardClient(
        cfg.server,
        timeout_s=max(30.0, cfg.timeout_s * 4),
        attempts=RETRIES + 1,
        backoff_s=1.0,
        max_backoff_s=30.0,
        batch_size=cfg.server_batch,
    )
    out: list[VerdictRecord] = []
    try:
        for start in range(0, len(jobs), cfg.server_batch):
            chunk = jobs[start : start + cfg.server_batch]
            try:
                results = client.score([_server_item(j) for j in chunk])
            except RewardServerError as exc:
                reason = f"reward server unreachable or refusing: {exc}"[:1000]
                out.extend(VerdictRecord(0.0, None, "error", None, reason, 0.0, "") for _ in chunk)
                continue
            pairs = zip(results, chunk, strict=True)
            out.extend(_from_server(r, j.verifier, j.spec) for r, j in pairs)
    finally:
        client.close()
    return out


def score_frame(df: pl.DataFrame, cfg: ScoreConfig, runner: BoundedRunner | None) -> pl.DataFrame:
    """Add ``correct``, ``scores``, ``extracted`` (and ``verdicts``) list columns to ``df``."""
    jobs, per_row = build_jobs(df, cfg)
    if cfg.server:
        results = _server_results(jobs, cfg)
    else:
        if runner is None:
            raise ValueError("local scoring needs a BoundedRunner (or set server=URL)")
        results = run_jobs(jobs, cfg, runner)
    correct = [[results[j].correct for j in row] for row in per_row]
    scores = [[results[j].score for j in row] for row in per_row]
    extracted = [[results[j].extracted for j in row] for row in per_row]
    columns = [
        pl.Series("correct", correct, dtype=pl.List(pl.Boolean)),
        pl.Series("scores", scores, dtype=pl.List(pl.Float64)),
        pl.Series("extracted", extracted, dtype=pl.List(pl.Utf8)),
    ]
    if cfg.keep_verdicts:
        verdicts = [
            [{**results[j]._asdict(), "verifier": jobs[j].verifier} for j in row] for row in per_row
        ]
        if not cfg.keep_timings:  # timings differ run to run; outputs must not
            for verdict_row in verdicts:
                for verdict in verdict_row:
                    verdict["elapsed_s"] = None
        columns.append(pl.Series("verdicts", verdicts, dtype=pl.List(VERDICT_STRUCT)))
    return df.with_columns(columns)


def equivalence_table(
    pairs: set[tuple[str, str, str]], cfg: ScoreConfig, runner: BoundedRunner | None
) -> dict[tuple[str, str, str], bool]:
    """Whether each ``(verifier, a, b)`` pair of answers is the same value, judged by that
    verifier on ``a`` written as a response (its record's ``answer_template``) against ``b``.

    maj@k needs these for wrong answers only (right ones are all equal to the
    gold); all pairs of a shard go through the bounded runner in one batch, so
    a prompt costs no extra round trip. An undecidable pair (timeout, error)
    counts as different: a vote may be split, never wrongly merged.
    """
    ordered = sorted(pairs)
    if not ordered or runner is None:
        return dict.fromkeys(ordered, False)
    jobs = [Job(v, default_registry.info(v).as_response(a) or a, b) for v, a, b in ordered]
    return {
        pair: r.correct is True
        for pair, r in zip(ordered, run_jobs(jobs, cfg, runner), strict=True)
    }


def answer_template_of(verifier: str) -> str | None:
    """The record's way to write a bare answer as a response (None: not comparable)."""
    try:
        return default_registry.info(verifier).answer_template
    except KeyError:
        return None


def gold_checks(
    df: pl.DataFrame, cfg: ScoreConfig, runner: BoundedRunner | None
) -> list[str | None]:
    """Per row, why its gold cannot be checked by its verifier (None when it can).

    For a verifier whose record has an ``answer_template`` (an answer-only verifier),
    a gold is checkable when the verifier accepts the gold written as a response
    against itself: a gold it cannot parse would make every rollout wrong. Rows
    whose task names no registered verifier are uncheckable by definition.
    """
    tasks = df["task"].to_list() if "task" in df.columns else [None] * len(df)
    names = set(default_registry.available())
    reasons: list[str | None] = [None] * len(df)
    jobs: list[Job] = []
    where: list[int] = []
    for i, (task, gold) in enumerate(zip(tasks, df["answer"].to_list(), strict=True)):
        verifier = task or cfg.task
        if verifier not in names:
            reasons[i] = f"no registered verifier named {verifier!r}"
            continue
        response = default_registry.info(verifier).as_response(str(gold))
        if response is not None:
            jobs.append(Job(verifier, response, str(gold)))
            where.append(i)
    if jobs and runner is not None:
        for i, result in zip(where, run_jobs(jobs, cfg, runner), strict=True):
            if result.correct is not True:
                reasons[i] = (
                    f"the {jobs[where.index(i)].verifier} verifier cannot match the gold with "
                    f"itself ({result.status}: {result.reason})"
                )
    return reasons
