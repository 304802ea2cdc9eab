"""Guards over real HTTP: 413 (body, batch), 422 with the field, 401 auth, 429 saturation."""

from __future__ import annotations

import concurrent.futures
import json
from collections.abc import Iterator

import httpx
import pytest

from tests.server.live import LiveServer, live_server


@pytest.fixture(scope="module")
def small_server() -> Iterator[LiveServer]:
    """Tight limits and one worker so saturation is easy to reach."""
    with live_server(
        workers=1,
        max_body_bytes=4096,
        max_batch_items=8,
        max_pending_items=4,
        retry_after_s=2,
        default_task="t_exact",
        cache_size=0,
    ) as live:
        yield live


@pytest.fixture(scope="module")
def auth_server() -> Iterator[LiveServer]:
    with live_server(workers=1, api_token="s3cret", default_task="t_exact") as live:
        yield live


def test_oversized_body_by_content_length_is_413(small_server: LiveServer) -> None:
    body = {"items": [{"response": "x" * 5000}]}
    with small_server.client() as client:
        reply = client.post("/v1/rewards", json=body)
    assert reply.status_code == 413
    assert "max_body_bytes" in reply.json()["detail"]


def test_oversized_chunked_body_is_413(small_server: LiveServer) -> None:
    payload = json.dumps({"items": [{"response": "x" * 5000}]}).encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is enforced while streaming
        for i in range(0, len(payload), 1000):
            yield payload[i : i + 1000]

    with small_server.client() as client:
        reply = client.post(
            "/v1/rewards", content=chunks(), headers={"content-type": "application/json"}
        )
    assert reply.status_code == 413


@pytest.mark.parametrize("path", ["/v1/rewards", "/get_reward"])
def test_too_many_items_is_413(small_server: LiveServer, path: str) -> None:
    body = (
        {"items": [{"response": "a"}] * 9}
        if path == "/v1/rewards"
        else {"query": ["a"] * 9, "labels": ["a"] * 9}
    )
    with small_server.client() as client:
        reply = client.post(path, json=body)
    assert reply.status_code == 413
    assert "max_batch_items" in reply.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/v1/rewards", {"items": [{"reference": "1"}]}, ["body", "items", 0, "response"]),
        ("/v1/rewards", {"items": []}, ["body", "items"]),
        (
            "/v1/rewards",
            {"items": [{"response": "a", "refrence": "1"}]},
            ["body", "items", 0, "refrence"],
        ),
        (
            "/v1/rewards",
            {"items": [{"response": "a", "spec": "nope"}]},
            ["body", "items", 0, "spec"],
        ),
        (
            "/v1/rewards",
            {"items": [{"response": "a", "task": "nope"}]},
            ["body", "items", 0, "task"],
        ),
        ("/v1/rewards", {"items": [{"response": "a"}], "timeout_s": -1}, ["body", "timeout_s"]),
        (
            "/v1/rewards",
            {"items": [{"response": "a", "context": {"time_s": 600}}]},
            ["body", "items", 0, "context", "time_s"],
        ),
        (
            "/v1/rewards",
            {
                "items": [{"response": "a"}],
                "spec": {"components": [{"name": "c", "options": {"backend": "local"}}]},
            },
            ["body", "spec", "components", 0, "options", "backend"],
        ),
        ("/get_reward", {"prompts": ["p"]}, ["body", "query"]),
        ("/get_reward", {"query": ["a", "b"], "labels": ["1"]}, ["body"]),
        ("/v1/reward", {"prompt": "p", "label": "1"}, ["body", "response"]),
    ],
    ids=[
        "missing_response",
        "empty_batch",
        "misspelt_field_is_not_ignored",
        "unknown_spec_name",
        "unknown_verifier",
        "negative_timeout",
        "sandbox_limits_are_not_per_request",
        "inline_spec_cannot_pick_the_sandbox",
        "openrlhf_without_query",
        "openrlhf_lengths_disagree",
        "slime_without_response",
    ],
)
def test_malformed_request_is_422_with_the_field(
    small_server: LiveServer, path: str, body: dict, loc: list
) -> None:
    with small_server.client() as client:
        reply = client.post(path, json=body)
    assert reply.status_code == 422
    locs = [error["loc"] for error in reply.json()["detail"]]
    assert loc in locs


def test_invalid_json_is_422(small_server: LiveServer) -> None:
    with small_server.client() as client:
        reply = client.post(
            "/v1/rewards", content=b"{not json", headers={"content-type": "application/json"}
        )
    assert reply.status_code == 422


def test_saturated_server_answers_429_with_retry_after(small_server: LiveServer) -> None:
    """One worker, 4 pending items at most: a burst of 3-item requests gets 429s, never 5xx."""
    body = {"items": [{"response": "x", "task": "t_sleepy", "context": {"sleep_s": 0.4}}] * 3}
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        replies = list(
            pool.map(
                lambda _: httpx.post(small_server.url + "/v1/rewards", json=body, timeout=60),
                range(8),
            )
        )
    codes = sorted(r.status_code for r in replies)
    assert 429 in codes and 200 in codes, codes
    assert set(codes) <= {200, 429}
    refused = next(r for r in replies if r.status_code == 429)
    assert refused.headers["retry-after"] == "2"
    assert "saturated" in refused.json()["detail"]
    with small_server.client() as client:
        assert "rlvr_rejected_total" in client.get("/metrics").text


