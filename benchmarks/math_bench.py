"""Benchmark: ``verifiers.math`` against math-verify on the same labelled cases.

Run:  .venv/bin/python benchmarks/math_bench.py [--timeout 5] [--seed 0] [--per-family 40]
      [--no-heldout] [--cases extra.jsonl ... [--only-cases]] [--show-misses]

Results are reported per group, side by side: ``old tables`` (the labelled test
tables written for clean golds), ``dataset-style`` (data/datasets.jsonl: golds and
responses in the formats of NuminaMath, OpenR1, Big-Math, DAPO, GSM8K, MATH,
Omni-MATH, AIME/AMC and Chinese K-12 data, hard negatives included), ``held-out``
(heldout/heldout_datasets.jsonl, the quarter of those rows set aside before any
tuning) and ``generated`` (the families below). Three checkers run: ours with
default options, ours with ``second_opinion`` on, and math-verify.

The old cases are the labelled test tables (tests/verifiers/math/data/*.jsonl)
plus generated families of realistic answers (fractions, thousands, surds,
percent, intervals, solution sets, options, polynomials, near-miss huge and
tiny values, extraction traps, complex numbers, repeating decimals), each with
equivalent spellings and hard negatives. Both checkers run every case in ONE
worker process of the core's ``BoundedRunner`` with the same hard per-case
timeout, so a stall shows as a timeout instead of hanging the run; latency is
measured inside the worker around the call (gold parsing included).

math-verify runs with default settings: ``verify(parse(gold), parse(response))``.
A gold without math delimiters is given as ``$gold$`` (math-verify's LaTeX
extraction only reads delimited math; without this it fails most
non-numeric golds, which would not be a fair comparison).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: this tree's code, not an installed copy
    sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "verifiers" / "math" / "data"
HELDOUT = ROOT / "tests" / "verifiers" / "math" / "heldout" / "heldout_datasets.jsonl"

TEMPLATES = [
    "<think>\nLet me compute this step by step and check the result.\n</think>\n"
    "The final answer is $\\boxed{%s}$.",
    "We simplify the expression carefully.\n\nTherefore, the answer is $\\boxed{%s}$.",
    "<think>Quick check of the arithmetic.</think>\n<answer>\\boxed{%s}</answer>",
    "Solution. Combining the results above gives\n$$\\boxed{%s}$$",
    "Final Answer: The final answer is $%s$. I hope it is correct.",
    "<think>\nOkay. 3 + 4 = 7, 7 * 2 = 14. Wait, wrong question; redo.\n</think>\n\n"
    "After simplification we obtain \\boxed{%s}.",
]


# -- cases ---------------------------------------------------------------------


def labelled_cases(paths: list[Path] | None = None) -> list[dict]:
    """JSONL rows {id, response, gold, correct}; by default the test tables."""
    cases = []
    for path in paths if paths is not None else sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                row["family"] = "labelled:" + path.stem
                row["group"] = _group(path)
                cases.append(row)
    return cases


def _group(path: Path) -> str:
    if path.resolve() == HELDOUT.resolve():
        return "held-out"
    return "dataset-style" if path.stem == "datasets" else "old tables"


def _case(family: str, k: int, answer: str, gold: str, correct: bool, rng: random.Random) -> dict:
    template = rng.choice(TEMPLATES)
    response = template.replace("%s", answer)
    return {
        "id": f"{family}_{k}",
        "family": family,
        "response": response,
        "gold": gold,
        "correct": correct,
        "group": "generated",
    }


def _repeating(value: Fraction) -> str:
    """``Fraction(1, 6)`` -> ``0.1\\overline{6}`` (value must be in [0, 1))."""
    digits, seen, rem = [], {}, value.numerator
    while rem and rem not in seen:
        seen[rem] = len(digits)
        rem *= 10
        digits.append(str(rem // value.denominator))
        rem %= value.denominator
    if not rem:
        return "0." + "".join(digits)
    start = seen[rem]
    return "0." + "".join(digits[:start]) + "\\overline{" + "".join(digits[start:]) + "}"


def generated_cases(seed: int, per_family: int) -> list[dict]:
    rng = random.Random(seed)
    out: list[dict] = []

    def add(family: str, answer: str, gold: str, correct: bool) -> None:
        out.append(_case(family, len(out), answer, gold, correct, rng))

    for _ in range(per_family):
        q = rng.randint(2, 16)
        p = rng.choice([x for x in range(1, 3 * q) if math.gcd(x, q) == 1])
        f = Fraction(p, q)
        k = rng.randint(2, 6)
        spellings = [f"\\dfrac{{{k * p}}}{{{k * q}}}", f"{p}/{q}", f"-\\frac{{{p}}}{{{-q}}}"]
        add("fraction", rng.choice(spellings), f"\\frac{{{p}}}{{{q}}}", True)
        if all(d in (2, 5) for d in _prime_factors(q)):
            add("fraction", str(float(f)), f"\\frac{{{p}}}{{{q}}}", True)
        else:
            add("fraction", f"{float(f):.2f}", f"\\frac{{{p}}}{{{q}}}", False)
        add(
            "fraction",
            rng.choice(
                [f"\\frac{{{p + 1}}}{{{q}}}", f"\\frac{{{q}}}{{{p}}}" if p != q else f"{p}"]
            ),
            f"\\frac{{{p}}}{{{q}}}",
            False,
        )

        n = rng.randint(1000, 9_999_999)
        spelled = rng.choice(
            [
                f"{n:,}",
                f"{n:,}".replace(",", "{,}"),
                f"{n:,}".replace(",", "\\,"),
                f"\\${n:,}",
                f"{n}\\text{{ meters}}",
            ]
        )
        add("integer", spelled, str(n), True)
        add("integer", rng.choice([f"{n + 1:,}", str(n - 1), str(n * 10)]), str(n), False)

        a, b = rng.randint(2, 9), rng.choice([2, 3, 5, 6, 7, 10, 11, 13])
        gold = f"{a}\\sqrt{{{b}}}"
        same = [f"\\sqrt{{{a * a * b}}}", f"\\frac{{{a * b}}}{{\\sqrt{{{b}}}}}"]
        add("surd", rng.choice(same), gold, True)
        add(
            "surd",
            rng.choice([f"{a + 1}\\sqrt{{{b}}}", f"{a * math.sqrt(b):.3f}", f"\\sqrt{{{a * b}}}"]),
            gold,
            False,
        )

        pct = rng.randint(1, 99)
        add("percent", rng.choice([f"{pct}\\%", f"{pct / 100:g}"]), f"{pct}\\%", True)
        wrong = [f"{pct + 1}\\%", str(pct * 100), f"{pct / 1000:g}"]
        add("percent", rng.choice(wrong), f"{pct}\\%", False)
        add("percent", str(pct), f"{pct / 100:g}", False)

        lo, hi = sorted(rng.sample(range(-20, 21), 2))
        lb, rb = rng.choice("[("), rng.choice("])")
        gold = f"{lb}{lo}, {hi}{rb}"
        lo_op = "\\le" if lb == "[" else "<"
        hi_op = "\\le" if rb == "]" else "<"
        add("interval", f"{lo} {lo_op} x {hi_op} {hi}", gold, True)
        add("interval", f"{'(' if lb == '[' else '['}{lo}, {hi}{rb}", gold, False)

        r1, r2 = rng.sample(range(-12, 13), 2)
        gold = f"{r1}, {r2}"
        add(
            "solutions",
            rng.choice(
                [
                    f"x = {r2} \\text{{ or }} x = {r1}",
                    f"\\{{{r2}, {r1}\\}}",
                    f"x_1 = {r1}, x_2 = {r2}",
                ]
            ),
            gold,
            True,
        )
        add(
            "solutions",
            rng.choice(
                [str(r1), f"{r1}, {r2 + 1}", f"{r1}, {r2}, 0" if 0 not in (r1, r2) else f"{r1}"]
            ),
            gold,
            False,
        )

        letter, other = rng.sample("ABCDE", 2)
        add(
            "choice",
            rng.choice(
                [
                    f"({letter})",
                    f"\\text{{({letter})}} {rng.randint(1, 99)}",
                    letter,
                    f"\\textbf{{({letter})}}",
                ]
            ),
            letter,
            True,
        )
        add(
            "choice",
            rng.choice([other, f"{letter} \\text{{ or }} {other}", f"{letter}, {other}"]),
            letter,
            False,
        )

        c, d = rng.randint(1, 9), rng.randint(-9, 9)
        gold = f"x^2 + {c + d}x + {c * d}".replace("+ -", "- ")
        add("polynomial", f"(x + {c})(x + {d})".replace("+ -", "- "), gold, True)
        add("polynomial", f"(x - {c})(x + {d})".replace("+ -", "- "), gold, False)

        m = rng.randint(5, 60)
        add("near_miss", f"\\frac{{1}}{{{m + 2}!}}", f"\\frac{{1}}{{{m}!}}", False)
        e = rng.randint(60, 400)
        add("near_miss", f"2^{{{e}}}+1", f"2^{{{e}}}", False)
        add("near_miss", f"4^{{{e}}}", f"2^{{{2 * e}}}", True)
        add("near_miss", f"\\frac{{1}}{{2^{{{e}}}}}", f"2^{{-{e}}}", True)

        re_, im = rng.randint(1, 9), rng.randint(1, 9)
        add("complex", f"{im}i + {re_}", f"{re_} + {im}i", True)
        add("complex", f"{re_} - {im}i", f"{re_} + {im}i", False)

        rq = rng.choice([3, 6, 7, 9, 11, 12, 13])
        rp = rng.randint(1, rq - 1)
        rf = Fraction(rp, rq)
        gold = f"\\frac{{{rf.numerator}}}{{{rf.denominator}}}"
        add("repeating", _repeating(rf), gold, True)
        rounded = f"{float(rf):.3f}"
        add("repeating", rounded, gold, Fraction(rounded) == rf)

        answer = rng.randint(-50, 2000)
        add("plain", str(answer), str(answer), True)
        add("plain", str(answer + rng.choice([-2, -1, 1, 10])), str(answer), False)
        g, h = rng.randint(1, 9), rng.randint(2, 9)
        add("plain", f"{g * h}\\pi", f"{g}\\cdot {h}\\pi", True)
        add("plain", f"\\frac{{{g}}}{{{h}}}\\pi", f"\\frac{{{g}\\pi}}{{{h}}}", True)

        value = rng.randint(2, 500)
        for response, correct in (
            (f"<think>So far the total is {value} and then I need", False),
            (f"First we count {value} items, then we add the rest to get", False),
            (f"Adding up: {value - 1} + 1.\n#### {value}", True),
            (f"Thus the answer is {value}.", True),
        ):
            out.append(
                {
                    "id": f"extract_{len(out)}",
                    "family": "extraction",
                    "gold": str(value),
                    "response": response,
                    "correct": correct,
                    "group": "generated",
                }
            )
    return out


def _prime_factors(n: int) -> set[int]:
    factors, d = set(), 2
    while d * d <= n:
        while n % d == 0:
            factors.add(d)
            n //= d
        d += 1
    if n > 1:
        factors.add(n)
    return factors


# -- the two checkers, run inside the bounded worker ------------------------------


def run_ours(response: str, gold: str, options: dict | None = None) -> tuple[bool, float]:
    from verifiers.math import verify

    start = time.perf_counter()
    verdict = verify(response, gold, **(options or {}))
    return verdict.correct is True, time.perf_counter() - start


def run_ours_second_opinion(
    response: str, gold: str, options: dict | None = None
) -> tuple[bool, float]:
    return run_ours(response, gold, {**(options or {}), "second_opinion": True})


def run_math_verify(response: str, gold: str, options: dict | None = None) -> tuple[bool, float]:
    from math_verify import parse, verify

    start = time.perf_counter()
    wrapped = gold if ("$" in gold or "\\boxed" in gold) else f"${gold}$"
    try:
        ok = bool(verify(parse(wrapped), parse(response)))
    except Exception:  # a crash of the baseline counts as "not judged correct"
        ok = False
    return ok, time.perf_counter() - start


def _warm(fn_name: str) -> tuple[bool, float]:
    """First calls import and compile what a checker needs; not counted."""
    for response, gold in (
        ("\\boxed{1}", "1"),
        ("\\boxed{x\\sqrt{2}}", "\\sqrt{2}x"),
        ("\\boxed{(1,2]}", "1<x\\le 2"),
        ("\\boxed{6\\sqrt{2}}", "\\sqrt{72}"),  # sympy's first exact decision
        ("\\boxed{(x+1)(x-3)}", "x^2-2x-3"),  # sympy's first polynomial identity
        ("\\boxed{a\\equiv 2 \\pmod 3}", "2"),  # the second opinion's first call
    ):
        result = CHECKERS[fn_name](response, gold)
    return result


CHECKERS = {
    "verifiers.math": run_ours,
    "verifiers.math + 2nd opinion": run_ours_second_opinion,
    "math-verify 0.9": run_math_verify,
}
GROUPS = ("old tables", "generated", "dataset-style", "held-out")


# -- measuring --------------------------------------------------------------------


def measure(name: str, cases: list[dict], timeout_s: float) -> list:
    """Every case's result in one bounded worker: (judged, latency) or "timeout"/"error"."""
    from verifiers.core.runner import BoundedRunner

    runner = BoundedRunner(workers=1, memory_mb=4096)
    try:
        runner.submit(_warm, name, timeout_s=120).result()
        futures = [
            runner.submit(
                CHECKERS[name],
                c["response"] or "",
                c["gold"],
                c.get("options"),
                timeout_s=timeout_s,
                on_timeout=lambda reason: "timeout",
                on_error=lambda reason: "error",
            )
            for c in cases
        ]
        results = [f.result() for f in futures]
    finally:
        runner.close()
    return results


