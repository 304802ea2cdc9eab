"""The OpenRLHF (/get_reward) and slime (/v1/reward) wire shapes over real HTTP."""

from __future__ import annotations

import pytest

from tests.server.live import LiveServer

CHATML_PROMPT = "<|im_start|>user\nWhat is 6*7?<|im_end|>\n<|im_start|>assistant\n"
ANSWER = "<think>6*7</think> 42"


def get_reward(server: LiveServer, body: dict, params: dict | None = None) -> dict:
    with server.client() as client:
        reply = client.post("/get_reward", json=body, params=params)
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.mark.parametrize(
    ("query", "reward"),
    [
        (CHATML_PROMPT + ANSWER + "<|im_end|>", 2.0),
        (CHATML_PROMPT + ANSWER + "<|im_end|>\n<|endoftext|><|endoftext|>", 2.0),
        ("<s>" + CHATML_PROMPT + ANSWER + "</s>", 2.0),
        (CHATML_PROMPT + ANSWER, 2.0),
        (CHATML_PROMPT + "<think>6*7</think> 41<|eot_id|>", 1.0),
    ],
    ids=[
        "strips_prompt_and_im_end",
        "strips_a_run_of_special_tokens",
        "finds_the_prompt_after_a_bos_token",
        "no_special_tokens_at_all",
        "wrong_answer_keeps_the_format_point",
    ],
)
def test_openrlhf_one_sample(server: LiveServer, query: str, reward: float) -> None:
    body = {"query": [query], "prompts": [CHATML_PROMPT], "labels": ["42"]}
    reply = get_reward(server, body)
    assert reply["rewards"] == [reward]
    assert reply["scores"] == [1.0 if reward == 2.0 else 0.0]
    assert reply["extra_logs"]["prompt_not_found"] == [0.0]


def test_openrlhf_batch_keeps_order_and_logs_numbers_only(server: LiveServer) -> None:
    prompts = [CHATML_PROMPT, "Q2<think>", CHATML_PROMPT]
    queries = [
        CHATML_PROMPT + ANSWER + "<|im_end|>",
        "Q2<think>thinking</think> 5<|im_end|>",
        CHATML_PROMPT + "no format" + "<|im_end|>",
    ]
    reply = get_reward(server, {"query": queries, "prompts": prompts, "labels": ["42", "5", "x"]})
    assert reply["rewards"] == [2.0, 2.0, 0.0]
    assert reply["statuses"] == ["ok", "ok", "format_error"]
    logs = reply["extra_logs"]
    assert logs["status_ok"] == [1.0, 1.0, 0.0]
    assert logs["status_format_error"] == [0.0, 0.0, 1.0]
    assert logs["status_timeout"] == [0.0, 0.0, 0.0]
    assert all(isinstance(v, float) for values in logs.values() for v in values)
    assert all(len(values) == 3 for values in logs.values())


def test_openrlhf_query_string_selects_task_and_spec(server: LiveServer) -> None:
    body = {
        "query": CHATML_PROMPT + "<think>a</think><answer>42</answer>",
        "prompts": CHATML_PROMPT,
        "labels": "42",
    }
    reply = get_reward(server, body, params={"spec": "logic_rl", "task": "t_exact"})
    assert reply["rewards"] == [3.0]


def test_openrlhf_without_prompts_scores_the_whole_query(server: LiveServer) -> None:
    reply = get_reward(server, {"query": [ANSWER + "<|im_end|>"], "labels": ["42"]})
    assert reply["rewards"] == [2.0]


def test_openrlhf_reports_a_prompt_missing_from_the_query(server: LiveServer) -> None:
    reply = get_reward(server, {"query": [ANSWER], "prompts": ["other prompt"], "labels": ["42"]})
    assert reply["extra_logs"]["prompt_not_found"] == [1.0]


def test_openrlhf_timeout_is_a_failure_score_not_an_error(server: LiveServer) -> None:
    reply = get_reward(server, {"query": ["x"], "labels": [None]}, params={"task": "t_never"})
    assert reply["rewards"] == [0.0]
    assert reply["statuses"] == ["timeout"]
    assert reply["extra_logs"]["status_timeout"] == [1.0]


@pytest.mark.parametrize(
    ("body", "params", "score"),
    [
        ({"prompt": "6*7?", "response": ANSWER, "label": "42"}, None, 2.0),
        (
            {"prompt": [{"role": "user", "content": "6*7?"}], "response": ANSWER, "label": "42"},
            None,
            2.0,
        ),
        ({"prompt": "6*7?", "response": ANSWER, "label": "41"}, None, 1.0),
        ({"prompt": "6*7?", "response": ANSWER, "label": "41"}, {"spec": "simplerl"}, -0.5),
        (
            {
                "prompt": "6*7?",
                "response": ANSWER,
                "label": {"ground_truth": "42", "style": "rule"},
            },
            None,
            2.0,
        ),
    ],
    ids=[
        "text_prompt",
        "chat_prompt",
        "wrong_answer",
        "spec_from_query_string",
        "verl_style_label_dict",
    ],
)
def test_slime_one_sample(
    server: LiveServer, body: dict, params: dict | None, score: float
) -> None:
    with server.client() as client:
        reply = client.post("/v1/reward", json=body, params=params)
    assert reply.status_code == 200, reply.text
    data = reply.json()
    assert data["score"] == score  # slime reads it with --reward-key score
    assert set(data) >= {"score", "status", "correct", "components", "reason"}


def test_openrlhf_empty_lists(server: LiveServer) -> None:
    reply = get_reward(server, {"query": [], "prompts": [], "labels": []})
    assert reply["rewards"] == [] and reply["scores"] == []
