"""POST /v1/rewards over real HTTP: shapes, specs, groups, cache, timeouts in a batch."""

from __future__ import annotations

import time

import pytest

from tests.server.live import LiveServer, live_server

GOOD = "<think>add them</think> 42"


def post(server: LiveServer, body: dict) -> dict:
    with server.client() as client:
        reply = client.post("/v1/rewards", json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.mark.parametrize(
    ("item", "total", "status"),
    [
        ({"response": GOOD, "reference": "42"}, 2.0, "ok"),
        ({"response": GOOD, "reference": "41"}, 1.0, "ok"),
        ({"response": "42", "reference": "42"}, 1.0, "format_error"),
        ({"response": "<think>never closed", "reference": "42"}, 0.0, "format_error"),
        ({"response": GOOD, "reference": "42", "spec": "logic_rl"}, -3.0, "format_error"),
        (
            {
                "response": "<think>a</think><answer>42</answer>",
                "reference": "42",
                "spec": "logic_rl",
            },
            3.0,
            "ok",
        ),
        ({"response": GOOD, "reference": "42", "task": "format"}, 2.0, "ok"),
        ({"response": GOOD, "reference": "42", "verifier": "t_echo"}, 1.0, "ok"),
    ],
    ids=[
        "r1_zero_right_answer_and_format",
        "r1_zero_wrong_answer_keeps_format_point",
        "no_think_tags_fails_format_only",
        "unclosed_think_scores_nothing",
        "logic_rl_needs_answer_tags",
        "logic_rl_full_marks",
        "task_field_picks_the_verifier",
        "verifier_is_an_alias_of_task",
    ],
)
def test_item_totals(server: LiveServer, item: dict, total: float, status: str) -> None:
    (result,) = post(server, {"items": [item]})["results"]
    assert result["total"] == pytest.approx(total)
    assert result["status"] == status
    assert set(result["components"]) <= set(result["verdicts"]) | {"length_penalty"}


def test_result_carries_components_and_full_verdicts(server: LiveServer) -> None:
    (result,) = post(server, {"items": [{"response": GOOD, "reference": "42"}]})["results"]
    assert result["components"] == {"accuracy": 1.0, "format": 1.0}
    verdict = result["verdicts"]["accuracy"]
    assert verdict["extracted"] == "42"
    assert verdict["verifier"] == "t_exact"
    assert {"score", "correct", "status", "reason", "details", "elapsed_s"} <= set(verdict)
    assert result["correct"] is True


def test_inline_spec_and_batch_defaults(server: LiveServer) -> None:
    spec = {
        "name": "format_only",
        "components": [{"name": "fmt", "verifier": "format", "weight": 0.5}],
    }
    body = {"spec": spec, "items": [{"response": GOOD}, {"response": "no tags"}]}
    totals = [r["total"] for r in post(server, body)["results"]]
    assert totals == [0.5, 0.0]


def test_prompt_ending_in_think_means_prefilled_thought(server: LiveServer) -> None:
    item = {"response": "add them</think> 42", "reference": "42", "prompt": "Q: 40+2?\n<think>"}
    (result,) = post(server, {"items": [item]})["results"]
    assert result["components"]["format"] == 1.0


def test_group_length_penalty_when_switched_on(server: LiveServer) -> None:
    short, long_ = "<think>a</think> 42", "<think>" + "a" * 40 + "</think> 42"
    items = [
        {"response": short, "reference": "42", "group": "p1"},
        {"response": long_, "reference": "42", "group": "p1"},
        {"response": long_, "reference": "0", "group": "p1"},
    ]
    off = post(server, {"items": items})["results"]
    on = post(server, {"items": items, "length_penalty": True})["results"]
    assert all("length_penalty" not in r["components"] for r in off)
    lam = [r["components"]["length_penalty"] for r in on]
    assert lam[0] == pytest.approx(0.5)  # shortest and correct
    assert lam[1] == pytest.approx(-0.5)  # longest and correct
    assert lam[2] == pytest.approx(-0.5)  # wrong: min(0, lambda)
    assert [r["total"] for r in on] == pytest.approx([2.5, 1.5, 0.5])


def test_repeated_items_come_from_the_cache(server: LiveServer) -> None:
    item = {"response": f"<think>cache {time.time()}</think> 7", "reference": "7"}
    first = post(server, {"items": [item]})["results"][0]
    second = post(server, {"items": [item, item]})["results"]
    assert first["cached"] is False
    assert [r["cached"] for r in second] == [True, True]
    assert all(r["total"] == first["total"] for r in second)


def test_stuck_items_fail_alone_within_the_time_limit(server: LiveServer) -> None:
    """An endless loop and a CAS stall sit in one batch with normal items."""
    items = [
        {"response": GOOD, "reference": "42"},
        {"response": "x", "task": "t_never"},
        {"response": GOOD, "reference": "42", "task": "t_sympy_hang"},
        {"response": GOOD, "reference": "0"},
    ]
    start = time.monotonic()
    results = post(server, {"items": items, "timeout_s": 1.5})["results"]
    elapsed = time.monotonic() - start
    assert elapsed < 8, "the batch must answer within the per-item limits"
    assert [r["status"] for r in results] == ["ok", "timeout", "timeout", "ok"]
    assert [r["total"] for r in results] == [2.0, 0.0, 0.0, 1.0]
    assert "time limit" in results[1]["reason"]
    with server.client() as client:
        metrics = client.get("/metrics").text
    assert 'rlvr_verifier_timeouts_total{verifier="t_never"}' in metrics
    assert 'rlvr_verifier_timeouts_total{verifier="t_sympy_hang"}' in metrics


def test_timeout_gives_the_specs_failure_score(server: LiveServer) -> None:
    body = {"items": [{"response": "x", "task": "t_never", "spec": "simplerl"}], "timeout_s": 0.5}
    (result,) = post(server, body)["results"]
    assert result["status"] == "timeout"
    assert result["total"] == -1.0


def test_requested_timeout_is_capped_by_the_server(server: LiveServer) -> None:
    assert server.service.timeout_for(10_000) == server.settings.max_timeout_s
    assert server.service.timeout_for(None) == server.settings.timeout_s


def test_values_json_cannot_hold_never_break_the_reply(server: LiveServer) -> None:
    raw = {"components": [{"name": "raw", "verifier": "t_nan"}]}
    body = {"items": [{"response": "x", "task": "t_nan"}, {"response": "x", "spec": raw}]}
    graded, ungraded = post(server, body)["results"]
    assert graded["verdicts"]["accuracy"]["score"] is None  # NaN -> null
    assert graded["verdicts"]["accuracy"]["details"]["inf"] is None
    assert graded["total"] == 0.0  # binary scores: an undecided verdict is worth no_answer
    assert ungraded["status"] == "error"  # a NaN reward is an error, not a number
    assert ungraded["total"] == 0.0
    assert "finite" in ungraded["reason"]


def test_missing_reference_is_422_and_null_is_reference_error(server: LiveServer) -> None:
    with server.client() as client:
        missing = client.post("/v1/rewards", json={"items": [{"response": "1"}], "task": "math"})
        null = client.post(
            "/v1/rewards",
            json={"items": [{"response": "<think>a</think> 1", "reference": None}], "task": "math"},
        )
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "items", 0, "reference"]
    assert null.status_code == 200
    assert null.json()["results"][0]["status"] == "reference_error"
    with server.client() as client:
        metrics = client.get("/metrics").text
    assert 'status="reference_error",task="math"' in metrics or (
        'task="math",status="reference_error"' in metrics
    )