def _metrics(name: str, cases: list[dict], results: list, timeout_s: float) -> dict:
    latencies, tp, tn, fp, fn, timeouts, errors = [], 0, 0, 0, 0, 0, 0
    misses: list[str] = []
    missed_by_family: dict[str, int] = {}
    for case, result in zip(cases, results, strict=True):
        if result in ("timeout", "error"):
            timeouts += result == "timeout"
            errors += result == "error"
            judged, latency = False, timeout_s
        else:
            judged, latency = result
        latencies.append(latency)
        if case["correct"]:
            tp += judged
            fn += not judged
        else:
            fp += judged
            tn += not judged
        if judged != case["correct"] or result in ("timeout", "error"):
            misses.append(case["id"])
            missed_by_family[case["family"]] = missed_by_family.get(case["family"], 0) + 1
    latencies.sort()
    n = len(cases)
    return {
        "checker": name,
        "cases": n,
        "accuracy": (tp + tn) / n,
        "fpr": fp / max(fp + tn, 1),
        "fp": fp,
        "fnr": fn / max(fn + tp, 1),
        "timeouts": timeouts,
        "errors": errors,
        "cases_per_s": n / sum(latencies),
        "p99_ms": 1000 * latencies[min(n - 1, int(0.99 * n))],
        "worst_ms": 1000 * latencies[-1],
        "median_ms": 1000 * statistics.median(latencies),
        "misses": misses,
        "missed_by_family": missed_by_family,
    }


