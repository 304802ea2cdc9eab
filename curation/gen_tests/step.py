"""``gen_tests`` as a sharded curation step: rows in, rows with new test columns out.

New columns (the original tests column is left as it was):

- ``<output_column>`` (``gen_tests``): original + generated tests, JSON text in
  the format the row's tests came in (``sandbox.run_tests`` reads it);
- ``gen_tests_added``, ``gen_tests_candidates``: cases kept / inputs tried;
- ``gen_tests_sources``, ``gen_tests_rejected``: JSON counts (kept cases per
  source; why candidates were not kept);
- ``gen_tests_refs_passed`` / ``gen_tests_refs``: references that pass the
  written tests in the sandbox, out of all;
- ``gen_wrong_total``, ``gen_killed_original``, ``gen_killed_all``: the
  strength report's counts (``curate report`` sums them).

A problem whose references fail the written tests (below ``pass_needed``) is
dropped with rule ``gen_tests_references`` (kept, flagged, with
``drop_rejected: false``); a row without references or readable tests is
quarantined with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from curation.gen_tests.config import GenTestsConfig, InputSource
from curation.gen_tests.model_inputs import model_inputs
from curation.gen_tests.pipeline import ProblemResult, generate_for_problem
from curation.gen_tests.problem import Candidate, Problem, ProblemError, load_problem
from curation.gen_tests.validate import pass_needed
from curation.schema import QUARANTINE_REASON, StepResult, split_by_rule

DROP_RULE = "gen_tests_references"
STRENGTH_COLUMNS = ("gen_wrong_total", "gen_killed_original", "gen_killed_all")


@dataclass
class GenTestsStep:
    """``curate gen-tests``: the step object ``run_sharded`` maps over shards."""

    config: GenTestsConfig = field(default_factory=GenTestsConfig)
    backend: Any = None  # a curation generation backend, for the model source
    name: str = "gen_tests"

    def fingerprint(self) -> str:
        return self.config.fingerprint()

    def __call__(self, shard: pl.DataFrame) -> StepResult:
        wants_model = InputSource.MODEL in self.config.sources
        if wants_model and self.backend is None and self.config.generation is not None:
            from curation.backends.base import make_backend

            self.backend = make_backend(self.config.generation)
        return gen_tests_frame(shard, self.config, self.backend)

    def close(self) -> None:
        if self.backend is not None and hasattr(self.backend, "close"):
            self.backend.close()
        self.backend = None


def gen_tests_frame(df: pl.DataFrame, config: GenTestsConfig, backend: Any = None) -> StepResult:
    """Generate and validate tests for every row of ``df``."""
    problems, bad = _load(df, config)
    good = df.filter(pl.Series([p is not None for p in problems], dtype=pl.Boolean))
    loaded = [p for p in problems if p is not None]
    model = _model_candidates(loaded, config, backend)
    results = [generate_for_problem(p, config, m) for p, m in zip(loaded, model, strict=True)]
    good = good.with_columns(*_columns(results, config))
    found = [
        None
        if r.kept or not config.drop_rejected
        else (
            DROP_RULE,
            f"{r.refs_passed} of {r.refs} references pass the written tests; "
            f"{pass_needed(r.refs, config.problem_pass_fraction)} needed",
        )
        for r in results
    ]
    return split_by_rule(good, found, bad)


def _load(df: pl.DataFrame, config: GenTestsConfig) -> tuple[list[Problem | None], pl.DataFrame]:
    problems: list[Problem | None] = []
    reasons: list[str | None] = []
    for index, row in enumerate(df.iter_rows(named=True)):
        try:
            if config.tests_column not in row:
                raise ProblemError(f"no {config.tests_column!r} column with the tests")
            problems.append(
                load_problem(
                    str(row.get("id", index)),
                    _plain(row[config.tests_column]),
                    row.get(config.references_column),
                    generator=row.get(config.generator_column),
                    wrong=row.get(config.wrong_column),
                    prompt=row.get("prompt") or "",
                )
            )
            reasons.append(None)
        except ProblemError as exc:
            problems.append(None)
            reasons.append(str(exc))
    mask = pl.Series([r is not None for r in reasons], dtype=pl.Boolean)
    bad = df.filter(mask).with_columns(
        pl.Series(QUARANTINE_REASON, [r for r in reasons if r is not None], dtype=pl.Utf8)
    )
    return problems, bad


def _plain(tests: Any) -> Any:
    """A struct column holds every row's fields, absent ones as None: drop those."""
    if isinstance(tests, dict):
        return {key: value for key, value in tests.items() if value is not None}
    return tests


def _model_candidates(
    problems: list[Problem], config: GenTestsConfig, backend: Any
) -> list[list[Candidate]]:
    if InputSource.MODEL not in config.sources or not problems:
        return [[] for _ in problems]
    if backend is None:
        raise ValueError("the model source needs a generation backend (give --backend and --model)")
    from curation.rollouts import prompt_seed

    seeds = [prompt_seed(config.seed, p.id) for p in problems]
    chat = config.generation is not None and config.generation.template.value == "chat"
    found, _errors = model_inputs(problems, backend, seeds, count=10, chat=chat)
    return found


def _columns(results: list[ProblemResult], config: GenTestsConfig) -> list[pl.Series]:
    def ints(name: str, values: list[int]) -> pl.Series:
        return pl.Series(name, values, dtype=pl.Int64)

    return [
        pl.Series(config.output_column, [json.dumps(r.tests) for r in results], dtype=pl.Utf8),
        ints("gen_tests_added", [r.added for r in results]),
        ints("gen_tests_candidates", [r.candidates for r in results]),
        pl.Series("gen_tests_sources", [json.dumps(r.added_by_source) for r in results]),
        pl.Series("gen_tests_rejected", [json.dumps(r.rejected) for r in results]),
        ints("gen_tests_refs_passed", [r.refs_passed for r in results]),
        ints("gen_tests_refs", [r.refs for r in results]),
        ints("gen_wrong_total", [r.strength.wrong for r in results]),
        ints("gen_killed_original", [r.strength.killed_original for r in results]),
        ints("gen_killed_all", [r.strength.killed_all for r in results]),
    ]
