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

from verifiers.language.lexicon import word_languages
from verifiers.language.scripts import ZH_ONLY, Script, script_of

_HAN = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
_KANA = "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
_WORD_CHAR = f"[^\\W{_HAN}{_KANA}{_HANGUL}]"

_NON_PROSE = re.compile(
    r"(?=[`~$\\<fhw])"  # every alternative starts with one of these: skip other positions fast
    r"(?:```.*?(?:```|\Z)"  # fenced code, closed or running to the end
    r"|~~~.*?(?:~~~|\Z)"
    r"|`[^`\n]+`"  # inline code
    r"|\$\$.{0,5000}?\$\$"  # display math (bounded: an unclosed opener must not go quadratic)
    r"|\\\[.{0,5000}?\\\]"
    r"|\\\(.{0,5000}?\\\)"
    r"|\\begin\{(\w+\*?)\}.{0,5000}?\\end\{\1\}"
    r"|\$(?!\s)[^$\n]{1,2000}?(?<!\s)\$"  # inline math
    r"|\b(?:https?|ftp)://\S+|\bwww\.\S+"
    r"|\\[A-Za-z]+"  # stray LaTeX commands outside math
    r"|</?[A-Za-z][\w-]*>)",  # tags such as <think>
    re.DOTALL,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")

_TOKEN = re.compile(
    f"(?P<han>[{_HAN}]+)"
    f"|(?P<kana>[{_KANA}]+)"
    f"|(?P<hangul>[{_HANGUL}]+)"
    f"|(?P<word>{_WORD_CHAR}+(?:['’.\\-]{_WORD_CHAR}+)*)"
    r"|(?P<stop>[.!?。！？…\n]+)"
    r"|(?P<clause>[,;:，、；：()（）\[\]{}\"“”«»「」『』—–]|\s-\s)"
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


def strip_non_prose(text: str) -> str:
    """``text`` with math, code, URLs and tags blanked out (never counted)."""
    text = _NON_PROSE.sub(" ", text)
    return _EMAIL.sub(" ", text) if "@" in text else text


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


def split_units(text: str) -> list[Sentence]:
    """The sentences of ``text`` with their counted units (see the module docstring)."""
    sentences: list[Sentence] = [Sentence()]
    current = sentences[0]
    clause: list[str] = []
    sentence_start = True
    pending = False  # the last word of ``clause`` awaits the next token
    for match in _TOKEN.finditer(strip_non_prose(text)):
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
            if len(token) > 1 and (token.isalpha() or _is_plain_compound(token)):
                script = script_of(token[0])
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
    return token if script_of(token[0]) is Script.LATIN else None


def _is_plain_compound(token: str) -> bool:
    """``don't``, ``peut-être``, ``l'équation``: letters joined by ' or -, not ``np.array``."""
    if "." in token:
        return False
    return token.replace("'", "").replace("’", "").replace("-", "").isalpha()
