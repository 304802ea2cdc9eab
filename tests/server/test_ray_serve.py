"""Two Ray Serve replicas of the reward server: native, OpenRLHF and slime requests are
answered, and killing one replica under load loses no request (the client retries)."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from server.ray_serve import ServeOptions, deployment
from server.settings import ServerSettings

pytestmark = [pytest.mark.ray, pytest.mark.slow]

RIGHT = r"<think>6 times 7</think> The answer is $\boxed{42}$."
WRONG = r"<think>6 times 7</think> The answer is $\boxed{41}$."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def serve_url() -> Iterator[str]:
    import ray
    from ray import serve

    ray.init(num_cpus=4, include_dashboard=False, logging_level="WARNING")
    port = _free_port()
    serve.start(http_options={"host": "127.0.0.1", "port": port})
    settings = ServerSettings(workers=1, host="127.0.0.1", port=port)
    options = ServeOptions(replicas=2, cpus_per_replica=0.5, health_check_period_s=1.0)
    serve.run(deployment(settings, options), name="rlvr-reward", route_prefix="/")
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    yield url
    serve.shutdown()
    ray.shutdown()


def _replica_names() -> list[str]:
    import ray

    return [
        a["name"]
        for a in ray.util.list_named_actors(all_namespaces=True)
        if "SERVE_REPLICA" in a["name"] and "rlvr-reward" in a["name"]
    ]


def test_native_openrlhf_and_slime_requests(serve_url: str) -> None:
    native = httpx.post(
        f"{serve_url}/v1/rewards",
        json={
            "items": [
                {"response": RIGHT, "reference": "42"},
                {"response": WRONG, "reference": "42"},
            ]
        },
        timeout=60,
    )
    assert native.status_code == 200, native.text
    assert [r["correct"] for r in native.json()["results"]] == [True, False]
    openrlhf = httpx.post(
        f"{serve_url}/get_reward", json={"query": [RIGHT], "labels": ["42"]}, timeout=60
    )
    assert openrlhf.status_code == 200 and openrlhf.json()["rewards"][0] > 0
    slime = httpx.post(
        f"{serve_url}/v1/reward",
        json={"prompt": "6*7?", "response": RIGHT, "label": "42"},
        timeout=60,
    )
    assert slime.status_code == 200 and slime.json()["score"] == 2.0  # r1_zero: 1 + 1
    assert len(_replica_names()) == 2


def _post_with_retry(url: str, body: dict[str, object], tally: Counter[str]) -> None:
    """What the reward client does: retry a transport error or a 5xx on the next attempt."""
    for _ in range(20):
        try:
            reply = httpx.post(f"{url}/v1/rewards", json=body, timeout=60)
        except httpx.HTTPError:
            tally["retried"] += 1
            time.sleep(0.2)
            continue
        if reply.status_code >= 500:
            tally["retried"] += 1
            time.sleep(0.2)
            continue
        tally[str(reply.status_code)] += 1
        if reply.status_code == 200:
            assert reply.json()["results"][0]["correct"] is True
        return
    tally["lost"] += 1


def test_killing_one_replica_under_load_loses_nothing(serve_url: str) -> None:
    import ray

    tally: Counter[str] = Counter()
    stop = time.monotonic() + 12

    def load(worker: int) -> None:
        n = 0
        while time.monotonic() < stop:
            body = {"items": [{"response": RIGHT, "reference": "42", "prompt": f"{worker}-{n}"}]}
            _post_with_retry(serve_url, body, tally)
            n += 1

    threads = [threading.Thread(target=load, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    victim = _replica_names()[0]
    ray.kill(ray.get_actor(victim, namespace="serve"), no_restart=True)
    for thread in threads:
        thread.join()
    answered = tally["200"] + tally["429"]
    assert tally["lost"] == 0, tally
    assert answered > 20, tally
    # Serve replaces the dead replica.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_replica_names()) < 2:
        time.sleep(1)
    assert len(_replica_names()) == 2
