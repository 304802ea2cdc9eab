"""A bounded verdict cache keyed by a hash of everything that decides the reward.

GRPO-style training samples many responses per prompt and often repeats
prompts across epochs, and short answers collide often ("\\boxed{2}"), so the
same (spec, task, response, reference, context) comes back again and again.
Serving those from memory makes repeated rollouts free. The cache is an LRU
with a hard entry bound, lives in one server process (replicas do not share
it: they stay stateless) and never stores timeouts or errors, which may pass
on a retry when the machine is less loaded.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from verifiers.core.reward import RewardResult
from verifiers.core.spec import RewardSpec
from verifiers.core.verdict import Status

# Outcomes that depend only on the content, so they are safe to replay.
CACHEABLE = frozenset({Status.OK, Status.NO_ANSWER, Status.PARSE_ERROR, Status.FORMAT_ERROR})


def spec_fingerprint(spec: RewardSpec) -> str:
    """A stable digest of a spec's content (two equal specs share cache entries)."""
    return hashlib.sha256(spec.model_dump_json().encode()).hexdigest()


def content_key(
    spec_digest: str, task: str, response: str, reference: Any, context: Mapping[str, Any]
) -> str:
    """The cache key of one item: a SHA-256 over a canonical JSON encoding."""
    payload = json.dumps(
        [spec_digest, task, response, reference, dict(context)],
        sort_keys=True,
        ensure_ascii=False,
        default=repr,
    )
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


class VerdictCache:
    """LRU map from ``content_key`` to the item's ``RewardResult`` (before group terms)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, RewardResult] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> RewardResult | None:
        if self.max_entries == 0:
            return None
        with self._lock:
            result = self._entries.get(key)
            if result is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return result

    def put(self, key: str, result: RewardResult) -> None:
        if self.max_entries == 0 or result.status not in CACHEABLE:
            return
        with self._lock:
            self._entries[key] = result
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
