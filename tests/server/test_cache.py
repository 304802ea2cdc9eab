"""The content-hash verdict cache: bounded, keyed on everything that decides a reward."""

from __future__ import annotations

import pytest

from server.cache import VerdictCache, content_key, spec_fingerprint
from verifiers.core.reward import RewardResult
from verifiers.core.spec import PRESETS
from verifiers.core.verdict import Status


def result(status: Status = Status.OK, total: float = 1.0) -> RewardResult:
    return RewardResult(total=total, components={"accuracy": total}, status=status)


def key(**changes: object) -> str:
    base = {
        "spec_digest": spec_fingerprint(PRESETS["r1_zero"]),
        "task": "math",
        "response": "r",
        "reference": "1",
        "context": {"prompt": "p"},
    }
    return content_key(**{**base, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "change",
    [
        {"spec_digest": spec_fingerprint(PRESETS["r1"])},
        {"task": "code"},
        {"response": "r "},
        {"reference": 1},
        {"reference": ["1"]},
        {"context": {"prompt": "q"}},
        {"context": {"prompt": "p", "target": "en"}},
    ],
    ids=[
        "spec",
        "task",
        "response_whitespace",
        "reference_type",
        "reference_list",
        "context_value",
        "context_key",
    ],
)
def test_key_changes_with_every_input(change: dict) -> None:
    assert key(**change) != key()


def test_key_is_stable_and_order_free() -> None:
    assert key(context={"a": 1, "b": 2}) == key(context={"b": 2, "a": 1})
    assert key(response="\ud800") == key(response="\ud800")  # lone surrogates do not crash


def test_lru_bound_and_recency() -> None:
    cache = VerdictCache(2)
    cache.put("a", result())
    cache.put("b", result())
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("c", result())
    assert cache.get("b") is None
    assert cache.get("a") is not None and cache.get("c") is not None
    assert len(cache) == 2
    assert (cache.hits, cache.misses) == (3, 1)


@pytest.mark.parametrize("status", [Status.TIMEOUT, Status.ERROR], ids=["timeout", "error"])
def test_transient_failures_are_not_cached(status: Status) -> None:
    cache = VerdictCache(10)
    cache.put("k", result(status))
    assert cache.get("k") is None


def test_size_zero_turns_the_cache_off() -> None:
    cache = VerdictCache(0)
    cache.put("k", result())
    assert cache.get("k") is None
