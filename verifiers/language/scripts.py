"""Unicode script decisions: where the writing system alone names the language.

Statistical detectors are weakest on short text and confuse short Chinese with
Japanese (both are mostly Han characters), while the script settles most cases
for free: Hangul is Korean, kana is Japanese, Cyrillic is Russian for a
Russian target. So every non-Latin unit is decided here, by code point, and
only Latin-script words go to the detector (``detect.py``).
"""

from __future__ import annotations

import bisect
from enum import Enum


class Script(str, Enum):
    """The writing systems the counting rule distinguishes."""

    LATIN = "latin"
    HAN = "han"
    KANA = "kana"
    HANGUL = "hangul"
    CYRILLIC = "cyrillic"
    GREEK = "greek"
    ARABIC = "arabic"
    HEBREW = "hebrew"
    DEVANAGARI = "devanagari"
    BENGALI = "bengali"
    GURMUKHI = "gurmukhi"
    GUJARATI = "gujarati"
    ORIYA = "oriya"
    TAMIL = "tamil"
    TELUGU = "telugu"
    KANNADA = "kannada"
    MALAYALAM = "malayalam"
    SINHALA = "sinhala"
    THAI = "thai"
    LAO = "lao"
    TIBETAN = "tibetan"
    MYANMAR = "myanmar"
    GEORGIAN = "georgian"
    ARMENIAN = "armenian"
    ETHIOPIC = "ethiopic"
    KHMER = "khmer"
    OTHER = "other"


# script -> (code point ranges of its letters, the languages written in it;
# the first is the one its words count as when the target uses another script).
_SCRIPTS: dict[Script, tuple[list[tuple[int, int]], list[str]]] = {
    Script.LATIN: ([(0x0041, 0x02AF), (0x1E00, 0x1EFF), (0xFF21, 0xFF5A)], []),
    Script.GREEK: ([(0x0370, 0x03FF), (0x1F00, 0x1FFF)], ["el"]),
    Script.CYRILLIC: (
        [(0x0400, 0x052F)],
        ["ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn", "tg", "tt", "ba"],
    ),
    Script.ARMENIAN: ([(0x0530, 0x058F)], ["hy"]),
    Script.HEBREW: ([(0x0590, 0x05FF)], ["he", "yi"]),
    Script.ARABIC: (
        [(0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)],
        ["ar", "fa", "ur", "ps", "ug", "ku", "sd"],
    ),
    Script.DEVANAGARI: ([(0x0900, 0x097F)], ["hi", "mr", "ne", "sa"]),
    Script.BENGALI: ([(0x0980, 0x09FF)], ["bn", "as"]),
    Script.GURMUKHI: ([(0x0A00, 0x0A7F)], ["pa"]),
    Script.GUJARATI: ([(0x0A80, 0x0AFF)], ["gu"]),
    Script.ORIYA: ([(0x0B00, 0x0B7F)], ["or"]),
    Script.TAMIL: ([(0x0B80, 0x0BFF)], ["ta"]),
    Script.TELUGU: ([(0x0C00, 0x0C7F)], ["te"]),
    Script.KANNADA: ([(0x0C80, 0x0CFF)], ["kn"]),
    Script.MALAYALAM: ([(0x0D00, 0x0D7F)], ["ml"]),
    Script.SINHALA: ([(0x0D80, 0x0DFF)], ["si"]),
    Script.THAI: ([(0x0E00, 0x0E7F)], ["th"]),
    Script.LAO: ([(0x0E80, 0x0EFF)], ["lo"]),
    Script.TIBETAN: ([(0x0F00, 0x0FFF)], ["bo", "dz"]),
    Script.MYANMAR: ([(0x1000, 0x109F)], ["my"]),
    Script.GEORGIAN: ([(0x10A0, 0x10FF), (0x2D00, 0x2D2F)], ["ka"]),
    Script.ETHIOPIC: ([(0x1200, 0x139F)], ["am", "ti"]),
    Script.KHMER: ([(0x1780, 0x17FF)], ["km"]),
}
_RANGES: list[tuple[int, int, Script]] = sorted(
    (lo, hi, script) for script, (ranges, _) in _SCRIPTS.items() for lo, hi in ranges
)
_STARTS = [r[0] for r in _RANGES]


def script_of(char: str) -> Script:
    """The script of one letter (Han, kana and Hangul are split off by the tokenizer)."""
    point = ord(char)
    i = bisect.bisect_right(_STARTS, point) - 1
    if i >= 0 and point <= _RANGES[i][1]:
        return _RANGES[i][2]
    return Script.OTHER


#: The language a script's words count as when the target does not use that script.
SCRIPT_DEFAULT: dict[Script, str] = {
    Script.HAN: "zh",
    Script.KANA: "ja",
    Script.HANGUL: "ko",
    Script.OTHER: "und",
    **{script: langs[0] for script, (_, langs) in _SCRIPTS.items() if langs},
}

#: Non-Latin targets and their script: a word in that script is the target.
TARGET_SCRIPT: dict[str, Script] = {
    "zh": Script.HAN,
    "ja": Script.KANA,
    "ko": Script.HANGUL,
    **{lang: script for script, (_, langs) in _SCRIPTS.items() for lang in langs},
}


def script_language(script: Script, target: str) -> str:
    """The language a non-Latin, non-CJK word of ``script`` counts as for ``target``.

    A word in the target's own script is the target (Ukrainian words are not
    told from Russian ones: the script cannot, and R1's reward is about mixing
    writing systems far more often than about neighbouring languages).
    """
    if TARGET_SCRIPT.get(target) is script:
        return target
    return SCRIPT_DEFAULT[script]


# Characters that Chinese writes and Japanese does not (simplified forms and
# Chinese-only function characters): a kana-free clause holding one is Chinese
# even inside a Japanese thought.
ZH_ONLY = frozenset(
    "们这个说么吗呢吧没还为让该样时间对过给从问题实际现经发动开关进边长见的是也把很那你她它"
)


def han_language(has_kana: bool, zh_marks: int, thought_is_japanese: bool) -> str:
    """Whether the Han characters of one sentence are Chinese or Japanese.

    Kana in the sentence makes it Japanese; a kana-free sentence is Chinese
    unless the whole thought is Japanese (kana elsewhere) and the sentence
    shows no Chinese-only character, as in a kanji-only heading of a Japanese text.
    """
    if has_kana:
        return "ja"
    if thought_is_japanese and zh_marks == 0:
        return "ja"
    return "zh"


_NAMES = {
    "english": "en",
    "chinese": "zh",
    "mandarin": "zh",
    "japanese": "ja",
    "korean": "ko",
    "russian": "ru",
    "spanish": "es",
    "french": "fr",
    "german": "de",
    "italian": "it",
    "portuguese": "pt",
    "dutch": "nl",
    "arabic": "ar",
    "hindi": "hi",
    "greek": "el",
    "hebrew": "he",
    "thai": "th",
    "vietnamese": "vi",
    "turkish": "tr",
    "polish": "pl",
    "ukrainian": "uk",
    "indonesian": "id",
    "中文": "zh",
    "日本語": "ja",
    "한국어": "ko",
}


def normalize_language(code: str) -> str | None:
    """``zh-CN``, ``zh_Hans``, ``EN``, ``english`` -> the base code; None if not a language."""
    text = code.strip()
    if not text:
        return None
    named = _NAMES.get(text.lower())
    if named:
        return named
    base = text.replace("_", "-").split("-")[0].lower()
    if len(base) in (2, 3) and base.isascii() and base.isalpha():
        return "zh" if base in ("zho", "chi", "cmn") else base
    return None
