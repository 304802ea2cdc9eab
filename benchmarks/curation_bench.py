"""Score + filter N prompts x 8 rollouts (synthetic, realistic answers) with ``curate filter``.

Run:  .venv/bin/python benchmarks/curation_bench.py --prompts 100000 --workers 2

What it measures, in one run:
- ours: ``curation.commands.filter_pass_rate`` end to end (read parquet, dedup
  of identical (answer, gold) pairs, chunked jobs on the bounded runner,
  maj@k equivalence in one batch per shard, polars stats, streamed writes);
- the anchor: the naive loop (one ``verify_batch`` item per response, no
  dedup, no chunking) on a subsample, extrapolated to the full size;
- peak memory: the parent's max RSS and the largest worker's max RSS.

The synthetic data looks like real R1-style rollouts: a thought of a few
hundred characters, then ``The answer is \\boxed{...}``; golds are integers,
fractions, decimals, radicals, multiples of pi and pairs; a prompt has a
difficulty drawn from Beta(0.6, 0.6), wrong answers repeat a few common
mistakes, right answers sometimes use another spelling (0.5 vs \\frac{1}{2}),
and a few rollouts are truncated or answer without a box.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import threading
import time
from fractions import Fraction
from pathlib import Path

import polars as pl

SENTENCES = [
    "First, let me restate the problem in my own words.",
    "We can simplify the expression by collecting like terms.",
    "Wait, I should double-check that step.",
    "Let me substitute the values back to verify.",
    "Alternatively, consider the complementary case.",
    "So the key quantity is the ratio of the two lengths.",
    "Hmm, that does not look right, let me recompute.",
    "By symmetry the two halves contribute equally.",
    "Now apply the formula for the sum of a geometric series.",
    "This gives a quadratic equation in x.",
]


def _gold(rng: random.Random) -> tuple[str, list[str], list[str]]:
    """(gold, right spellings, typical wrong answers) of one synthetic prompt."""
    kind = rng.random()
    if kind < 0.5:
        n = rng.randint(-50, 5000)
        return str(n), [str(n), str(n), f"{n}.0"], [str(n + 1), str(n - 1), str(-n), str(2 * n)]
    if kind < 0.7:
        f = Fraction(rng.randint(1, 40), rng.randint(2, 41))
        if f.denominator == 1:
            f += Fraction(1, 3)
        tex = f"\\frac{{{f.numerator}}}{{{f.denominator}}}"
        right = [tex, tex, f"{f.numerator}/{f.denominator}"]
        wrong = [
            f"\\frac{{{f.denominator}}}{{{f.numerator}}}",
            f"\\frac{{{f.numerator + 1}}}{{{f.denominator}}}",
        ]
        return tex, right, wrong
    if kind < 0.8:
        d = rng.randint(1, 999) / 100
        return f"{d}", [f"{d}", f"{d}"], [f"{d + 0.1:.2f}", f"{d * 10:g}"]
    if kind < 0.9:
        a, b = rng.randint(2, 9), rng.choice([2, 3, 5, 6, 7])
        return (
            f"{a}\\sqrt{{{b}}}",
            [f"{a}\\sqrt{{{b}}}", f"{a}\\sqrt{b}"],
            [f"{a + 1}\\sqrt{{{b}}}", f"\\sqrt{{{a * b}}}"],
        )
    if kind < 0.95:
        a, b = rng.randint(1, 9), rng.randint(2, 9)
        return (
            f"\\frac{{{a}\\pi}}{{{b}}}",
            [f"\\frac{{{a}\\pi}}{{{b}}}"],
            [f"\\frac{{{a}}}{{{b}}}", f"{a}\\pi"],
        )
    a, b = rng.randint(-9, 9), rng.randint(-9, 9)
    return f"({a}, {b})", [f"({a}, {b})", f"({a},{b})"], [f"({b}, {a})", f"({a}, {-b})"]


def _thought(rng: random.Random) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(4, 14)))


def synth(n_prompts: int, k: int = 8, seed: int = 0) -> pl.DataFrame:
    rng = random.Random(seed)
    ids, prompts, answers, sources, responses = [], [], [], [], []
    for i in range(n_prompts):
        gold, right, wrong = _gold(rng)
        p = rng.betavariate(0.6, 0.6)
        rows = []
        for _ in range(k):
            u = rng.random()
            if u < 0.03:
                rows.append("<think>" + _thought(rng))  # truncated: never closed
            elif u < 0.05:
                rows.append(f"<think>{_thought(rng)}</think> I am not sure.")
            else:
                ans = rng.choice(right) if rng.random() < p else rng.choice(wrong)
                rows.append(f"<think>{_thought(rng)}</think> The answer is $\\boxed{{{ans}}}$.")
        ids.append(f"p{i}")
        prompts.append(f"Synthetic problem {i}: compute the requested quantity.")
        answers.append(gold)
        sources.append(f"src{i % 4}")
        responses.append(rows)
    return pl.DataFrame(
        {"id": ids, "prompt": prompts, "answer": answers, "source": sources, "responses": responses}
    )


class PeakRss:
    """Samples the RSS of this process and every descendant (the verification workers
    are forkserver children, which ``getrusage(RUSAGE_CHILDREN)`` does not see)."""

    def __init__(self, every_s: float = 0.2) -> None:
        import psutil

        self.me = psutil.Process()
        self.every_s = every_s
        self.worker_mb = 0.0
        self.total_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(self.every_s):
            try:
                kids = [p.memory_info().rss for p in self.me.children(recursive=True)]
            except psutil.Error:
                continue
            self.worker_mb = max(self.worker_mb, max(kids, default=0) / 2**20)
            self.total_mb = max(self.total_mb, (self.me.memory_info().rss + sum(kids)) / 2**20)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def naive_anchor(df: pl.DataFrame, workers: int) -> float:
    """Seconds per response of the naive path: one bounded job per response, no dedup."""
    from verifiers.core.batch import verify_batch
    from verifiers.core.runner import BoundedRunner

    runner = BoundedRunner(workers)
    runner.warm_up()
    items = [
        ("math", r, g)
        for g, rs in zip(df["answer"].to_list(), df["responses"].to_list(), strict=True)
        for r in rs
    ]
    start = time.perf_counter()
    verify_batch(items, runner=runner, timeout_s=5.0)
    elapsed = time.perf_counter() - start
    runner.close()
    return elapsed / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prompts", type=int, default=100_000)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shard-size", type=int, default=10_000)
    parser.add_argument(
        "--anchor-prompts", type=int, default=1000, help="naive-path subsample (0: skip)"
    )
    args = parser.parse_args()

    from curation import commands
    from curation.config import FilterConfig, RunConfig, ScoreConfig

    t0 = time.perf_counter()
    df = synth(args.prompts, args.k)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "rollouts.parquet"
        df.write_parquet(source)
        gen_s = time.perf_counter() - t0
        n_responses = df["responses"].list.len().sum()
        anchor = df.head(args.anchor_prompts)
        del df
        sampler = PeakRss()
        sampler.start()
        start = time.perf_counter()
        summary = commands.filter_pass_rate(
            source,
            Path(tmp) / "filtered.parquet",
            FilterConfig(k=args.k),
            ScoreConfig(workers=args.workers),
            run=RunConfig(shard_size=args.shard_size),
        )
        ours_s = time.perf_counter() - start
        sampler.stop()
        peak_parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_worker_mb = sampler.worker_mb
        peak_total_mb = sampler.total_mb
        per_item = naive_anchor(anchor, args.workers) if args.anchor_prompts else float("nan")
    naive_s = per_item * n_responses
    print(f"data: {args.prompts} prompts x {args.k} rollouts = {n_responses} responses")
    print(
        f"(synthesised in {gen_s:.1f} s); kept {summary.n_kept}, dropped {summary.drops_by_rule},"
    )
    print(f"quarantined {summary.n_quarantined}")
    print()
    print(
        "| path | workers | wall time | responses/s | peak RSS parent | peak RSS worker "
        "| peak RSS all |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| ours: curate filter --pass-at {args.k} | {args.workers} | {ours_s:.1f} s "
        f"| {n_responses / ours_s:,.0f} | {peak_parent_mb:,.0f} MB | {peak_worker_mb:,.0f} MB "
        f"| {peak_total_mb:,.0f} MB |"
    )
    print(
        f"| anchor: verify_batch per response ({args.anchor_prompts} prompts, extrapolated) "
        f"| {args.workers} | {naive_s:.1f} s | {1 / per_item:,.0f} | - | - | - |"
    )
    target = "met" if ours_s <= 600 else "MISSED"
    print(f"\ntarget <= 600 s for score + filter: {target} ({ours_s:.1f} s)")


if __name__ == "__main__":
    main()
