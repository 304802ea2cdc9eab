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
    THAI = "thai"
    OTHER = "other"


# (first code point, last code point, script) for the letters of word tokens.
_RANGES: list[tuple[int, int, Script]] = sorted(
    [
        (0x0041, 0x024F, Script.LATIN),
        (0x0250, 0x02AF, Script.LATIN),
        (0x1E00, 0x1EFF, Script.LATIN),
        (0xFF21, 0xFF5A, Script.LATIN),
        (0x0370, 0x03FF, Script.GREEK),
        (0x1F00, 0x1FFF, Script.GREEK),
        (0x0400, 0x052F, Script.CYRILLIC),
        (0x0590, 0x05FF, Script.HEBREW),
        (0x0600, 0x06FF, Script.ARABIC),
        (0x0750, 0x077F, Script.ARABIC),
        (0xFB50, 0xFDFF, Script.ARABIC),
        (0xFE70, 0xFEFF, Script.ARABIC),
        (0x0900, 0x097F, Script.DEVANAGARI),
        (0x0E00, 0x0E7F, Script.THAI),
    ]
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
    Script.CYRILLIC: "ru",
    Script.GREEK: "el",
    Script.ARABIC: "ar",
    Script.HEBREW: "he",
    Script.DEVANAGARI: "hi",
    Script.THAI: "th",
    Script.OTHER: "und",
}

#: Non-Latin targets and their script: a word in that script is the target.
TARGET_SCRIPT: dict[str, Script] = {
    "zh": Script.HAN,
    "ja": Script.KANA,
    "ko": Script.HANGUL,
    "ru": Script.CYRILLIC,
    "uk": Script.CYRILLIC,
    "bg": Script.CYRILLIC,
    "sr": Script.CYRILLIC,
    "mk": Script.CYRILLIC,
    "be": Script.CYRILLIC,
    "kk": Script.CYRILLIC,
    "el": Script.GREEK,
    "ar": Script.ARABIC,
    "fa": Script.ARABIC,
    "ur": Script.ARABIC,
    "he": Script.HEBREW,
    "yi": Script.HEBREW,
    "hi": Script.DEVANAGARI,
    "mr": Script.DEVANAGARI,
    "ne": Script.DEVANAGARI,
    "th": Script.THAI,
}


def script_language(script: Script, target: str) -> str:
    """The language a non-Latin, non-CJK word of ``script`` counts as for ``target``."""
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
