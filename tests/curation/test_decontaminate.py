"""Decontamination against benchmark sets and dedup within a set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.decontaminate import BenchmarkIndex, DecontaminationConfig
from curation.dedup import find_duplicates
from curation.textsim import ngrams, words
from tests.curation.conftest import read_jsonl

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
    index = BenchmarkIndex.build(BENCH, DecontaminationConfig(minhash=False))
    found = index.match(prompt)
    assert (found[0] if found else None) == rule
    if found:
        assert "aime:0" in found[1] or "cmath:0" in found[1]


def test_minhash_catches_a_reworded_copy_that_ngrams_miss() -> None:
    original = " ".join(f"w{i}" for i in range(40))
    reworded = " ".join(f"w{i}" if i % 8 else f"v{i}" for i in range(40))  # every 8th word changed
    cfg = DecontaminationConfig(ngram=8, threshold=0.3)
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


def test_dedup_keeps_first_and_names_the_original() -> None:
    texts = ["Compute 2 + 2.", "compute 2+2", "Compute 3 + 3.", "Compute  2 + 2 ."]
    found = find_duplicates(["a", "b", "c", "d"], texts, DecontaminationConfig())
    assert found[0] is None and found[2] is None
    assert found[1] == ("exact_duplicate", "same normalised prompt as id a")
    assert found[3] is not None and found[3][0] == "exact_duplicate"


def test_decontaminate_and_dedup_commands(tmp_path: Path) -> None:
    bench = tmp_path / "bench.jsonl"
    bench.write_text("".join(json.dumps({"problem": t}) + "\n" for _, t in BENCH), encoding="utf-8")
    rows = [
        {"id": "1", "prompt": BENCH[0][1], "answer": "1"},
        {"id": "2", "prompt": "Compute 17 * 19.", "answer": "323"},
        {"id": "3", "prompt": "compute 17*19", "answer": "323"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "decontaminate",
            str(source),
            "-o",
            str(tmp_path / "d.jsonl"),
            "--against",
            str(bench),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_jsonl(tmp_path / "d.jsonl")] == ["2", "3"]
    assert read_jsonl(tmp_path / "d.dropped.jsonl")[0]["drop_rule"] == "ngram_overlap"
    result = runner.invoke(
        app, ["dedup", str(tmp_path / "d.jsonl"), "-o", str(tmp_path / "e.jsonl"), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_jsonl(tmp_path / "e.jsonl")] == ["2"]
    assert (
        read_jsonl(tmp_path / "e.dropped.jsonl")[0]["drop_reason"]
        == "same normalised prompt as id 2"
    )


def test_drop_reason_names_the_first_overlap_whatever_the_hash_seed() -> None:
    import subprocess
    import sys

    script = (
        "from curation.decontaminate import BenchmarkIndex, DecontaminationConfig\n"
        "cfg = DecontaminationConfig(ngram=3, minhash=False)\n"
        "index = BenchmarkIndex.build([('bench:0', 'a b c d e f g h')], cfg)\n"
        "print(index.match('x a b c d e f g h y')[1])\n"
    )
    reasons = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3", "4")
    }
    assert reasons == {"3-gram 'a b c' in bench:0"}
