"""Score rollouts against a running reward server (``POST /v1/rewards``), plain httpx.

For users who already run the reward server next to their trainer: the same
verdicts, no local worker pool. The server is never imported (curation must
not depend on it); this only speaks its documented JSON: ``{"items": [...]}``
in, ``{"results": [{"total", "correct", "status", "reason", "verdicts"}]}``
out. 429/503 are retried after ``Retry-After``; a batch that still fails
marks its items ``error`` with the HTTP reason instead of stopping the run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import httpx

from curation.config import ScoreConfig
from curation.retry import RetryPolicy

RETRIES = 4


def _item(job: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "response": job.response,
        "reference": job.reference,
        "task": job.verifier,
    }
    options = dict(job.options)
    if "prompt" in options:
        item["prompt"] = options.pop("prompt")
    if options:
        item["context"] = options
    return item


def _compact(result: dict[str, Any], verifier: str) -> tuple[Any, ...]:
    """The server's result as curation's compact verdict: the task component's verdict
    gives ``extracted``; all components and verdicts are kept in ``details``."""
    verdicts = result.get("verdicts") or {}
    mine = [v for v in verdicts.values() if isinstance(v, dict) and v.get("verifier") == verifier]
    extracted = next((v.get("extracted") for v in mine if v.get("extracted") is not None), None)
    details = json.dumps(
        {"components": result.get("components", {}), "verdicts": verdicts}, default=str
    )
    # ``scores`` mean the task verifier's score, as in local scoring (not the spec total,
    # which adds format terms): the same file whichever way it was scored.
    score = next((v.get("score") for v in mine if v.get("score") is not None), None)
    return (
        float(score if score is not None else result.get("total", 0.0)),
        result.get("correct"),
        str(result.get("status", "ok")),
        extracted,
        str(result.get("reason", "")),
        0.0,
        details,
    )


_POLICY = RetryPolicy(
    retries=RETRIES,
    retry_status=frozenset({429, 502, 503, 504}),
    backoff_s=1.0,
    max_retry_after_s=30.0,
    max_backoff_s=30.0,
)


def _post(
    client: httpx.Client, url: str, items: list[dict[str, Any]]
) -> list[dict[str, Any]] | str:
    last, retry_after = "", None
    for attempt in range(_POLICY.attempts):
        if attempt:
            time.sleep(_POLICY.delay(attempt, retry_after))
        try:
            resp = client.post(url, json={"items": items})
        except httpx.HTTPError as exc:
            last, retry_after = f"{type(exc).__name__}: {exc}", None
            continue
        if resp.status_code in _POLICY.retry_status:
            last, retry_after = f"HTTP {resp.status_code}", resp.headers.get("retry-after")
            continue
        if resp.status_code != 200:
            return f"HTTP {resp.status_code}: {resp.text[:300]}"
        results = resp.json().get("results")
        if not isinstance(results, list) or len(results) != len(items):
            return f"reward server answered {len(results or [])} results for {len(items)} items"
        return results
    return f"reward server unreachable after {_POLICY.attempts} attempts: {last}"


def score_via_server(jobs: Sequence[Any], cfg: ScoreConfig) -> list[tuple[Any, ...]]:
    """Compact verdict tuples (as ``curation.score`` uses them) for ``jobs``, in order."""
    assert cfg.server is not None
    url = cfg.server.rstrip("/") + "/v1/rewards"
    out: list[tuple[Any, ...]] = []
    with httpx.Client(timeout=max(30.0, cfg.timeout_s * 4)) as client:
        for start in range(0, len(jobs), cfg.server_batch):
            chunk = jobs[start : start + cfg.server_batch]
            results = _post(client, url, [_item(j) for j in chunk])
            if isinstance(results, str):
                out.extend((0.0, None, "error", None, results, 0.0, "") for _ in chunk)
            else:
                out.extend(_compact(r, j.verifier) for r, j in zip(results, chunk, strict=True))
    return out
