"""slime's own reward dispatch (``slime.rollout.rm_hub``) calls our hooks.

``async_rm`` with ``--custom-rm-path server.clients.slime.reward`` and
``batched_async_rm`` with ``--group-rm --custom-rm-path
server.clients.slime.group_reward``, on slime's own ``Sample``. slime is not on
PyPI: set ``RLVR_SLIME_SRC`` to a checkout of github.com/THUDM/slime (and
``RLVR_TRAINER_DEPS`` to a directory with ``pylatexenc``); skipped otherwise.
"""

from __future__ import annotations

import asyncio
import types
from pathlib import Path

import pytest

from tests.helpers.released import on_path
from tests.server.live import LiveServer


@pytest.fixture
def rm_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server: LiveServer) -> types.ModuleType:
    pytest.importorskip("aiohttp")
    on_path(monkeypatch, "RLVR_SLIME_SRC", "slime", tmp_path)
    monkeypatch.setenv("RLVR_SERVER_URL", server.url)
    import slime.rollout.rm_hub as hub

    return hub


def _samples(hub: types.ModuleType, responses: list[str]) -> list:
    from slime.utils.types import Sample

    prompt = [{"role": "user", "content": "What is 6 times 7?"}]
    return [
        Sample(
            group_index=3,
            prompt=prompt,
            response=r,
            response_length=len(r),
            label={"ground_truth": "42", "style": "rule"},
            metadata={"task": "t_exact"},
        )
        for r in responses
    ]


def _args(path: str, group: bool) -> types.SimpleNamespace:
    return types.SimpleNamespace(custom_rm_path=path, group_rm=group, rm_type=None)


def test_slime_per_sample_custom_rm(rm_hub: types.ModuleType) -> None:
    args = _args("server.clients.slime.reward", group=False)
    right, wrong = _samples(rm_hub, ["<think>6*7</think> 42", "<think>6*7</think> 41"])
    rewards = [asyncio.run(rm_hub.async_rm(args, s)) for s in (right, wrong)]
    assert [r["score"] for r in rewards] == [2.0, 1.0]  # read with --reward-key score
    assert [r["status"] for r in rewards] == ["ok", "ok"]


def test_slime_group_rm(rm_hub: types.ModuleType) -> None:
    args = _args("server.clients.slime.group_reward", group=True)
    samples = _samples(rm_hub, ["<think>a</think> 42", "<think>b</think> 7", "no think 42"])
    rewards = asyncio.run(rm_hub.batched_async_rm(args, samples))
    assert [r["score"] for r in rewards] == [2.0, 1.0, 0.0]
