"""OpenRLHF's remote-reward client against the live server.

Two levels:
- ``test_openrlhf_request_reproduced``: always runs. It sends exactly what
  OpenRLHF's remote RM client sends (JSON ``{"query", "prompts", "labels"}``,
  ``Content-Type: application/json``, 180 s timeout, up to 5 tries, 1 s apart)
  and reads ``rewards`` the way it does. OpenRLHF itself is not installed
  here (it needs GPUs, DeepSpeed, Ray), so this is a reproduction, not its code.
- ``test_openrlhf_own_executor``: runs OpenRLHF's own ``SingleTurnAgentExecutor``
  (``openrlhf/utils/agent.py``, 0.11.x: it decodes prompt + response tokens with
  special tokens kept and POSTs them) with a stand-in generation engine. It
  needs the OpenRLHF sources and aiohttp: point ``RLVR_OPENRLHF_SRC`` at the
  wheel from ``pip download --no-deps openrlhf`` (or at a directory holding
  ``openrlhf/``), or install openrlhf; it is skipped otherwise.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
import sys
import time
import types
import zipfile
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.server.live import LiveServer
from tests.server.tiny_model import tiny_model_and_tokenizer

PROMPT = "<|im_start|>user\nWhat is 6 times 7?<|im_end|>\n<|im_start|>assistant\n"


def openrlhf_style_request(url: str, data: dict, score_key: str = "rewards", tries: int = 5) -> Any:
    """The remote-RM call as OpenRLHF makes it (see the module docstring)."""
    headers = {"Content-Type": "application/json"}
    for _ in range(tries):
        try:
            response = requests.post(url=url, json=data, headers=headers, timeout=180)
            response.raise_for_status()
            body = response.json()
            assert score_key in body, f"{score_key} not in {body}"
            return body[score_key]
        except requests.RequestException:
            time.sleep(1)
    return None


def test_openrlhf_request_reproduced(server: LiveServer) -> None:
    data = {
        "query": [
            PROMPT + "<think>6*7</think> 42<|im_end|>",
            PROMPT + "<think>6*7</think> 41<|im_end|><|endoftext|>",
            PROMPT + "forty-two<|im_end|>",
        ],
        "prompts": [PROMPT] * 3,
        "labels": ["42"] * 3,
    }
    assert openrlhf_style_request(f"{server.url}/get_reward", data) == [2.0, 1.0, 0.0]
    assert openrlhf_style_request(f"{server.url}/get_reward", data, "scores") == [1.0, 0.0, 0.0]


def _unpacked(wheel: Path, into: Path) -> Path:
    """The import root inside an unzipped OpenRLHF wheel (its purelib data dir)."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(into)
    found = sorted(into.glob("**/openrlhf/utils/agent.py"))
    return found[0].parents[2] if found else into


def _openrlhf_source(tmp: Path) -> Path | None:
    env = os.environ.get("RLVR_OPENRLHF_SRC")
    if env:
        path = Path(env)
        return _unpacked(path, tmp) if path.suffix == ".whl" else path
    spec = importlib.util.find_spec("openrlhf")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).parent
    return None