def print_families(rows: list[dict], cases: list[dict]) -> None:
    """Accuracy per case family, so a gain in one family cannot hide a loss in another."""
    sizes: dict[str, int] = {}
    for case in cases:
        sizes[case["family"]] = sizes.get(case["family"], 0) + 1
    names = [r["checker"] for r in rows]
    print("\n| family | cases | " + " | ".join(names) + " |")
    print("|---" * (2 + len(names)) + "|")
    for family, size in sorted(sizes.items()):
        scores = [f"{1 - r['missed_by_family'].get(family, 0) / size:.3f}" for r in rows]
        print(f"| {family} | {size} | " + " | ".join(scores) + " |")


def print_table(rows: list[dict]) -> None:
    header = (
        "| group | checker | cases | accuracy | FPR (FP) | FNR | timeouts | cases/s | median ms "
        "| p99 ms | worst ms |"
    )
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for r in rows:
        print(
            f"| {r['group']} | {r['checker']} | {r['cases']} | {r['accuracy']:.3f} | "
            f"{r['fpr']:.3f} ({r['fp']}) | {r['fnr']:.3f} | {r['timeouts']} | "
            f"{r['cases_per_s']:.1f} | {r['median_ms']:.2f} | {r['p99_ms']:.1f} | "
            f"{r['worst_ms']:.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0, help="hard per-case limit, seconds")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated families")
    parser.add_argument("--per-family", type=int, default=40, help="draws per generated family")
    parser.add_argument("--show-misses", action="store_true", help="list each checker's misses")
    parser.add_argument(
        "--cases",
        type=Path,
        nargs="*",
        default=[],
        help="extra JSONL files (id, response, gold, correct), e.g. held-out cases",
    )
    parser.add_argument(
        "--no-heldout", action="store_true", help="leave the held-out rows out (while tuning)"
    )
    parser.add_argument(
        "--only-cases",
        action="store_true",
        help="run only the --cases files (no test tables, no generated families)",
    )
    args = parser.parse_args()
    cases = labelled_cases(args.cases) if args.cases else []
    if not args.only_cases:
        cases += labelled_cases() + generated_cases(args.seed, args.per_family)
        if not args.no_heldout:
            cases += labelled_cases([HELDOUT])
    print(
        f"{len(cases)} cases ({sum(c['correct'] for c in cases)} positive), "
        f"per-case timeout {args.timeout:g} s, one worker process each"
    )
    results = {name: measure(name, cases, args.timeout) for name in CHECKERS}
    rows, overall = [], []
    for group in [*GROUPS, "all"]:
        picked = [k for k, c in enumerate(cases) if group == "all" or c.get("group") == group]
        if not picked:
            continue
        for name in CHECKERS:
            subset = [cases[k] for k in picked]
            metrics = _metrics(name, subset, [results[name][k] for k in picked], args.timeout)
            metrics["group"] = group
            (overall if group == "all" else rows).append(metrics)
    print_table(rows + overall)
    print_families(overall, cases)
    ours, theirs = overall[0], overall[-1]
    ratio = ours["cases_per_s"] / theirs["cases_per_s"]
    print(f"\nthroughput ratio (ours / math-verify): {ratio:.1f}x")
    if args.show_misses:
        for r in rows:
            print(
                f"\n{r['group']} / {r['checker']} misses ({len(r['misses'])}): "
                + ", ".join(r["misses"])
            )


if __name__ == "__main__":
    main()
