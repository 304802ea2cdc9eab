"""Optional model-judge mode for ``curate hackable``: ask an LLM to classify the prompt.

Rules catch the surface forms; a judge catches what they miss (an option list
written as prose, a proof asked for in other words). It runs through the same
generation backends; its answer is read leniently (the last label it names)
and an unreadable answer is recorded as such, never treated as a verdict.
"""

from __future__ import annotations

import re

from curation.backends.base import Backend, GenerationError
from curation.hackable import HackRule

JUDGE_LABELS = [r.value for r in HackRule if r != HackRule.UNVERIFIABLE] + ["ok"]
JUDGE_PROMPT = (
    "Classify the math problem below for reinforcement learning with an automatic answer checker.\n"
    "Labels: multiple_choice (answer options to pick from), true_false, yes_no, proof (asks to "
    "prove or show), multi_part (several separate questions), ok (one checkable final answer).\n"
    "Reply with exactly one label.\n\nProblem:\n{prompt}\n\nLabel:"
)
_LABEL = re.compile(
    r"multiple[_ ]choice|true[_ /]false|yes[_ /]no|proof|multi[_ -]part|\bok\b", re.I
)


def read_label(text: str) -> str | None:
    """The last label named in a judge's reply, normalised; None when it names none."""
    found = _LABEL.findall(text)
    if not found:
        return None
    label = re.sub(r"[ /-]", "_", found[-1].lower())
    return label if label in JUDGE_LABELS else None


def judge_prompts(
    prompts: list[str], backend: Backend, seeds: list[int]
) -> list[tuple[str | None, str]]:
    """(label or None, raw reply or failure reason) per prompt."""
    rendered = [JUDGE_PROMPT.format(prompt=p) for p in prompts]
    out: list[tuple[str | None, str]] = []
    for sample in backend.generate(rendered, seeds):
        if isinstance(sample, GenerationError):
            out.append((None, sample.reason))
            continue
        labels = [read_label(s) for s in sample]
        votes = [x for x in labels if x]
        best = max(set(votes), key=votes.count) if votes else None
        out.append((best, sample[0][:200] if sample else ""))
    return out
