"""Kimi k1.5's length penalty: a group reward that prefers short correct answers.

With ``min_len`` and ``max_len`` the shortest and longest responses to the same
prompt, ``lambda_i = 0.5 - (len_i - min_len) / (max_len - min_len)`` (0 when
all lengths are equal). A correct response gets ``lambda_i``; a wrong one gets
``min(0, lambda_i)``, so a long wrong answer is penalised and a short wrong
answer is never rewarded. Kimi switches it on after a warm-up, which is why it
is a switchable component of a ``RewardSpec`` and not part of accuracy.
"""

from __future__ import annotations

from collections.abc import Sequence


def length_penalty(correct: Sequence[bool], lengths: Sequence[int]) -> list[float]:
    """Per-response length rewards for one group (all responses to one prompt)."""
    if len(correct) != len(lengths):
        raise ValueError(f"{len(correct)} correctness flags but {len(lengths)} lengths")
    if not lengths:
        return []
    shortest, longest = min(lengths), max(lengths)
    if longest == shortest:
        return [0.0] * len(lengths)
    span = longest - shortest
    rewards = []
    for ok, length in zip(correct, lengths, strict=True):
        lam = 0.5 - (length - shortest) / span
        rewards.append(lam if ok else min(0.0, lam))
    return rewards
