"""Chain-of-thought quality predicates for rejection sampling.

R1's stage-3 rejection sampling keeps only correct responses and then drops
thoughts that mix languages, run on in long paragraphs, or contain code
blocks; degenerate samples also loop (the same sentence again and again) or
stop before the answer. Each predicate here returns a ``QualityCheck`` with a
reason a curator can read; ``check_quality`` runs them all under one typed
``QualityConfig``. Nothing here judges correctness: that is the verifiers' job.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from verifiers.format import split_response
from verifiers.language import consistency, resolve_target


class QualityIssue(str, Enum):
    """Why a thought is rejected."""

    LANGUAGE_MIXING = "language_mixing"
    OVERLONG_PARAGRAPH = "overlong_paragraph"
    CODE_BLOCK = "code_block"
    REPETITION = "repetition"
    TRUNCATED = "truncated"


@dataclasses.dataclass(frozen=True)
class QualityCheck:
    """One predicate's outcome: ``ok`` or the ``issue``, with a reason and the measured value."""

    name: QualityIssue
    ok: bool
    reason: str
    value: float | None = None


@dataclasses.dataclass(frozen=True)
class QualityReport:
    """All predicates for one response; ``ok`` when none failed."""

    checks: tuple[QualityCheck, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[QualityCheck]:
        return [c for c in self.checks if not c.ok]

    @property
    def reasons(self) -> list[str]:
        return [f"{c.name.value}: {c.reason}" for c in self.failures]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checks": [{**dataclasses.asdict(c), "name": c.name.value} for c in self.checks],
        }


class QualityConfig(BaseModel):
    """Thresholds of the rejection filters (defaults are conservative: drop only clear cases)."""

    model_config = ConfigDict(frozen=True)

    min_language_ratio: float = Field(
        0.95, ge=0, le=1, description="Reject below this share of target-language units."
    )
    max_paragraph_words: int = Field(
        400,
        gt=0,
        description="Reject a paragraph (blank-line separated) with more words; "
        "a CJK character counts as one word.",
    )
    allow_code_blocks: bool = Field(False, description="Keep thoughts with fenced code blocks.")
    max_sentence_repeats: int = Field(
        5, gt=1, description="Reject when one sentence (>= 20 chars) occurs more often."
    )
    min_loop_chars: int = Field(
        200,
        gt=0,
        description="Reject when the thought ends in a verbatim cycle this long "
        "(at least 3 periods).",
    )
    require_answer: bool = Field(True, description="Reject responses with no final answer.")


_FENCE = re.compile(r"^\s*(```|~~~)([\w+-]*)", re.MULTILINE)
_PARAGRAPH = re.compile(r"\n\s*\n")
_WORDISH = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W_]+")
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]?")


def language_mixing(thought: str, target: str, min_ratio: float = 0.95) -> QualityCheck:
    """Fails when less than ``min_ratio`` of the thought is in ``target``."""
    report = consistency(thought, target)
    ok = report.ratio >= min_ratio
    others = {k: v for k, v in report.counts.items() if k != report.target}
    reason = (
        f"{report.ratio:.1%} in {report.target}"
        if ok
        else f"only {report.ratio:.1%} in {report.target}; also {others}"
    )
    return QualityCheck(QualityIssue.LANGUAGE_MIXING, ok, reason, report.ratio)


def overlong_paragraphs(thought: str, max_words: int = 400) -> QualityCheck:
    """Fails when a blank-line separated paragraph has more than ``max_words`` words."""
    longest = max((len(_WORDISH.findall(p)) for p in _PARAGRAPH.split(thought)), default=0)
    ok = longest <= max_words
    reason = f"longest paragraph {longest} words" + ("" if ok else f" > {max_words}")
    return QualityCheck(QualityIssue.OVERLONG_PARAGRAPH, ok, reason, float(longest))


def code_blocks(thought: str) -> QualityCheck:
    """Fails when the thought holds a fenced code block (``` or ~~~)."""
    fences = _FENCE.findall(thought)
    if not fences:
        return QualityCheck(QualityIssue.CODE_BLOCK, True, "no code block", 0.0)
    blocks = max(1, len(fences) // 2)
    langs = sorted({lang for _, lang in fences if lang})
    tag = f" ({', '.join(langs)})" if langs else ""
    return QualityCheck(
        QualityIssue.CODE_BLOCK, False, f"{blocks} fenced code block(s){tag}", float(blocks)
    )


def repetition_loop(
    text: str, max_sentence_repeats: int = 5, min_loop_chars: int = 200
) -> QualityCheck:
    """Fails on a sentence repeated too often or a thought that ends in a verbatim cycle."""
    sentences = Counter(s.strip().lower() for s in _SENTENCE.findall(text) if len(s.strip()) >= 20)
    if sentences:
        sentence, count = sentences.most_common(1)[0]
        if count > max_sentence_repeats:
            return QualityCheck(
                QualityIssue.REPETITION, False, f"{sentence[:60]!r} repeated {count} times", count
            )
    period = tail_period(text, min_loop_chars)
    if period:
        snippet = text.rstrip()[-period:][:60]
        return QualityCheck(
            QualityIssue.REPETITION, False, f"ends in a loop of {period} chars: {snippet!r}", period
        )
    return QualityCheck(QualityIssue.REPETITION, True, "no repetition loop", 0.0)


def tail_period(text: str, min_loop_chars: int = 200, max_period: int = 2000) -> int | None:
    """Period of a verbatim cycle ending ``text`` (>= 3 periods and ``min_loop_chars`` long)."""
    tail = text.rstrip()[-(3 * max_period + min_loop_chars) :]
    n = len(tail)
    for period in range(1, min(max_period, n // 3) + 1):
        span = max(2 * period, min_loop_chars - period)
        if span + period > n:
            break
        if tail[n - span :] == tail[n - span - period : n - period]:
            return period
    return None


def truncation(response: str, *, prefilled_think: bool = False) -> QualityCheck:
    """Fails when the thought never closes or no answer follows it."""
    parts = split_response(response, prefilled_think=prefilled_think)
    if parts.truncated:
        return QualityCheck(QualityIssue.TRUNCATED, False, "the thought is never closed")
    if not parts.answer.strip():
        return QualityCheck(QualityIssue.TRUNCATED, False, "no final answer after the thought")
    return QualityCheck(QualityIssue.TRUNCATED, True, "has a final answer")


def check_quality(
    response: str,
    *,
    target: str | None = None,
    prompt: Any = None,
    config: QualityConfig | None = None,
    prefilled_think: bool = False,
) -> QualityReport:
    """Run every predicate on ``response``; the language target is ``target``, else the
    prompt's language, else English (as the ``language`` verifier resolves it)."""
    cfg = config or QualityConfig()
    parts = split_response(response, prefilled_think=prefilled_think)
    thought = parts.thought if (parts.thought or parts.truncated) else response
    lang, _ = resolve_target(None, target=target, prompt=prompt)
    checks = [
        language_mixing(thought, lang, cfg.min_language_ratio),
        overlong_paragraphs(thought, cfg.max_paragraph_words),
        repetition_loop(thought, cfg.max_sentence_repeats, cfg.min_loop_chars),
    ]
    if not cfg.allow_code_blocks:
        checks.append(code_blocks(thought))
    if cfg.require_answer:
        checks.append(truncation(response, prefilled_think=prefilled_think))
    return QualityReport(tuple(checks))
