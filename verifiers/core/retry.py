"""When to retry an HTTP call and how long to wait: one rule for every client we ship.

The reward client (``server.clients.http.RewardClient``, used by the trainer
adapters and by ``curate --server``), curation's OpenAI-compatible generation
backend and ``rm-train data``'s teacher retry the same way: a retryable status or
a transport error is tried again, after the server's ``Retry-After`` when it
gives a usable number of seconds, else after an exponential backoff. Keeping that
rule here means the hint is parsed once, strictly (a negative, non-finite or
malformed value is ignored, never slept on and never raised). It lives in the
bottom layer (it imports nothing of ours) so that each of those packages can use
it without importing another.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry, on which statuses, and how long to wait between tries."""

    retries: int
    retry_status: frozenset[int]
    backoff_s: float
    max_retry_after_s: float
    max_backoff_s: float | None = None
    # Spread retries of many clients over [0.5, 1] x the backoff (not the server's hint),
    # so replicas restarting together are not hit by one synchronised wave.
    jitter: bool = False

    @property
    def attempts(self) -> int:
        return self.retries + 1

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before try number ``attempt`` (1 = the first retry)."""
        hint = parse_retry_after(retry_after)
        if hint is not None:
            return min(hint, self.max_retry_after_s)
        backoff = self.backoff_s * 2 ** (attempt - 1)
        if self.max_backoff_s is not None:
            backoff = min(backoff, self.max_backoff_s)
        return backoff * (0.5 + random.random() / 2) if self.jitter else backoff


def parse_retry_after(value: str | None) -> float | None:
    """A ``Retry-After`` in seconds, or None when absent or not a usable number."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:  # an HTTP date or garbage: fall back to backoff
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None
