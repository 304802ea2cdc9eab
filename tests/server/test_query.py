"""Cutting the prompt and trailing special tokens off an OpenRLHF query."""

from __future__ import annotations

import pytest

from server.query import split_query, strip_trailing_tokens
from server.settings import DEFAULT_STRIP_TOKENS

PROMPT = "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n"


@pytest.mark.parametrize(
    ("query", "prompt", "response", "found"),
    [
        (PROMPT + "A<|im_end|>", PROMPT, "A", True),
        (PROMPT + "A<|im_end|>\n<|endoftext|>", PROMPT, "A", True),
        ("<|begin_of_text|>" + PROMPT + "A<|eot_id|>", PROMPT, "A", True),
        (PROMPT + "A </s>", PROMPT, "A ", True),
        (PROMPT + "A", PROMPT, "A", True),
        (PROMPT + "say <|im_end|> twice<|im_end|>", PROMPT, "say <|im_end|> twice", True),
        ("A<|im_end|>", None, "A", True),
        ("A<|im_end|>", "", "A", True),
        ("A<|im_end|>", "different prompt", "A", False),
        (PROMPT + PROMPT + "A", PROMPT, PROMPT + "A", True),
    ],
    ids=[
        "prompt_prefix_and_im_end",
        "run_of_end_tokens_with_newline",
        "bos_before_the_prompt",
        "space_before_eos_is_kept_in_the_answer",
        "no_special_tokens",
        "special_token_inside_the_response_stays",
        "no_prompt_given",
        "empty_prompt",
        "prompt_not_in_query_keeps_everything",
        "response_repeating_the_prompt_keeps_the_repeat",
    ],
)
def test_split_query(query: str, prompt: str | None, response: str, found: bool) -> None:
    split = split_query(query, prompt, DEFAULT_STRIP_TOKENS)
    assert split.response == response
    assert split.prompt_found is found


def test_strip_only_listed_tokens() -> None:
    assert strip_trailing_tokens("x<|custom|>", ["<|custom|>"]) == "x"
    assert strip_trailing_tokens("x<|custom|>", DEFAULT_STRIP_TOKENS) == "x<|custom|>"
    assert strip_trailing_tokens("", DEFAULT_STRIP_TOKENS) == ""
