"""Language consistency of a chain of thought: R1's language reward.

DeepSeek-R1 rewards "the proportion of target-language words in the CoT" to
stop the policy mixing languages. ``consistency(thought, target)`` computes it
under a stated counting rule (``units.py``): each Han/Hiragana/Katakana
character is one unit, each run of Hangul one unit, each other word one unit;
math, code, URLs, numbers, punctuation, emoji, identifiers, short acronyms and
Latin-script proper names do not count. A thought with no units scores 1.0.
Romanised text (pinyin, romaji) is not the target language. Non-Latin units are
decided by Unicode script (``scripts.py``), Latin words by a lexicon and the
bundled fastText model (``detect.py``). Deterministic, no network.

``verify`` is the registered ``language`` verifier: score = the ratio.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import Any

from verifiers.core.verdict import Status, Verdict
from verifiers.format import THINK_CLOSE, THINK_OPEN, prompt_text, split_response
from verifiers.language.detect import UNKNOWN, fasttext_language, label_clause
from verifiers.language.options import LanguageOptions
from verifiers.language.scripts import han_language, normalize_language, script_language
from verifiers.language.units import Sentence, split_units

__all__ = ["LanguageReport", "consistency", "detect_language", "verify"]

DEFAULT_TARGET = "en"
_ANSWER_BLOCKS = re.compile(r"<answer>.*?(?:</answer>|\Z)", re.DOTALL)

# Codes a bare ``reference`` may be read as: major languages only, so that an
# answer such as "no", "is" or "to" is never mistaken for Norwegian, Icelandic or Tongan.
_REFERENCE_CODES = frozenset(
    "en zh ja ko ru es fr de it pt nl ar hi el he th vi tr pl uk id sv da fi cs hu ro fa bn "  # noqa: SIM905
    "ur ms bg sr hr sk sl lt lv et ca eu gl".split()
)


@dataclasses.dataclass(frozen=True)
class LanguageReport:
    """How much of a thought is in the target language.

    ``ratio`` = ``target_units / total_units`` (1.0 when there are no units);
    ``counts`` maps each language seen to its units (``zh-Latn``/``ja-Latn`` for
    pinyin/romaji, ``und`` for Latin words no stage could name).
    """

    ratio: float
    target: str
    target_units: int
    total_units: int
    counts: dict[str, int]

    @property
    def dominant(self) -> str | None:
        """The language with the most units, or None for a thought without units."""
        return max(self.counts, key=lambda k: self.counts[k]) if self.counts else None

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "dominant": self.dominant}


def _count_units(text: str, target: str, *, keep_initial_capitals: bool = False) -> Counter[str]:
    sentences = split_units(text, keep_initial_capitals=keep_initial_capitals)
    kana = sum(s.kana for s in sentences)
    han = sum(s.han for s in sentences)
    japanese = kana > 0 and 4 * kana >= han
    counts: Counter[str] = Counter()
    latin: Counter[str] = Counter()
    unlabelled: list[list[str]] = []
    for sentence in sentences:
        _count_scripts(sentence, target, japanese, counts)
        for clause in sentence.clauses:
            labels = label_clause(clause)
            if labels is None:
                unlabelled.append(clause)
            else:
                latin.update(labels)
    if unlabelled:
        # Short clauses no stage could name take the thought's main Latin
        # language; without one, the detector's best guess on all of them.
        n = sum(len(c) for c in unlabelled)
        if latin:
            lang = latin.most_common(1)[0][0]
        else:
            lang = fasttext_language(" ".join(w for c in unlabelled for w in c))[0]
        latin[lang] += n
    counts.update(latin)
    return counts


def _count_scripts(sentence: Sentence, target: str, japanese: bool, counts: Counter[str]) -> None:
    if sentence.han:
        counts[han_language(sentence.kana > 0, sentence.zh_marks, japanese)] += sentence.han
    if sentence.kana:
        counts["ja"] += sentence.kana
    if sentence.hangul:
        counts["ko"] += sentence.hangul
    for script, n in sentence.scripts.items():
        counts[script_language(script, target)] += n


def consistency(thought: str, target: str) -> LanguageReport:
    """The share of ``thought``'s units in language ``target`` (``en``, ``zh-CN``, ``Japanese``).

    Raises ``ValueError`` for a target that is not a language code or name
    (a misconfiguration, not bad model output).
    """
    code = normalize_language(target)
    if code is None:
        raise ValueError(f"target {target!r} is not a language code such as 'en' or 'zh-CN'")
    counts = _count_units(thought, code)
    total = sum(counts.values())
    hits = counts.get(code, 0)
    ratio = hits / total if total else 1.0
    return LanguageReport(
        ratio=ratio, target=code, target_units=hits, total_units=total, counts=dict(counts)
    )


def detect_language(text: str) -> str | None:
    """The language holding most units of ``text`` (e.g. a prompt), or None without units."""
    counts = _count_units(text, UNKNOWN, keep_initial_capitals=True)
    return counts.most_common(1)[0][0] if counts else None


def resolve_target(reference: Any = None, **options: Any) -> tuple[str, str]:
    """``(target, source)``: option ``target``, else the prompt's language, else a
    ``reference`` that is a language code, else ``en``."""
    target = options.get("target")
    if target:
        code = normalize_language(str(target))
        if code is None:
            raise ValueError(f"option target={target!r} is not a language code")
        return code, "target"
    prompt = prompt_text(options.get("prompt"))
    if prompt.strip():
        detected = detect_language(prompt)
        if detected is not None and detected != UNKNOWN and "-" not in detected:
            return detected, "prompt"
    if isinstance(reference, str):
        code = normalize_language(reference)
        if code in _REFERENCE_CODES and len(reference.strip()) <= 16:
            return code, "reference"
    return DEFAULT_TARGET, "default"


def scored_text(response: str, *, prefilled_think: bool = False, scope: str = "thought") -> str:
    """The text the reward reads.

    ``scope="thought"`` (default): the thought; a response with no think tags
    at all is scored whole, minus any ``<answer>`` block, because untagged
    output still reasons and reading nothing would hand mixed-language output
    a free 1.0 (the format reward is what punishes the missing tags).
    ``scope="response"``: the whole response.
    """
    if scope == "response":
        return response
    if scope != "thought":
        raise ValueError(f"scope must be 'thought' or 'response', not {scope!r}")
    parts = split_response(response, prefilled_think=prefilled_think)
    tagged = prefilled_think or THINK_OPEN in response or THINK_CLOSE in response
    if tagged:
        return parts.thought
    return _ANSWER_BLOCKS.sub(" ", response)


def verify(response: str, reference: Any = None, **options: Any) -> Verdict:
    """Language-consistency reward: score = share of target-language units in the thought.

    Options (``LanguageOptions``): ``target`` (a language code), ``prompt`` (read
    with ``prompt_text``: system turns are not read; its detected language is the
    target when ``target`` is absent), ``scope`` (``thought`` or ``response``),
    ``prefilled_think``. ``reference``
    is the target only when it is a language code (``"zh"``), never an answer.
    ``correct`` is None: this is a graded score, not a judgement.
    """
    if not isinstance(response, str):
        return Verdict.failure(
            Status.PARSE_ERROR, f"response is {type(response).__name__}, not text"
        )
    opts = LanguageOptions.parse(options, where="verifier 'language'")
    target, source = resolve_target(reference, target=opts.target, prompt=opts.prompt)
    text = scored_text(response, prefilled_think=opts.prefilled_think, scope=opts.scope)
    report = consistency(text, target)
    reason = (
        f"{report.target_units}/{report.total_units} units in {target} (target from {source})"
        if report.total_units
        else "no countable units: scored 1.0"
    )
    return Verdict(
        score=report.ratio,
        correct=None,
        reason=reason,
        details={**report.to_dict(), "target_source": source},
    )
