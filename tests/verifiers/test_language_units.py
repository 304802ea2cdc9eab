"""The counting rule of the language reward: what is a unit, and what never counts."""

from __future__ import annotations

import pytest

from verifiers.language import consistency
from verifiers.language.scripts import Script, normalize_language, script_of
from verifiers.language.units import split_units, strip_non_prose


def _total(text: str) -> int:
    return consistency(text, "en").total_units


@pytest.mark.parametrize(
    ("text", "units"),
    [
        pytest.param("我们先算", 4, id="each_han_character_is_a_unit"),
        pytest.param("まずけいさん", 6, id="each_kana_character_is_a_unit"),
        pytest.param("カタカナ", 4, id="each_katakana_character_is_a_unit"),
        pytest.param("먼저 합을 구해야 합니다", 4, id="each_hangul_run_is_one_unit"),
        pytest.param("we add the numbers", 4, id="each_latin_word_is_a_unit"),
        pytest.param("мы складываем числа", 3, id="each_cyrillic_word_is_a_unit"),
        pytest.param("don't forget well-known tricks", 4, id="apostrophe_and_hyphen_join_a_word"),
        pytest.param("", 0, id="empty"),
        pytest.param("   \n\t ", 0, id="whitespace"),
        pytest.param("$x^2 + y^2 = z^2$", 0, id="inline_math"),
        pytest.param("$$\\int_0^1 f(x) dx$$", 0, id="display_math_dollars"),
        pytest.param("\\[ a + b \\] \\( c \\)", 0, id="display_and_inline_math_brackets"),
        pytest.param("\\begin{align} x &= y \\end{align}", 0, id="latex_environment"),
        pytest.param("```python\nprint('hello world')\n```", 0, id="fenced_code"),
        pytest.param("```\nunterminated code block", 0, id="unclosed_fence_runs_to_end"),
        pytest.param("`numbers.sort()`", 0, id="inline_code"),
        pytest.param("https://example.com/some/path www.test.org", 0, id="urls"),
        pytest.param("write to someone@example.com", 2, id="email_dropped_words_kept"),
        pytest.param("1 2 3.5 100% 1,000 3/4", 0, id="numbers"),
        pytest.param("!!! ... ??? -- ()", 0, id="punctuation"),
        pytest.param("🤔🎉👍", 0, id="emoji"),
        pytest.param("max_value numPoints x1 np.array", 0, id="identifiers"),
        pytest.param("let x and y be", 3, id="single_letter_variables_dropped"),
        pytest.param("let α be small", 3, id="greek_single_letter_dropped"),
        pytest.param("the GCD and LCM", 2, id="short_acronyms_dropped"),
        pytest.param("this is IMPORTANT", 3, id="long_all_caps_word_counts"),
        pytest.param("then Alice said so", 3, id="mid_sentence_name_dropped"),
        pytest.param(
            "Alice is a knight.", 3, id="sentence_initial_capital_followed_by_word_counts"
        ),
        pytest.param("Alice说她是骑士", 5, id="capital_before_han_is_a_name"),
        pytest.param("Wait. Okay, so", 3, id="initial_common_word_before_punctuation_counts"),
        pytest.param("Alice: 骑士", 2, id="sentence_initial_name_before_punctuation_dropped"),
        pytest.param("Step 3 is easy", 2, id="sentence_initial_capital_before_number_dropped"),
        pytest.param("我们用Python来算", 5, id="latin_name_inside_chinese"),
        pytest.param("<think>we add</think>", 2, id="tags_dropped"),
        pytest.param("we use \\frac and \\sqrt here", 4, id="stray_latex_commands_dropped"),
    ],
)
def test_unit_counting_rule(text: str, units: int) -> None:
    assert _total(text) == units


def test_sentences_split_at_stops_and_keep_clauses() -> None:
    sentences = split_units("We add, then we divide. 我们再算。")
    assert [c for s in sentences for c in s.clauses] == [["we", "add"], ["then", "we", "divide"]]
    assert sentences[-1].han == 4


@pytest.mark.parametrize("opener", ["\\[ ", "\\( ", "$$ ", "\\begin{x} ", "$ x", "` y"])
def test_unclosed_delimiters_are_linear_and_keep_the_prose(opener: str) -> None:
    # A regex with a lazy scan from every unclosed opener would take minutes here.
    text = opener * 200_000 + " we add"
    assert strip_non_prose(text).endswith(" we add")


def test_display_math_longer_than_the_cap_is_not_math() -> None:
    text = "\\[ " + "we add the numbers " * 1000 + "\\]"
    assert consistency(text, "en").total_units == 4000


def test_math_and_code_spans_blanked_money_kept() -> None:
    text = "a $x$ b $5 and $10 c \\[ y \\] d `code` e ```py\nz\n``` f $$ m $$ g"
    assert strip_non_prose(text).split() == ["a", "b", "$5", "and", "$10", "c", "d", "e", "f", "g"]


@pytest.mark.parametrize(
    ("char", "script"),
    [
        pytest.param("a", Script.LATIN, id="ascii"),
        pytest.param("é", Script.LATIN, id="latin1"),
        pytest.param("ệ", Script.LATIN, id="vietnamese"),
        pytest.param("Ж", Script.CYRILLIC, id="cyrillic"),
        pytest.param("λ", Script.GREEK, id="greek"),
        pytest.param("ب", Script.ARABIC, id="arabic"),
        pytest.param("ש", Script.HEBREW, id="hebrew"),
        pytest.param("क", Script.DEVANAGARI, id="devanagari"),
        pytest.param("ก", Script.THAI, id="thai"),
        pytest.param("ა", Script.GEORGIAN, id="georgian"),
        pytest.param("த", Script.TAMIL, id="tamil"),
        pytest.param("Ꭰ", Script.OTHER, id="cherokee_is_other"),
    ],
)
def test_script_of(char: str, script: Script) -> None:
    assert script_of(char) is script


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", "en"),
        ("zh-CN", "zh"),
        ("zh_Hans", "zh"),
        ("EN-us", "en"),
        ("Japanese", "ja"),
        ("chinese", "zh"),
        ("zho", "zh"),
        ("", None),
        ("42", None),
        ("not a language", None),
    ],
)
def test_normalize_language(code: str, expected: str | None) -> None:
    assert normalize_language(code) == expected