def test_chat_prompt_is_read(server: LiveServer) -> None:
    chat = [
        {"role": "system", "content": "Answer."},
        {"role": "user", "content": "What is 1 + 0? <think>"},
    ]
    item = {"response": "1 </think> 1", "reference": "1", "prompt": chat}
    with server.client() as client:
        reply = client.post("/v1/rewards", json={"items": [item], "task": "t_exact"})
    assert reply.status_code == 200, reply.text
    # the chat prompt ends in <think>: the response starts inside the thought (format passes)
    assert reply.json()["results"][0]["total"] == 2.0


@pytest.mark.parametrize(
    ("item", "bad_key"),
    [
        (
            {
                "spec": {
                    "components": [
                        {"name": "accuracy", "role": "accuracy", "options": {"require_boxd": True}}
                    ]
                },
                "task": "math",
            },
            "require_boxd",
        ),
        ({"task": "math", "context": {"require_boxd": True}}, "require_boxd"),
        ({"task": "math", "spec": "simplerl", "context": {"use_all": False}}, "use_all"),
        (
            {
                "task": "countdown",
                "spec": {"components": [{"name": "a", "options": {"require_boxed": True}}]},
            },
            "require_boxed",
        ),
    ],
    ids=["inline_spec_typo", "context_typo", "option_of_another_verifier", "task_term_for_task"],
)
def test_unknown_option_is_a_422_naming_it(server: LiveServer, item: dict, bad_key: str) -> None:
    body = {"items": [{"response": GOOD, "reference": "42", **item}]}
    with server.client() as client:
        reply = client.post("/v1/rewards", json=body)
    assert reply.status_code == 422, reply.text
    assert bad_key in reply.text and "valid options" in reply.text


def test_a_verifier_record_from_the_config_is_served_with_its_rules() -> None:
    """``verifier_records``: a model judge's way in; the endpoint only from the operator."""
    judged = {
        "components": [
            {
                "name": "accuracy",
                "verifier": "t_endpoint",
                "options": {"judge_url": "http://judge.internal/v1"},
                "scores": {"correct": 1, "wrong": 0, "no_answer": 0},
            }
        ]
    }
    record = "tests.server.verifiers_for_tests:ENDPOINT_ECHO"
    with (
        live_server(
            verifier_records=[record], specs={"judged": judged}, default_spec="judged"
        ) as live,
        live.client() as client,
    ):
        item: dict = {"response": "it is 42", "reference": "42"}
        ok = client.post("/v1/rewards", json={"items": [item]})
        assert ok.status_code == 200, ok.text
        verdict = ok.json()["results"][0]["verdicts"]["accuracy"]
        assert (
            verdict["correct"] is True and verdict["reason"] == "judged by http://judge.internal/v1"
        )
        item["context"] = {"judge_url": "http://evil/v1"}
        assert client.post("/v1/rewards", json={"items": [item]}).status_code == 422
        item["context"] = {"strikt": True}
        typo = client.post("/v1/rewards", json={"items": [item]})
        assert typo.status_code == 422 and "strikt" in typo.text
        no_gold = client.post("/v1/rewards", json={"items": [{"response": "42"}]})
        assert no_gold.status_code == 422  # the record says it needs a reference
