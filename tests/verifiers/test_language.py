"""Language consistency: decisions by script and detector, the verifier, the labelled set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiers.core.registry import verify as registry_verify
from verifiers.core.reward import compute_reward
from verifiers.core.verdict import Status
from verifiers.language import LanguageReport, consistency, detect_language, resolve_target, verify

TRACES = Path(__file__).parents[2] / "datasets" / "language_traces.jsonl"


@pytest.mark.parametrize(
    ("thought", "target", "ratio"),
    [
        pytest.param("", "zh", 1.0, id="empty_thought_scores_one"),
        pytest.param("$x^2=4$ \\[x=\\pm 2\\]", "zh", 1.0, id="only_math_scores_one"),
        pytest.param("```python\nprint(1)\n```", "ja", 1.0, id="code_only_scores_one"),
        pytest.param("42 + 7 = 49 🎉", "en", 1.0, id="numbers_and_emoji_score_one"),
        pytest.param("首先我们求和。", "zh", 1.0, id="chinese_in_chinese"),
        pytest.param("首先我们求和。", "en", 0.0, id="chinese_is_not_english"),
        pytest.param("まず合計を求めます。", "ja", 1.0, id="kana_sentence_han_is_japanese"),
        pytest.param("まず合計を求めます。", "zh", 0.0, id="japanese_is_not_chinese"),
        pytest.param("먼저 합을 구합니다.", "ko", 1.0, id="hangul_is_korean"),
        pytest.param("Сначала найдём сумму.", "ru", 1.0, id="cyrillic_is_russian"),
        pytest.param(
            "Сначала найдём сумму.", "uk", 1.0, id="cyrillic_counts_for_any_cyrillic_target"
        ),
        pytest.param("First we find the sum of the numbers.", "en", 1.0, id="english"),
        pytest.param("Primero calculamos la suma de los números.", "es", 1.0, id="spanish"),
        pytest.param(
            "Primero calculamos la suma de los números.", "pt", 0.0, id="spanish_not_portuguese"
        ),
        pytest.param("Zuerst berechnen wir die Summe aller Zahlen.", "de", 1.0, id="german"),
        pytest.param("D'abord, on calcule la somme des nombres.", "fr", 1.0, id="french"),
        pytest.param("Alice说Bob是骗子。", "zh", 1.0, id="latin_names_in_chinese_ignored"),
        pytest.param("women xuyao jisuan zhege shuzi de he", "zh", 0.0, id="pinyin_is_not_chinese"),
        pytest.param("wǒ men xū yào jì suàn", "zh", 0.0, id="pinyin_with_tones_is_not_chinese"),
        pytest.param("watashi wa kono mondai wo toku", "ja", 0.0, id="romaji_is_not_japanese"),
        pytest.param("watashi wa kono mondai wo toku", "en", 0.0, id="romaji_is_not_english"),
    ],
)
def test_consistency_ratio(thought: str, target: str, ratio: float) -> None:
    assert consistency(thought, target).ratio == pytest.approx(ratio)


def test_mixed_scripts_are_counted_per_unit() -> None:
    report = consistency("我们需要check一下边界。Then we add.", "zh")
    assert report.counts == {"zh": 8, "en": 4}
    assert report.ratio == pytest.approx(8 / 12)
    assert report.dominant == "zh"


def test_code_switching_inside_a_latin_sentence_is_split_by_word() -> None:
    report = consistency("Let me compute la suma de los números first.", "en")
    assert report.counts["es"] == 5
    assert report.counts["en"] >= 3


def test_chinese_sentence_inside_japanese_thought_stays_chinese() -> None:
    report = consistency("答えは十二です。这个答案是对的。", "ja")
    assert report.counts["zh"] == 7


def test_kanji_only_heading_in_japanese_thought_is_japanese() -> None:
    assert consistency("まず値を確認します。問題解決。", "ja").ratio == 1.0


def test_report_is_frozen_and_serialisable() -> None:
    report = consistency("we add", "en")
    assert isinstance(report, LanguageReport)
    assert json.loads(json.dumps(report.to_dict()))["ratio"] == 1.0
    with pytest.raises(AttributeError):
        report.ratio = 0.5  # type: ignore[misc]


def test_unknown_target_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="not a language code"):
        consistency("we add", "not a language")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Solve for x: 2x + 3 = 7.", "en"),
        ("求解方程 2x+3=7。", "zh"),
        ("次の方程式を解きなさい。", "ja"),
        ("다음 방정식을 푸세요.", "ko"),
        ("Решите уравнение.", "ru"),
        ("Résolvez l'équation suivante pour trouver la valeur.", "fr"),
        ("Löse die folgende Gleichung nach der Unbekannten auf.", "de"),
        ("Resuelve la siguiente ecuación para encontrar el valor.", "es"),
        ("$x+1=2$", None),
        ("Berechne $2+2$.", "de"),
        ("Calculez $\\frac{1}{2} + \\frac{1}{3}$.", "fr"),
        ("Resuelve $x^2 = 4$.", "es"),
    ],
)
def test_detect_language_of_prompts(text: str, language: str | None) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("reference", "options", "expected"),
    [
        pytest.param(None, {"target": "zh-CN"}, ("zh", "target"), id="explicit_target_wins"),
        pytest.param(
            "ja", {"target": "ko", "prompt": "解方程"}, ("ko", "target"), id="target_over_all"
        ),
        pytest.param(None, {"prompt": "求解方程 2x+3=7。"}, ("zh", "prompt"), id="prompt_language"),
        pytest.param(
            None,
            {
                "prompt": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "次の式を計算してください。"},
                ]
            },
            ("ja", "prompt"),
            id="chat_prompt_reads_user_turns",
        ),
        pytest.param("fr", {}, ("fr", "reference"), id="language_code_reference"),
        pytest.param("42", {}, ("en", "default"), id="math_answer_reference_ignored"),
        pytest.param("no", {}, ("en", "default"), id="yes_no_answer_is_not_norwegian"),
        pytest.param(
            "zh", {"prompt": "$1+1$"}, ("zh", "reference"), id="prompt_without_units_falls_through"
        ),
        pytest.param(None, {}, ("en", "default"), id="default_english"),
    ],
)
def test_resolve_target(reference, options, expected) -> None:
    assert resolve_target(reference, **options) == expected


def test_verify_scores_the_thought_not_the_answer() -> None:
    response = "<think>我们先算一下。</think><answer>The answer is forty two</answer>"
    verdict = verify(response, "42", prompt="计算六乘以七。")
    assert verdict.score == 1.0 and verdict.correct is None and verdict.status is Status.OK
    assert verdict.details["target"] == "zh"


def test_verify_untagged_response_is_scored_whole_without_answer_block() -> None:
    response = "我们先算一下. Then we add them all. <answer>一二三四五六七八九十</answer>"
    verdict = verify(response, None, target="zh")
    assert verdict.details["counts"] == {"zh": 6, "en": 5}


def test_verify_truncated_thought_is_scored() -> None:
    verdict = verify("<think>我们先算一下. Then we add them all", target="zh")
    assert verdict.score == pytest.approx(6 / 11)


def test_verify_empty_thought_scores_one() -> None:
    assert verify("<think></think><answer>4</answer>", target="en").score == 1.0


def test_registry_and_r1_preset_use_the_language_reward() -> None:
    response = "<think>我们先算一下。Then add.</think><answer>\\boxed{42}</answer>"
    assert registry_verify("language", response, None, target="zh").score == pytest.approx(6 / 8)
    result = compute_reward("r1", response, "42", prompt="计算六乘以七。")
    assert result.components["language"] == pytest.approx(6 / 8)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["en", "zh", "ja", "de"]))
def test_consistency_never_raises_and_stays_in_range(text: str, target: str) -> None:
    report = consistency(text, target)
    assert 0.0 <= report.ratio <= 1.0
    assert report.total_units == sum(report.counts.values())


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200))
def test_verify_never_raises_on_model_output(text: str) -> None:
    assert 0.0 <= verify(text, None, prompt="Solve it.").score <= 1.0


def _labelled() -> list[dict]:
    return [json.loads(line) for line in TRACES.read_text(encoding="utf-8").splitlines()]


def test_labelled_set_has_the_required_coverage() -> None:
    rows = _labelled()
    assert len(rows) >= 250
    assert {"zh", "en", "ja", "ko", "ru", "es", "fr", "de"} <= {r["target"] for r in rows}
    assert {"monolingual", "drifting", "code_switching", "edge"} == {r["category"] for r in rows}


def test_labelled_set_meets_the_accuracy_targets() -> None:
    """Issue targets: decision ``ratio >= 0.9`` right on >= 94%, mean abs error <= 0.035."""
    rows = _labelled()
    errors, right = [], 0
    for row in rows:
        ratio = consistency(row["thought"], row["target"]).ratio
        errors.append(abs(ratio - row["expected_ratio"]))
        right += (ratio >= 0.9) == (row["expected_ratio"] >= 0.9)
    assert right / len(rows) >= 0.94
    assert sum(errors) / len(rows) <= 0.035


def test_labelled_set_unit_totals_match_the_reference_counter() -> None:
    """The builder counts units with its own scanner; the library must agree on every trace."""
    mismatched = [
        row["id"]
        for row in _labelled()
        if consistency(row["thought"], row["target"]).total_units
        != sum(row["expected_units"].values())
    ]
    assert mismatched == []
