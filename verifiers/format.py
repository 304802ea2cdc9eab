"""The R1 response template: ``<think>THOUGHT</think>`` then the answer.

R1-Zero asks the policy to reason inside ``<think>...</think>`` and then answer,
optionally inside ``<answer>...</answer>``. ``split_response`` is the lenient
reader every other verifier uses to find the thought and the answer; ``verify``
is the strict format reward. The strict rules, each a distinct rejected
violation (``details["violation"]``):

- ``missing_think_open`` / ``missing_think_close``: a think tag is absent
  (the opening one is not required when ``prefilled_think=True``, for prompts
  whose template already ends in ``<think>``);
- ``duplicate_think`` / ``duplicate_answer``: a tag appears more than once;
- ``nested_think``: a ``<think>`` inside the thought;
- ``answer_in_thought``: an ``<answer>`` tag before ``</think>``;
- ``text_before_think``: non-space text before ``<think>``;
- ``text_after_answer``: non-space text after ``</answer>``;
- ``unclosed_answer`` / ``answer_close_before_open``: broken answer tags;
- ``missing_answer_tags``: no ``<answer>`` block while ``require_answer_tags``;
- ``text_outside_answer``: text between ``</think>`` and ``<answer>``;
- ``empty_answer``: nothing after the thought;
- ``empty_thought``: an empty thought while ``allow_empty_thought=False``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import Field

from verifiers.core.options import RewardContext
from verifiers.core.registry import VerifierInfo
from verifiers.core.verdict import Status, Verdict

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
ANSWER_OPEN, ANSWER_CLOSE = "<answer>", "</answer>"
_ANSWER_BLOCK = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)


@dataclasses.dataclass(frozen=True)
class ResponseParts:
    """A response cut into its reasoning and its final answer.

    ``truncated`` is True when the thought was opened and never closed: such a
    response has no answer at all, whatever numbers its thought contains.
    """

    thought: str
    answer: str
    truncated: bool = False
    has_answer_tags: bool = False


def split_response(response: str, *, prefilled_think: bool = False) -> ResponseParts:
    """Split a response into thought and answer, leniently.

    The answer is what follows the last ``</think>``; if it holds an
    ``<answer>`` block, the inside of the last such block. A response that
    opens ``<think>`` (or is prefilled) but never closes it is truncated and
    has an empty answer. A response with no think tags at all is all answer.
    """
    close = response.rfind(THINK_CLOSE)
    if close >= 0:
        head, tail = response[:close], response[close + len(THINK_CLOSE) :]
        open_at = head.find(THINK_OPEN)
        thought = head[open_at + len(THINK_OPEN) :] if open_at >= 0 else head
        return _with_answer(thought.strip(), tail)
    open_at = response.find(THINK_OPEN)
    if open_at >= 0 or prefilled_think:
        thought = response[open_at + len(THINK_OPEN) :] if open_at >= 0 else response
        return ResponseParts(thought=thought.strip(), answer="", truncated=True)
    return _with_answer("", response)


def _with_answer(thought: str, tail: str) -> ResponseParts:
    blocks = _ANSWER_BLOCK.findall(tail)
    if blocks:
        return ResponseParts(thought=thought, answer=blocks[-1].strip(), has_answer_tags=True)
    return ResponseParts(thought=thought, answer=tail.strip())


def prompt_text(prompt: Any) -> str:
    """The text of a prompt in any shape a dataset or a trainer sends; the one prompt reader.

    - a string is itself; ``None`` is ``""``;
    - chat messages (OpenAI/TRL/slime ``[{"role", "content"}, ...]``, one message
      dict too): the ``user`` turns joined by newlines; without any user turn, every
      turn that is not ``system``. **System turns are never read**: they are the
      operator's instructions (often English boilerplate), not the question, so
      they must not decide the target language or the similarity of two prompts;
    - a content given as parts (``[{"type": "text", "text": ...}, ...]``): its text parts;
    - a row-like mapping with ``messages`` or ``prompt`` (OpenRLHF/slime records): that field.
    """
    if prompt is None:
        return ""
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, Mapping):
        if "role" in prompt or "content" in prompt:
            return prompt_text([prompt])
        for key in ("messages", "prompt"):
            if key in prompt:
                return prompt_text(prompt[key])
        return ""
    if isinstance(prompt, Iterable) and not isinstance(prompt, bytes | bytearray):
        prompt = list(prompt)
        turns = [m for m in prompt if isinstance(m, Mapping)]
        chosen = [m for m in turns if m.get("role") == "user"] or [
            m for m in turns if m.get("role") != "system"
        ]
        texts = [message_content(m.get("content")) for m in chosen]
        strings = [p for p in prompt if isinstance(p, str)]
        return "\n".join(t for t in [*texts, *strings] if t)
    return str(prompt)


def message_content(content: Any) -> str:
    """The text of one message's ``content``: a string, or the text of its parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Iterable) and not isinstance(content, bytes | bytearray):
        return "".join(
            str(p.get("text", "")) if isinstance(p, Mapping) else (p if isinstance(p, str) else "")
            for p in content
            if not isinstance(p, Mapping) or p.get("type", "text") == "text"
        )
    return str(content)


