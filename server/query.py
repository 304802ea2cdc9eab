"""Recover the response from an OpenRLHF query (prompt + response, special tokens kept).

OpenRLHF decodes the whole token sequence with ``skip_special_tokens=False``
and sends it as ``query`` next to the prompt. Verifying that text as is would
grade the prompt (its few-shot answers, its own ``<think>`` tags) and the
end-of-turn token. So the prompt prefix is cut off and trailing special
tokens are stripped. Decoding can differ from the prompt string at the very
start (a BOS token the tokenizer adds), so the prompt is also searched for
when the query does not start with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence


@dataclasses.dataclass(frozen=True)
class SplitQuery:
    response: str
    prompt_found: bool


def strip_trailing_tokens(text: str, tokens: Sequence[str]) -> str:
    """Remove any run of ``tokens`` (and whitespace between them) from the end of ``text``."""
    ordered = sorted((t for t in tokens if t), key=len, reverse=True)
    while True:
        trimmed = text.rstrip()
        for token in ordered:
            if trimmed.endswith(token):
                text = trimmed[: -len(token)]
                break
        else:
            return text


def split_query(query: str, prompt: str | None, strip_tokens: Sequence[str]) -> SplitQuery:
    """The response part of ``query``; ``prompt_found`` is False when the prompt was not in it."""
    found = True
    if prompt:
        if query.startswith(prompt):
            query = query[len(prompt) :]
        else:
            at = query.find(prompt)
            found = at >= 0
            if found:
                query = query[at + len(prompt) :]
    return SplitQuery(strip_trailing_tokens(query, strip_tokens), prompt_found=found)