@pytest.mark.parametrize(
    ("path", "method", "headers", "code"),
    [
        ("/v1/rewards", "post", {}, 401),
        ("/v1/rewards", "post", {"Authorization": "Bearer wrong"}, 401),
        ("/v1/rewards", "post", {"Authorization": "Bearer s3cret"}, 200),
        ("/get_reward", "post", {}, 401),
        ("/v1/reward", "post", {}, 401),
        ("/metrics", "get", {}, 401),
        ("/openapi.json", "get", {}, 401),
        ("/metrics", "get", {"Authorization": "Bearer s3cret"}, 200),
        ("/healthz", "get", {}, 200),
        ("/readyz", "get", {}, 200),
    ],
    ids=[
        "rewards_need_a_token",
        "wrong_token_is_refused",
        "right_token_passes",
        "openrlhf_route_needs_a_token",
        "slime_route_needs_a_token",
        "metrics_need_a_token",
        "docs_need_a_token",
        "metrics_with_token",
        "liveness_is_open",
        "readiness_is_open",
    ],
)
def test_bearer_auth(
    auth_server: LiveServer, path: str, method: str, headers: dict, code: int
) -> None:
    body = {"items": [{"response": "<think>a</think> 1", "reference": "1"}]}
    with auth_server.client(headers=headers) as client:
        reply = client.post(path, json=body) if method == "post" else client.get(path)
    assert reply.status_code == code, reply.text
    if code == 401:
        assert reply.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        (
            "/get_reward?token=s3cret&task=t_exact",
            {"query": ["1"], "prompts": [""], "labels": ["1"]},
            200,
        ),
        (
            "/v1/reward?token=s3cret",
            {"prompt": "p", "response": "<think>a</think> 1", "label": "1"},
            200,
        ),
        ("/get_reward?token=wrong", {"query": ["1"], "prompts": [""], "labels": ["1"]}, 401),
        ("/v1/reward?token=", {"prompt": "p", "response": "1", "label": "1"}, 401),
        ("/v1/rewards?token=s3cret", {"items": [{"response": "1", "reference": "1"}]}, 401),
        ("/metrics?token=s3cret", None, 401),
    ],
    ids=[
        "openrlhf_url_token",
        "slime_url_token",
        "wrong_url_token",
        "empty_url_token",
        "native_route_needs_the_header",
        "metrics_need_the_header",
    ],
)
def test_url_token_for_headerless_trainers(
    auth_server: LiveServer, path: str, body: dict | None, code: int
) -> None:
    """OpenRLHF and slime send no headers: their routes take ``?token=`` in the URL."""
    with auth_server.client() as client:
        reply = client.post(path, json=body) if body is not None else client.get(path)
    assert reply.status_code == code, reply.text
    if code == 401 and "/get_reward" in path:
        assert "?token=" in reply.json()["detail"]


def test_auth_off_by_default(small_server: LiveServer) -> None:
    with small_server.client() as client:
        assert client.get("/metrics").status_code == 200


HOSTILE = {
    "deep_nesting": b'{"items": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    "invalid_utf8": b'{"items": [{"response": "\xff\xfe"}]}',
    "lone_surrogates": b'{"items": [{"response": "\\ud800 x", "reference": "\\udc00"}]}',
    "infinity_and_nan": b'{"items": [{"response": "a", "reference": 1e400, "context": {"x": NaN}}]'
    b"}",
    "nan_timeout": b'{"items": [{"response": "a"}], "timeout_s": NaN}',
    "float_group": b'{"items": [{"response": "a", "group": 1.5}]}',
    "null_items": b'{"items": null}',
    "array_body": b"[1, 2]",
    "empty_body": b"",
    "nested_query": b'{"query": [["a"]]}',
    "chat_message_without_role": b'{"prompt": [{"content": 5}], "response": "x"}',
    "huge_weight": b'{"items": [{"response": "a", "spec": {"components": [{"name": "a", '
    b'"verifier": "format", "weight": 1e308, "scores": {"correct": 1e308, "wrong": 1e308, '
    b'"no_answer": 1e308}}]}}]}',
}


@pytest.mark.parametrize("path", ["/v1/rewards", "/get_reward", "/v1/reward"])
@pytest.mark.parametrize("body", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_bodies_never_get_a_server_error(
    server: LiveServer, path: str, body: bytes
) -> None:
    """The default limits (16 MB bodies), so deep nesting reaches the JSON parser."""
    with server.client() as client:
        reply = client.post(path, content=body, headers={"content-type": "application/json"})
    assert reply.status_code < 500, reply.text
    reply.json()  # and the reply itself is valid JSON
