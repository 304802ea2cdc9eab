"""Cut a thought into the units the language-consistency ratio counts.

The counting rule (R1 scores "the share of target-language words"; CJK has no
spaces, so a word must be defined per script):

- each Han, Hiragana or Katakana character is one unit;
- each run of Hangul is one unit (Korean separates words with spaces);
- each other word (a run of letters, with inner ``'`` or ``-``) is one unit;
- not counted: math (``$..$``, ``$$..$$``, ``\\[..\\]``, ``\\(..\\)``), code (fenced
  blocks, inline backticks), URLs and e-mail addresses, LaTeX commands, tags,
  numbers, punctuation, emoji and symbols, identifiers (a digit, ``_`` or ``.``
  inside, or camelCase), single letters of any alphabet (variables: ``x``, ``α``),
  acronyms (all capitals, at most 5 letters), and Latin-script proper names: a
  capitalised Latin word that does not start a sentence, or starts one but is
  followed neither by another Latin word nor, if it is a common word of the
  lexicon (``lexicon.py``), by punctuation (``Alice说`` and ``Alice:`` drop
  ``Alice``; ``Dann berechnen``, ``Wait.`` and ``Okay,`` are counted).
  German nouns are capitalised, so they drop out too; the rest of a German
  sentence still carries its language.

Non-Latin units are decided by script (``scripts.py``); Latin words are kept
in their clauses so the detector sees context (``detect.py``).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from verifiers.language.lexicon import word_languages
from verifiers.language.scripts import ZH_ONLY, Script, script_of

_HAN = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
_KANA = "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
_WORD_CHAR = f"[^\\W{_HAN}{_KANA}{_HANGUL}]"

# Math and code spans are found by a linear scan (``_blank_spans``), not one regex:
# a lazy regex re-scans from every unclosed opener, which is quadratic on "\\[ \\[ \\[ ...".
_OPENER = re.compile(r"```|~~~|\$\$|\\\[|\\\(|\\begin\{(\w+\*?)\}|`|\$")
_CLOSER = {"```": "```", "~~~": "~~~", "$$": "$$", "\\[": "\\]", "\\(": "\\)", "`": "`", "$": "$"}
_TO_END = ("```", "~~~")  # an unclosed code fence runs to the end of the text
_INLINE = ("`", "$")  # inline code and math stay on one line
_INLINE_MAX = 2000
_DISPLAY_MAX = 10000
_OTHER_NON_PROSE = re.compile(
    r"\b(?:https?|ftp)://\S+|\bwww\.\S+"
    r"|\\[A-Za-z]+"  # stray LaTeX commands outside math
    r"|</?[A-Za-z][\w-]*>"  # tags such as <think>
)
# Blocks where combining marks occur in running text (checked before the slow path).
_MARK_SCRIPTS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u0e31-\u0e3a\u0e47-\u0e4e\u0eb1-\u0ecd\u0f18-\u0fbc\u102b-\u109d"
    "\u17b4-\u17d3\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
# Scripts whose single letters are variables (x, α, λ); elsewhere one letter can be a word.
_ALPHABETS = frozenset({Script.LATIN, Script.GREEK, Script.CYRILLIC})
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,255}\.[\w.-]+")

_TOKEN = re.compile(
    f"(?P<han>[{_HAN}]+)"
    f"|(?P<kana>[{_KANA}]+)"
    f"|(?P<hangul>[{_HANGUL}]+)"
    f"|(?P<word>{_WORD_CHAR}+(?:['’.\\-]{_WORD_CHAR}+)*)"
    r"|(?P<stop>[.!?。！？…\n।॥۔؟]+)"
    r"|(?P<clause>[,;:，、；：()（）\[\]{}\"“”«»「」『』—–،؛]|\s-\s)"
)


@dataclasses.dataclass
class Sentence:
    """The units of one sentence: counts for script-decided units, clauses of Latin words."""

    han: int = 0
    kana: int = 0
    hangul: int = 0
    zh_marks: int = 0
    scripts: dict[Script, int] = dataclasses.field(default_factory=dict)
    clauses: list[list[str]] = dataclasses.field(default_factory=list)


def _without_marks(text: str) -> str:
    """NFC text with the remaining combining marks removed.

    The word pattern (``\\w``) does not match combining marks, so Indic, Thai,
    Hebrew or Arabic words would break at every vowel sign; without the marks a
    word stays one run of letters. NFC first keeps composed Latin accents
    (``é``) as letters the lexicon knows.
    """
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    if not _MARK_SCRIPTS.search(text):
        return text
    return "".join(c for c in text if not unicodedata.category(c).startswith("M"))


def strip_non_prose(text: str) -> str:
    """``text`` with math, code, URLs and tags blanked out (never counted)."""
    text = _OTHER_NON_PROSE.sub(" ", _blank_spans(text))
    return _EMAIL.sub(" ", text) if "@" in text else text


def _blank_spans(text: str) -> str:
    """Drop fenced/inline code and math spans in one left-to-right pass (linear time).

    For each closer the position of its next occurrence is cached, so the text
    after an opener is searched once, not once per opener. An inline
    ``$..$``/``\\`..\\``` must close on the same line, not start or end with a space
    (``$5 and $10`` is money) and be short; display math longer than
    ``_DISPLAY_MAX`` is not math; an unclosed code fence runs to the end.
    """
    if not any(c in text for c in "`~$\\"):
        return text
    kept: list[str] = []
    pos = search_from = 0
    next_at: dict[str, int] = {}
    while (m := _OPENER.search(text, search_from)) is not None:
        opener = m.group()
        closer = f"\\end{{{m.group(1)}}}" if m.group(1) else _CLOSER[opener]
        end = next_at.get(closer, -2)
        if end != -1 and end < m.end():
            end = next_at[closer] = text.find(closer, m.end())
        if end < 0 and opener in _TO_END:
            end = len(text)
        if end < 0 or not _is_span(opener, text, m.end(), end):
            search_from = m.end()
            continue
        kept.append(text[pos : m.start()])
        kept.append(" ")
        pos = search_from = min(len(text), end + len(closer))
    kept.append(text[pos:])
    return "".join(kept)


def _is_span(opener: str, text: str, start: int, end: int) -> bool:
    if opener in _TO_END:
        return True
    if opener not in _INLINE:
        return end - start <= _DISPLAY_MAX
    if not 0 < end - start <= _INLINE_MAX:
        return False
    body = text[start:end]
    return "\n" not in body and body == body.strip()


def _latin_kind(token: str, sentence_start: bool) -> str:
    """``count``, ``skip`` or ``maybe`` (sentence-initial capital: depends on the next word)."""
    if len(token) == 1:
        return "skip"
    if token.islower():
        return "count"
    if token.isupper():
        return "skip" if len(token) <= 5 else "count"
    rest = token[1:]
    if rest != rest.lower():
        return "skip"  # camelCase or McName: an identifier or a name
    if token[0].isupper():
        return "maybe" if sentence_start else "skip"
    return "count"


def split_units(text: str, *, keep_initial_capitals: bool = False) -> list[Sentence]:
    """The sentences of ``text`` with their counted units (see the module docstring).

    ``keep_initial_capitals`` counts every sentence-initial capitalised word, for
    reading a prompt's language: "Berechne $2+2$." has no other word to go on.
    """
    sentences: list[Sentence] = [Sentence()]
    current = sentences[0]
    clause: list[str] = []
    sentence_start = True
    pending = False  # the last word of ``clause`` awaits the next token
    for match in _TOKEN.finditer(strip_non_prose(_without_marks(text))):
        kind = match.lastgroup
        token = match.group()
        if kind == "word":
            if token.islower() and token.isalpha() and token.isascii():
                # The common case, decided without further checks.
                if len(token) > 1:
                    clause.append(token)
                pending = sentence_start = False
                continue
            latin = _word(token)
            if latin is not None:
                verdict = _latin_kind(token, sentence_start)
                if verdict == "maybe" and keep_initial_capitals:
                    verdict = "count"
                if pending and not (verdict != "skip" or _latin_kind(token, True) == "maybe"):
                    clause.pop()
                pending = False
                if verdict != "skip":
                    clause.append(token.lower())
                    pending = verdict == "maybe"
                sentence_start = False
                continue
        if pending:
            # Before punctuation a known word ("Wait.", "Okay,") stays; a name goes.
            if kind not in ("clause", "stop") or clause[-1] not in word_languages():
                clause.pop()
            pending = False
        if kind == "clause" or kind == "stop":
            if clause:
                current.clauses.append(clause)
                clause = []
            if kind == "stop":
                current = Sentence()
                sentences.append(current)
                sentence_start = True
            continue
        sentence_start = False
        if kind == "word":
            script = script_of(token[0])
            if (len(token) > 1 or script not in _ALPHABETS) and (
                token.isalpha() or _is_plain_compound(token)
            ):
                current.scripts[script] = current.scripts.get(script, 0) + 1
            else:
                continue  # numbers and identifiers neither count nor break a clause
        elif kind == "han":
            current.han += len(token)
            current.zh_marks += sum(1 for c in token if c in ZH_ONLY)
        elif kind == "kana":
            current.kana += len(token)
        else:
            current.hangul += 1
        if clause:
            current.clauses.append(clause)
            clause = []
    if pending and clause[-1] not in word_languages():
        clause.pop()
    if clause:
        current.clauses.append(clause)
    return [s for s in sentences if s.han or s.kana or s.hangul or s.scripts or s.clauses]


def _word(token: str) -> str | None:
    """``token`` if it is a Latin-script word (letters, inner ' or -), else None."""
    if not (token.isalpha() or _is_plain_compound(token)):
        return None
    if token[0] < "\u0250":  # ASCII, Latin-1 and Latin Extended-A/B letters
        return token
    return token if script_of(token[0]) is Script.LATIN else None


def _is_plain_compound(token: str) -> bool:
    """``don't``, ``peut-être``, ``l'équation``: letters joined by ' or -, not ``np.array``."""
    if "." in token:
        return False
    return token.replace("'", "").replace("’", "").replace("-", "").isalpha()
