"""One problem through the stages: candidates, agreement, selection, writing, checks.

``generate_for_problem`` is the library function behind the step and the
benchmark; the stages are the sibling modules (sources: ``mutate``,
``generators``, ``model_inputs``; then ``execute``, ``validate``, ``emit``,
``strength``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from typing import Any

from curation.gen_tests.config import GenTestsConfig, InputSource
from curation.gen_tests.emit import emit_tests
from curation.gen_tests.execute import run_inputs
from curation.gen_tests.generators import run_generator, synthesise_generator
from curation.gen_tests.mutate import mutate_inputs
from curation.gen_tests.problem import Candidate, Problem
from curation.gen_tests.strength import Strength, measure, wrong_programs
from curation.gen_tests.validate import agree, pass_needed, select
from sandbox import get_backend, run_tests


@dataclasses.dataclass(frozen=True)
class ProblemResult:
    """What gen-tests did for one problem."""

    tests: dict[str, Any]
    added: int
    candidates: int
    candidates_by_source: dict[str, int]
    added_by_source: dict[str, int]
    rejected: dict[str, int]
    refs_passed: int
    refs: int
    kept: bool
    strength: Strength
    generator_failures: int = 0


def collect_candidates(
    problem: Problem, config: GenTestsConfig, model: Sequence[Candidate] = ()
) -> tuple[list[Candidate], int]:
    """Every source's candidates, new inputs only, capped (and generator run failures)."""
    found: list[Candidate] = []
    failures = 0
    if InputSource.MODEL in config.sources:
        found += model
    if InputSource.MUTATION in config.sources:
        found += mutate_inputs(
            list(problem.originals),
            per_input=config.mutations_per_input,
            max_size=config.max_size,
            seed=config.seed,
        )
    if InputSource.GENERATOR in config.sources and config.generator_seeds:
        program = problem.generator or synthesise_generator(problem, config.max_size)
        if program is not None:
            made, failures = run_generator(
                program,
                problem,
                seeds=config.generator_seeds,
                seed=config.seed,
                limits=config.limits,
                backend=get_backend(config.sandbox_backend),
                language=config.language,
            )
            found += made
    seen = {c.text for c in problem.originals}
    fresh: list[Candidate] = []
    for candidate in found:
        if candidate.text not in seen:
            seen.add(candidate.text)
            fresh.append(candidate)
    return _interleave(fresh)[: config.max_candidates], failures


def _interleave(candidates: list[Candidate]) -> list[Candidate]:
    """Alternate sources so the candidate cap does not starve one of them."""
    by_source: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_source.setdefault(candidate.source, []).append(candidate)
    out: list[Candidate] = []
    for depth in range(max((len(v) for v in by_source.values()), default=0)):
        out += [group[depth] for group in by_source.values() if depth < len(group)]
    return out


def generate_for_problem(
    problem: Problem, config: GenTestsConfig, model: Sequence[Candidate] = ()
) -> ProblemResult:
    """Candidates -> reference agreement -> kept cases -> written tests -> checks."""
    backend = get_backend(config.sandbox_backend)
    candidates, failures = collect_candidates(problem, config, model)
    n_originals = len(problem.originals)
    texts = [c.text for c in (*problem.originals, *candidates)]
    outcomes = [
        run_inputs(
            ref, problem, texts, limits=config.limits, backend=backend, language=config.language
        )
        for ref in problem.references
    ]
    options = dict(
        fraction=config.agree_fraction,
        max_output_chars=config.max_output_chars,
        is_empty=_empty_stdout if problem.style == "stdio" else None,
    )
    on_originals, _ = agree(problem.originals, [o[:n_originals] for o in outcomes], **options)
    generated, rejected = agree(candidates, [o[n_originals:] for o in outcomes], **options)
    selection = select(
        problem.originals,
        generated,
        max_new=config.max_new,
        max_per_output=config.max_per_output,
        original_keys=[case.key for case in on_originals],
    )
    tests, written = emit_tests(problem, selection.kept)
    all_rejected = rejected + Counter(selection.rejected)
    if len(written) < len(selection.kept):
        all_rejected["unwritable"] += len(selection.kept) - len(written)
    passed = sum(
        run_tests(
            ref, tests, language=config.language, limits=config.limits, backend=backend
        ).accepted
        for ref in problem.references
    )
    kept = passed >= pass_needed(len(problem.references), config.problem_pass_fraction)
    strength = Strength()
    if config.strength and config.mutants + len(problem.wrong):
        programs = wrong_programs(problem.references, problem.wrong, config.mutants)
        strength = measure(
            programs,
            problem.tests,
            tests,
            limits=config.limits,
            backend=backend,
            language=config.language,
        )
    return ProblemResult(
        tests=tests,
        added=len(written),
        candidates=len(candidates),
        candidates_by_source=dict(Counter(c.source for c in candidates)),
        added_by_source=dict(Counter(c.candidate.source for c in written)),
        rejected=dict(sorted(all_rejected.items())),
        refs_passed=passed,
        refs=len(problem.references),
        kept=kept,
        strength=strength,
        generator_failures=failures,
    )


def _empty_stdout(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()
