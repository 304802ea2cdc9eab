"""Prompt templates: how a dataset question becomes model input.

- ``r1_zero``: DeepSeek-R1-Zero's fixed template for base models: reason in
  ``<think>``, answer in ``<answer>``; nothing about *how* to reason.
- ``chat``: the question as a user message; the backend applies the model's
  own chat template (instruct models).
- ``no_cot``: Kimi k1.5's guessing test: ask for the final answer only, no
  reasoning, to be run with a short token budget; a prompt a model answers
  right this way within k tries is too easy or hackable.
- ``raw``: the prompt text unchanged.
A rendered prompt is either text (completion APIs) or a list of chat messages.
"""

from __future__ import annotations

from typing import Any

from curation.config import TemplateName

Rendered = str | list[dict[str, str]]

R1_ZERO = (
    "A conversation between User and Assistant. The user asks a question, and the Assistant "
    "solves it. The assistant first thinks about the reasoning process in the mind and then "
    "provides the user with the answer. The reasoning process and answer are enclosed within "
    "<think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process "
    "here </think> <answer> answer here </answer>. User: {prompt}. Assistant:"
)
CHAT_SUFFIX = "\n\nPlease reason step by step, and put your final answer within \\boxed{{}}."
NO_COT = (
    "Give only the final answer to the question below, with no explanation or working, "
    "inside \\boxed{{}}.\n\nQuestion: {prompt}\nFinal answer:"
)


def _as_text(prompt: Any) -> str:
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list):  # chat messages: the last user turn is the question
        users = [
            m.get("content", "") for m in prompt if isinstance(m, dict) and m.get("role") == "user"
        ]
        return str(users[-1]) if users else ""
    return str(prompt)


def render(prompt: Any, template: TemplateName | str) -> Rendered:
    """Model input for ``prompt`` (text or chat messages) under ``template``."""
    template = TemplateName(template)
    if template == TemplateName.RAW:
        return prompt if isinstance(prompt, list) else _as_text(prompt)
    if template == TemplateName.CHAT:
        if isinstance(prompt, list):
            return [{"role": str(m["role"]), "content": str(m["content"])} for m in prompt]
        return [{"role": "user", "content": _as_text(prompt) + CHAT_SUFFIX.format()}]
    if template == TemplateName.NO_COT:
        return NO_COT.format(prompt=_as_text(prompt))
    return R1_ZERO.format(prompt=_as_text(prompt).strip().rstrip("."))
