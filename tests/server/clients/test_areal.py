"""AReaL's own ``AsyncRewardWrapper`` (its RLVR workflows' reward path) runs our ``reward_fn``.

The wrapper ships the function to a process pool and calls it with the
dataset's columns as keywords. Needs the AReaL sources (``RLVR_AREAL_SRC``,
the ``areal`` wheel that CI downloads); only ``areal/api/reward_api.py`` and
its logging helper are loaded (the package ``__init__`` pulls in its cluster
runtime). Skipped without them.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
import types
from pathlib import Path

import pytest

from server.clients.areal import reward_fn
from tests.helpers.released import source_root
from tests.server.live import LiveServer


@pytest.fixture
def reward_api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> types.ModuleType:
    root = source_root("RLVR_AREAL_SRC", "areal", tmp_path)
    if root is None:
        pytest.skip("AReaL sources not given (set RLVR_AREAL_SRC; see .ci/run)")
    deps = os.environ.get("RLVR_TRAINER_DEPS")
    if deps:
        monkeypatch.syspath_prepend(deps)
    pytest.importorskip("colorlog")
    for name in ("areal", "areal.api", "areal.utils"):
        package = types.ModuleType(name)
        package.__path__ = [str(root.joinpath(*name.split(".")))]
        monkeypatch.setitem(sys.modules, name, package)
    for name in ("areal.api.reward_api", "areal.utils.logging"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return importlib.import_module("areal.api.reward_api")


def test_areal_wrapper_runs_reward_fn(
    reward_api: types.ModuleType, server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RLVR_SERVER_URL", server.url)  # the pool's workers inherit it
    wrapper = reward_api.AsyncRewardWrapper(reward_fn, timeout_seconds=60, max_workers=1)

    async def both() -> list[float]:
        columns = {"answer": "42", "task": "t_exact", "data_source": "openai/gsm8k"}
        return [
            await wrapper("What is 6 times 7?", "<think>x</think> 42", [1, 2], [3], **columns),
            await wrapper("What is 6 times 7?", "<think>x</think> 41", [1, 2], [3], **columns),
        ]

    assert asyncio.run(both()) == [2.0, 1.0]


def test_reward_fn_reads_verl_columns_and_flags_bad_gold(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RLVR_SERVER_URL", server.url)
    verl_row = {"reward_model": {"ground_truth": "42", "style": "rule"}, "task": "t_exact"}
    assert reward_fn("q", "<think>x</think> 42", [], [], **verl_row) == 2.0
    # r1_zero would give the format point (1.0) to a wrong answer: a bad gold gives 0.0.
    assert reward_fn("q", "<think>x</think> \\boxed{3}", [], [], answer="", task="math") == 0.0
