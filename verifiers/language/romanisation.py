"""Romanised Chinese and Japanese (pinyin, romaji) recognised by syllable structure.

The counting rule says romanised text is not the target language, and
statistical detectors cannot tell: fastText calls pinyin English and romaji
Swahili. Pinyin and romaji are closed syllable systems, so a clause whose words
almost all split into valid syllables is romanised whatever a model says.
Tone marks are dropped and ``ü`` is read as ``v``, as pinyin keyboards do.
"""

from __future__ import annotations

import math
import re
import unicodedata

PINYIN, ROMAJI = "zh-Latn", "ja-Latn"

# Valid pinyin syllables (tones dropped), by initial: finals each initial takes.
_PINYIN_TABLE = {
    "": "a o e ai ei ao ou an en ang eng er yi ya ye yao you yan yin yang ying yong wu wa wo "
    "wai wei wan wen wang weng yu yue yuan yun",
    "b": "a o ai ei ao an en ang eng i ie iao ian in ing u",
    "p": "a o ai ei ao ou an en ang eng i ie iao ian in ing u",
    "m": "a o e ai ei ao ou an en ang eng i ie iao iu ian in ing u",
    "f": "a o ei ou an en ang eng u",
    "d": "a e ai ei ao ou an ang eng ong i ie iao iu ian ing u uo ui uan un",
    "t": "a e ai ao ou an ang eng ong i ie iao ian ing u uo ui uan un",
    "n": "a e ai ei ao ou an en ang eng ong i ie iao iu ian in iang ing u uo uan v ve",
    "l": "a e ai ei ao ou an ang eng ong i ia ie iao iu ian in iang ing u uo uan un v ve",
    "g k h": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "j q x": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "zh ch sh": "a e ai ei ao ou an en ang eng ong i u ua uo uai ui uan un uang",
    "r": "e ao ou an en ang eng ong i u ua uo ui uan un",
    "z c s": "a e ai ei ao ou an en ang eng ong i u uo ui uan un",
}
_PINYIN = {
    initial + final
    for initials, finals in _PINYIN_TABLE.items()
    for initial in (initials.split() or [""])
    for final in finals.split()
}
_ROMAJI = {c + v for c in ("", *"kstnhmyrwgzdbp") for v in "aiueo"} | {
    "shi", "chi", "tsu", "fu", "ji", "n", "sha", "shu", "sho", "cha", "chu", "cho",
    "ja", "ju", "jo", "kya", "kyu", "kyo", "nya", "nyu", "nyo", "hya", "hyu", "hyo",
    "mya", "myu", "myo", "rya", "ryu", "ryo", "gya", "gyu", "gyo", "bya", "byu", "byo",
    "pya", "pyu", "pyo",
}  # fmt: skip
_DOUBLED = re.compile(r"([kstpgzdbcm])\1")


def _segments(word: str, syllables: set[str], longest: int) -> bool:
    """Whether ``word`` is a concatenation of ``syllables`` (dynamic programming)."""
    n = len(word)
    ok = [True] + [False] * n
    for end in range(1, n + 1):
        ok[end] = any(
            ok[start] and word[start:end] in syllables
            for start in range(max(0, end - longest), end)
        )
    return ok[n]


def romanisation(words: list[str]) -> str | None:
    """``zh-Latn`` or ``ja-Latn`` when >= 80% of the clause reads as pinyin or romaji."""
    if len(words) < 2:
        return None
    allowed = len(words) - math.ceil(0.8 * len(words))
    words = [_plain_letters(w) for w in words]
    pinyin_misses = romaji_misses = 0
    for word in words:
        if pinyin_misses <= allowed and not _segments(word, _PINYIN, 6):
            pinyin_misses += 1
        if romaji_misses <= allowed:
            plain = _DOUBLED.sub(r"\1", word.replace("tch", "ch"))
            romaji_misses += not _segments(plain, _ROMAJI, 3)
        if pinyin_misses > allowed and romaji_misses > allowed:
            return None
    return PINYIN if pinyin_misses <= romaji_misses else ROMAJI


def _plain_letters(word: str) -> str:
    """``wǒmen`` -> ``women``, ``lǜ`` -> ``lv``: tone marks dropped, ü as v (pinyin input style)."""
    if word.isascii():
        return word
    word = word.replace("ü", "v").replace("ǖ", "v").replace("ǘ", "v").replace("ǚ", "v")
    word = word.replace("ǜ", "v")
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
