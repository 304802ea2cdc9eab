"""The cascade inside the reward server, against a real model endpoint (the tiny judge).

What the issue's "done when" asks, pinned end to end over HTTP: rule-decided
items never reach the judge, undecided ones do, disagreements are logged and
counted in ``/metrics``, a hanging or failing judge gives the spec's failure
score with a reason (never a 5xx), and the master-key gate refuses a bad
judge at start-up unless the operator overrides it.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from server.metrics import Metrics
from server.service import RewardService
from server.settings import ServerSettings
from tests.server.live import live_server
from tests.verifiers.model_judge.endpoints import Endpoint, serve_app, stub_app
from verifiers.model_judge import JudgeRefused

DECIDED = [("The answer is \\boxed{4}.", "4"), ("The answer is \\boxed{5}.", "4")]
UNDECIDED = [
    ("Hence the answer is (-\\infty, 2).", "(-\\infty, 2)"),  # no answer statement found
    ("\\boxed{the largest mammal}", "The blue whale is the largest"),  # free-form gold
]
SPEC = {  # accuracy only, with a failure score of -1 so a judge failure is visible
    "name": "cascade_test",
    "components": [{"name": "accuracy", "scores": {"correct": 1, "wrong": 0, "no_answer": -1}}],
}


def _judge(endpoint: Endpoint, **extra: Any) -> dict[str, Any]:
    return {"base_url": endpoint.url, "model": "tiny-judge", "max_tokens": 8, **extra}


def _metric(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{name}{re.escape(labels)} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def _score(
    live: Any, pairs: list[tuple[str, str]], context: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    items = [
        {"response": r, "reference": g, "prompt": "Q?", "context": context or {}} for r, g in pairs
    ]
    with live.client() as client:
        reply = client.post("/v1/rewards", json={"items": items, "task": "cascade", "spec": SPEC})
    assert reply.status_code == 200, reply.text
    return reply.json()["results"]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_cascade_in_the_server_with_a_real_judge(tiny_endpoint: Endpoint, tmp_path: Path) -> None:
    log = tmp_path / "disagreements.jsonl"
    judge = _judge(tiny_endpoint, timeout_s=100, threshold=0.01, disagreement_log=str(log),
                   gate_sample=6, allow_unsafe=True)  # fmt: skip
    with live_server(judge=judge, timeout_s=120, max_timeout_s=120) as live:
        assert live.service.judge_gate is not None and live.service.judge_gate.n == 6
        before = len(tiny_endpoint.requests)
        decided = _score(live, DECIDED)
        assert len(tiny_endpoint.requests) == before  # rules decided: the judge never asked
        assert [r["correct"] for r in decided] == [True, False]
        assert {r["verdicts"]["accuracy"]["details"]["cascade"]["route"] for r in decided} == {
            "rules"
        }
        # a request naming another endpoint is refused: the endpoint is not an option
        with live.client() as client:
            item = {"response": ":", "reference": "4", "context": {"base_url": "http://x/v1"}}
            refused = client.post("/v1/rewards", json={"items": [item], "task": "cascade"})
        assert refused.status_code == 422 and "base_url" in refused.text
        judged = _score(live, UNDECIDED)
        assert len(tiny_endpoint.requests) == before + len(UNDECIDED)
        infos = [r["verdicts"]["accuracy"]["details"]["cascade"] for r in judged]
        assert [i["route"] for i in infos] == ["judge", "judge"]
        assert all(i["rules"]["correct"] is False and i["judge"]["status"] == "ok" for i in infos)
        assert all("Verdict:" in i["judge"]["details"]["text"] for i in infos)
        disagreements = sum(bool(i["disagree"]) for i in infos)
        assert disagreements == 2  # threshold 0.01: the judge accepts what the rules did not
        assert len(log.read_text().splitlines()) == disagreements
        with live.client() as client:
            metrics = client.get("/metrics").text
    assert _metric(metrics, "rlvr_cascade_items_total", '{route="rules"}') == 2
    assert _metric(metrics, "rlvr_cascade_items_total", '{route="judge"}') == 2
    assert _metric(metrics, "rlvr_cascade_disagreements_total") == 2
    assert _metric(metrics, "rlvr_judge_seconds_count") == 2


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "status"), [("hang", "timeout"), ("error", "error")])
def test_failing_judge_gives_the_failure_score_not_a_5xx(kind: str, status: str) -> None:
    with serve_app(stub_app(kind)) as endpoint:
        judge = {"base_url": endpoint.url, "model": "stub", "timeout_s": 1.0, "gate_sample": 2,
                 "allow_unsafe": True}  # fmt: skip
        with live_server(judge=judge, timeout_s=10) as live:
            results = _score(live, UNDECIDED[:1] + DECIDED[:1])
            with live.client() as client:
                metrics = client.get("/metrics").text
    failed, decided = results
    assert failed["status"] == status and failed["total"] == -1.0
    assert "rules undecided (no_answer with a final answer)" in failed["reason"]
    assert decided["status"] == "ok" and decided["total"] == 1.0
    assert _metric(metrics, "rlvr_judge_failures_total", f'{{status="{status}"}}') == 1


def test_a_cached_cascade_result_is_counted_and_logged_once(tmp_path: Path) -> None:
    """The cache replays a judged verdict: no judge call, no second count, no second log line."""
    log = tmp_path / "disagreements.jsonl"
    with serve_app(stub_app("yes")) as endpoint:
        judge = {"base_url": endpoint.url, "model": "yes-man", "timeout_s": 10.0,
                 "gate_sample": 2, "allow_unsafe": True, "disagreement_log": str(log)}  # fmt: skip
        with live_server(judge=judge, timeout_s=30) as live:
            before = len(endpoint.requests)
            first = _score(live, UNDECIDED[:1])
            second = _score(live, UNDECIDED[:1])
            with live.client() as client:
                metrics = client.get("/metrics").text
    assert len(endpoint.requests) == before + 1  # the second answer came from the cache
    assert first[0]["cached"] is False and second[0]["cached"] is True
    info = second[0]["verdicts"]["accuracy"]["details"]["cascade"]
    assert info["route"] == "judge" and info["disagree"] is True
    assert len(log.read_text().splitlines()) == 1
    assert _metric(metrics, "rlvr_cascade_items_total", '{route="judge"}') == 1
    assert _metric(metrics, "rlvr_cascade_disagreements_total") == 1
    assert _metric(metrics, "rlvr_judge_seconds_count") == 1
    assert _metric(metrics, "rlvr_cache_total", '{outcome="hit"}') == 1


def test_master_key_gate_refuses_a_bad_judge_at_start_up() -> None:
    with serve_app(stub_app("yes")) as endpoint:
        settings = ServerSettings.load(judge={"base_url": endpoint.url, "model": "yes-man"})
        service = RewardService(settings, Metrics())
        with pytest.raises(JudgeRefused, match="allow_unsafe"):
            asyncio.run(service.start())
        assert service.runner is None  # refused before any worker started


def test_judge_settings_reject_unknown_keys() -> None:
    with pytest.raises(ValueError, match="endpoint"):
        ServerSettings.load(judge={"base_url": "http://x/v1", "model": "m", "endpoint": "y"})
