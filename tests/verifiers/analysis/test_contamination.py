"""The benchmark contamination index: n-gram overlap and MinHash near-duplicates, with reasons."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from verifiers.analysis.contamination import BenchmarkIndex, ContaminationConfig, benchmark_prompts
from verifiers.analysis.textsim import ngrams, words

ROOT = Path(__file__).resolve().parents[3]

BENCH = [
    (
        "aime:0",
        "Find the number of ordered pairs of positive integers (m, n) such that m^2 n = 20^20.",
    ),
    (
        "aime:1",
        "Let x, y and z be positive reals with log base 2 of x over yz equal to one half.",
    ),
    ("cmath:0", "小明有五个苹果，他又买了三个苹果，然后吃掉了两个，请问他现在一共有几个苹果？"),
]


@pytest.mark.parametrize(
    ("prompt", "rule"),
    [
        pytest.param(
            "Problem 3. Find the number of ordered pairs of positive integers (m, n) such that "
            "m^2 n = 20^20.",
            "ngram_overlap",
            id="verbatim_copy_with_prefix",
        ),
        pytest.param(
            "FIND THE NUMBER of ordered pairs of positive integers (m,n) with m^2 n = 20^20",
            "ngram_overlap",
            id="case_and_spacing_do_not_hide_a_copy",
        ),
        pytest.param(
            "小明有五个苹果，他又买了三个苹果，然后吃掉了两个。",
            "ngram_overlap",
            id="chinese_characters_are_words",
        ),
        pytest.param(
            "Compute the number of positive divisors of 2024.", None, id="unrelated_prompt"
        ),
        pytest.param(
            "Find the number of ordered triples of primes.", None, id="short_shared_phrase_is_fine"
        ),
    ],
)
def test_ngram_overlap(prompt: str, rule: str | None) -> None:
    index = BenchmarkIndex.build(BENCH, ContaminationConfig(minhash=False))
    found = index.match(prompt)
    assert (found[0] if found else None) == rule
    if found:
        assert "aime:0" in found[1] or "cmath:0" in found[1]


def test_minhash_catches_a_reworded_copy_that_ngrams_miss() -> None:
    original = " ".join(f"w{i}" for i in range(40))
    reworded = " ".join(f"w{i}" if i % 8 else f"v{i}" for i in range(40))  # every 8th word changed
    cfg = ContaminationConfig(ngram=8, threshold=0.3)
    assert (
        BenchmarkIndex.build(
            [("bench:0", original)], cfg.model_copy(update={"minhash": False})
        ).match(reworded)
        is None
    )
    index = BenchmarkIndex.build([("bench:0", original)], cfg)
    rule, reason = index.match(reworded) or ("", "")
    assert rule == "near_duplicate" and "bench:0" in reason


def test_short_texts_are_one_gram() -> None:
    assert ngrams(words("What is 2+2?"), 8) == {("what", "is", "2", "2")}


def test_drop_reason_names_the_first_overlap_whatever_the_hash_seed() -> None:
    script = (
        "from verifiers.analysis.contamination import BenchmarkIndex, ContaminationConfig\n"
        "cfg = ContaminationConfig(ngram=3, minhash=False)\n"
        "index = BenchmarkIndex.build([('bench:0', 'a b c d e f g h')], cfg)\n"
        "print(index.match('x a b c d e f g h y')[1])\n"
    )
    reasons = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3", "4")
    }
    assert reasons == {"3-gram 'a b c' in bench:0"}


def test_benchmark_prompts_name_rows_and_guess_the_prompt_column() -> None:
    table: dict[str, list[Any]] = {
        "id": [1, 2],
        "problem": ["Compute 2+2.", [{"role": "user", "content": "Hi"}]],
    }
    assert benchmark_prompts("data/aime.jsonl", table) == [
        ("aime.jsonl:0", "Compute 2+2."),
        ("aime.jsonl:1", "Hi"),
    ]
    assert benchmark_prompts("b.jsonl", {"text": ["x"]}, "text") == [("b.jsonl:0", "x")]
    with pytest.raises(ValueError, match="no prompt column among"):
        benchmark_prompts("b.jsonl", {"text": ["x"]})
