"""The Latin-script stages: romanisation, lexicon votes, word-level switching, fastText."""

from __future__ import annotations

import pytest

from verifiers.language.detect import fasttext_language, label_clause
from verifiers.language.romanisation import PINYIN, ROMAJI, romanisation


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        pytest.param("wo men xu yao ji suan", PINYIN, id="pinyin_syllables"),
        pytest.param("women xuyao jisuan zhege shuzi", PINYIN, id="pinyin_joined_words"),
        pytest.param("wǒ men xū yào jì suàn", PINYIN, id="pinyin_tone_marks"),
        pytest.param("lǜ se de shu", PINYIN, id="pinyin_u_umlaut"),
        pytest.param("watashi wa kono mondai wo toku", ROMAJI, id="romaji"),
        pytest.param("kitto gakkou de matte iru", ROMAJI, id="romaji_double_consonants"),
        pytest.param("we need the sum of the numbers", None, id="english_is_not_romanised"),
        pytest.param("zweimal hintereinander eine rote zu ziehen", None, id="german_is_not_pinyin"),
        pytest.param("ni", None, id="one_word_is_never_enough"),
    ],
)
def test_romanisation(clause: str, expected: str | None) -> None:
    assert romanisation(clause.split()) == expected


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        pytest.param("we need the sum of the numbers", {"en": 7}, id="english_by_lexicon"),
        pytest.param("la suma de los números es par", {"es": 7}, id="spanish_by_lexicon"),
        pytest.param("não temos uma resposta ainda", {"pt": 5}, id="portuguese_not_spanish"),
        pytest.param(
            "let me compute la suma de los números first",
            {"en": 4, "es": 5},
            id="switch_inside_a_clause",
        ),
        pytest.param("xylophone quixotic zephyr", None, id="no_lexicon_word_goes_to_fasttext"),
    ],
)
def test_label_clause(clause: str, expected: dict[str, int] | None) -> None:
    labels = label_clause(clause.split())
    if expected is None:
        assert labels is not None and sum(labels.values()) == 3
    else:
        assert dict(labels) == expected


def test_short_unknown_clause_borrows_its_context() -> None:
    assert label_clause(["zorp"]) is None


def test_fasttext_runs_offline_on_the_bundled_model() -> None:
    language, probability = fasttext_language("Dann berechnen wir die Summe der Zahlen")
    assert language == "de" and probability > 0.9