def find_violation(
    response: str,
    *,
    prefilled_think: bool = False,
    require_answer_tags: bool = False,
    allow_empty_thought: bool = True,
) -> tuple[str, str] | None:
    """The first template rule ``response`` breaks, as ``(code, explanation)``."""
    text = (THINK_OPEN + response) if prefilled_think and THINK_OPEN not in response else response
    n_open, n_close = text.count(THINK_OPEN), text.count(THINK_CLOSE)
    if n_open == 0:
        return "missing_think_open", "no <think> tag"
    if n_close == 0:
        return "missing_think_close", "the thought is never closed with </think>"
    if n_close > 1:
        return "duplicate_think", f"</think> appears {n_close} times"
    if n_open > 1:
        second = text.find(THINK_OPEN, text.find(THINK_OPEN) + 1)
        if second < text.find(THINK_CLOSE):
            return "nested_think", "a <think> tag inside the thought"
        return "duplicate_think", f"<think> appears {n_open} times"
    open_at, close_at = text.find(THINK_OPEN), text.find(THINK_CLOSE)
    if close_at < open_at:
        return "missing_think_open", "</think> comes before <think>"
    if text[:open_at].strip():
        return "text_before_think", "text before <think>"
    thought = text[open_at + len(THINK_OPEN) : close_at]
    if ANSWER_OPEN in thought or ANSWER_CLOSE in thought:
        return "answer_in_thought", "an <answer> tag inside the thought"
    if not allow_empty_thought and not thought.strip():
        return "empty_thought", "the thought is empty"
    return _answer_violation(text[close_at + len(THINK_CLOSE) :], require_answer_tags)


def _answer_violation(tail: str, require_answer_tags: bool) -> tuple[str, str] | None:
    n_open, n_close = tail.count(ANSWER_OPEN), tail.count(ANSWER_CLOSE)
    if n_open == 0 and n_close == 0:
        if require_answer_tags:
            return "missing_answer_tags", "no <answer>...</answer> block after the thought"
        if not tail.strip():
            return "empty_answer", "nothing after </think>"
        return None
    if n_open > 1 or n_close > 1:
        return "duplicate_answer", "more than one <answer> block"
    if n_close == 0 or n_open == 0:
        return "unclosed_answer", "an <answer> tag without its pair"
    open_at, close_at = tail.find(ANSWER_OPEN), tail.find(ANSWER_CLOSE)
    if close_at < open_at:
        return "answer_close_before_open", "</answer> comes before <answer>"
    if tail[:open_at].strip():
        return "text_outside_answer", "text between </think> and <answer>"
    if tail[close_at + len(ANSWER_CLOSE) :].strip():
        return "text_after_answer", "text after </answer>"
    if not tail[open_at + len(ANSWER_OPEN) : close_at].strip():
        return "empty_answer", "the <answer> block is empty"
    return None


class FormatOptions(RewardContext):
    """Which template rules apply; the shared reward context is accepted too."""

    require_answer_tags: bool = Field(
        False, description="the answer must be inside <answer>...</answer> (Logic-RL)"
    )
    allow_empty_thought: bool = Field(True, description="an empty <think></think> is allowed")


def verify(response: str, reference: Any = None, **options: Any) -> Verdict:
    """Format reward: 1.0 when the response follows the template, else 0.0.

    Options: ``FormatOptions`` (unknown keys are an ``OptionsError``);
    ``reference`` is ignored.
    """
    opts = FormatOptions.parse(options, where="verifier 'format'")
    prefilled = opts.prefilled_think
    violation = find_violation(
        response,
        prefilled_think=prefilled,
        require_answer_tags=opts.require_answer_tags,
        allow_empty_thought=opts.allow_empty_thought,
    )
    if violation is None:
        parts = split_response(response, prefilled_think=prefilled)
        return Verdict(
            score=1.0, correct=True, extracted=parts.answer, reason="follows the template"
        )
    code, explanation = violation
    return Verdict(
        score=0.0,
        correct=False,
        status=Status.FORMAT_ERROR,
        reason=explanation,
        details={"violation": code},
    )


INFO = VerifierInfo(
    name="format",
    target="verifiers.format:verify",
    options=FormatOptions,
    expected_cost_s=0.0001,
    description="the R1 template: <think>THOUGHT</think> then the answer",
)
