"""The embedded default (math task, r1_zero) and the r1 language term, over real HTTP.

Includes the issue's robustness case: a CAS bomb and a never-ending program in
one batch with normal items; the batch answers within the time limit and only
those two items fail.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator

import pytest

from tests.server.live import LiveServer, live_server

pytest.importorskip("verifiers.math")

CAS_BOMB = "<think>power tower</think> \\boxed{5^{5^{5^{5^5}}}}"
HAS_CODE = importlib.util.find_spec("verifiers.code") is not None


@pytest.fixture(scope="module")
def math_server() -> Iterator[LiveServer]:
    """The embedded defaults (math task, r1_zero), with a short per-item limit."""
    with live_server(timeout_s=3.0) as live:
        yield live


def post(server: LiveServer, body: dict) -> list[dict]:
    with server.client() as client:
        reply = client.post("/v1/rewards", json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()["results"]


@pytest.mark.parametrize(
    ("response", "reference", "accuracy"),
    [
        ("<think>half</think> \\boxed{\\frac{1}{2}}", "0.5", 1.0),
        ("<think>half</think> \\boxed{1/2}", "\\frac{1}{2}", 1.0),
        ("<think>x</think> \\boxed{3}", "4", 0.0),
        ("<think>no answer here", "4", 0.0),
    ],
    ids=["fraction_equals_decimal", "slash_equals_frac", "wrong_value", "truncated_thought"],
)
def test_math_is_the_default_task(
    math_server: LiveServer, response: str, reference: str, accuracy: float
) -> None:
    (result,) = post(math_server, {"items": [{"response": response, "reference": reference}]})
    assert result["components"]["accuracy"] == accuracy
    assert result["verdicts"]["accuracy"]["verifier"] == "math"


def test_cas_bomb_and_endless_program_fail_alone(math_server: LiveServer) -> None:
    endless = (
        {
            "response": "<think>loop</think>\n```python\nwhile True:\n    pass\n```",
            "task": "code",
            "reference": {"inputs": [""], "outputs": ["1"]},
        }
        if HAS_CODE
        else {"response": "x", "task": "t_never"}
    )
    items = [
        {"response": "<think>a</think> \\boxed{2}", "reference": "2"},
        {"response": CAS_BOMB, "reference": "1"},
        endless,
        {"response": "<think>b</think> \\boxed{0.25}", "reference": "\\frac14"},
    ]
    # With the code verifier, the sandbox's own CPU limit (2 s) stops the loop first;
    # the runner's kill at timeout_s is the backstop (and the only stop for t_never).
    limit = 8.0 if HAS_CODE else 2.0
    start = time.monotonic()
    results = post(math_server, {"items": items, "timeout_s": limit})
    assert time.monotonic() - start < limit + 6
    assert [r["components"]["accuracy"] for r in results] == [1.0, 0.0, 0.0, 1.0]
    assert results[0]["status"] == results[3]["status"] == "ok"
    assert results[1]["correct"] is not True  # guarded by the verifier or killed by the runner
    assert results[2]["status"] in {"timeout", "error"} or results[2]["correct"] is False


def test_r1_language_term_uses_the_prompt(math_server: LiveServer) -> None:
    english = "<think>We add the two numbers and get four as the result.</think> \\boxed{4}"
    mixed = "<think>We add 两个数字 and then 得到结果 is four here.</think> \\boxed{4}"
    items = [
        {"response": english, "reference": "4", "prompt": "What is two plus two?", "spec": "r1"},
        {"response": mixed, "reference": "4", "prompt": "What is two plus two?", "spec": "r1"},
    ]
    results = post(math_server, {"items": items})
    lang = [r["components"]["language"] for r in results]
    assert lang[0] == pytest.approx(1.0)
    assert lang[1] < lang[0]
    assert [r["components"]["accuracy"] for r in results] == [1.0, 1.0]