@pytest.fixture
def openrlhf_agent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> types.ModuleType:
    """``openrlhf.utils.agent`` loaded without the package ``__init__`` (which pulls torch
    extensions and DeepSpeed helpers): only agent.py and its logging helper run."""
    pytest.importorskip("aiohttp")
    source = _openrlhf_source(tmp_path)
    if source is None or not (source / "openrlhf" / "utils" / "agent.py").is_file():
        pytest.skip("OpenRLHF sources not found (set RLVR_OPENRLHF_SRC)")
    for name, path in (
        ("openrlhf", source / "openrlhf"),
        ("openrlhf.utils", source / "openrlhf" / "utils"),
    ):
        package = types.ModuleType(name)
        package.__path__ = [str(path)]
        monkeypatch.setitem(sys.modules, name, package)
    for name in ("openrlhf.utils.agent", "openrlhf.utils.logging_utils"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return importlib.import_module("openrlhf.utils.agent")


class StandInEngine:
    """Plays vLLM's part: returns fixed token ids for any prompt."""

    def __init__(self, token_ids: list[int]) -> None:
        self.token_ids = token_ids

    async def generate(
        self, prompt_token_ids: list[int], params: Any, multi_modal_data: Any = None
    ) -> Any:
        output = types.SimpleNamespace(
            token_ids=self.token_ids, finish_reason="stop", logprobs=None
        )
        return types.SimpleNamespace(outputs=[output])


@pytest.mark.parametrize(
    ("completion", "reward"),
    [
        ("<think>6 times 7</think> 42<|im_end|>", 2.0),
        ("<think>6 times 7</think> 41<|im_end|>", 1.0),
    ],
    ids=["right", "wrong"],
)
def test_openrlhf_own_executor(
    server: LiveServer, openrlhf_agent: types.ModuleType, completion: str, reward: float
) -> None:
    _, tokenizer = tiny_model_and_tokenizer()
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "What is 6 times 7?"}],
        tokenize=False,
        add_generation_prompt=True,
    )
    engine = StandInEngine(tokenizer.encode(completion, add_special_tokens=False))
    executor = openrlhf_agent.SingleTurnAgentExecutor(f"{server.url}/get_reward")
    params = types.SimpleNamespace(max_tokens=32, logprobs=None)
    output = asyncio.run(
        executor.execute(
            prompt, "42", params, max_length=256, hf_tokenizer=tokenizer, llm_engine=engine
        )
    )
    assert output["reward"] == [reward]
    assert output["scores"] == [1.0 if reward == 2.0 else 0.0]
    assert output["extra_logs"]["status_ok"] == [1.0]
    assert output["extra_logs"]["prompt_not_found"] == [0.0]


def test_openrlhf_loads_our_reward_func(
    server: LiveServer, openrlhf_agent: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--reward.remote_url <path of server/clients/openrlhf.py>``: OpenRLHF imports the file
    and calls ``reward_func(queries, prompts, labels)`` in a thread, as in training."""
    import server.clients.openrlhf as hook

    monkeypatch.setenv("RLVR_SERVER_URL", server.url)
    _, tokenizer = tiny_model_and_tokenizer()
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "What is 6 times 7?"}],
        tokenize=False,
        add_generation_prompt=True,
    )
    executor = openrlhf_agent.SingleTurnAgentExecutor(hook.__file__)
    assert executor.reward_func is not None and executor.reward_func.__name__ == "reward_func"
    params = types.SimpleNamespace(max_tokens=32, logprobs=None)
    outputs = []
    for completion in ("<think>6 times 7</think> 42<|im_end|>", "<think>6*7</think> 41"):
        engine = StandInEngine(tokenizer.encode(completion, add_special_tokens=False))
        outputs.append(
            asyncio.run(
                executor.execute(
                    prompt, "42", params, max_length=256, hf_tokenizer=tokenizer, llm_engine=engine
                )
            )
        )
    assert [o["reward"] for o in outputs] == [[2.0], [1.0]]
    assert [o["scores"] for o in outputs] == [[1.0], [0.0]]
    assert outputs[0]["extra_logs"]["prompt_not_found"] == [0.0]


def test_reward_func_and_route_reply_alike(server: LiveServer) -> None:
    from server.clients.openrlhf import reward_func

    data = {
        "query": [PROMPT + "<think>6*7</think> 42<|im_end|>", PROMPT + "no"],
        "prompts": [PROMPT] * 2,
        "labels": [{"ground_truth": "42", "style": "rule"}] * 2,
    }
    over_http = requests.post(f"{server.url}/get_reward", json=data, timeout=60).json()
    direct = reward_func(data["query"], data["prompts"], data["labels"], server_url=server.url)
    assert direct == over_http
    assert direct["rewards"] == [2.0, 0.0]
