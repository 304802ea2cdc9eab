"""verl 0.9's own code loads and calls our reward function, with the README's overrides.

verl's Hydra config is composed from the released package with the exact
overrides of the README's verl block (only the host is swapped for the live
test server), verl's own ``load_reward_manager`` builds the reward manager,
and its ``run_single`` scores a ``DataProto`` built as verl's rollout builds it.
Needs the verl sources (``RLVR_VERL_SRC``) plus tensordict & co
(``RLVR_TRAINER_DEPS``), which ``.ci/run`` downloads; skipped
otherwise. Ray, vLLM and GPUs are not needed for this path.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from server.clients import verl as adapter
from tests.helpers.released import on_path
from tests.server.live import LiveServer
from tests.server.tiny_model import tiny_model_and_tokenizer

README = Path(__file__).resolve().parents[3] / "README.md"


def readme_verl_overrides() -> list[str]:
    """The ``key=value`` lines of the README's ``verl.trainer.main_ppo`` command."""
    text = README.read_text()
    block = text[text.index("python -m verl.trainer.main_ppo") :].split("```", 1)[0]
    overrides = re.findall(r"^\s+(\+?[\w.]+=\S+)", block, flags=re.M)
    assert overrides, "no overrides found in the README's verl command"
    return overrides


@pytest.fixture
def verl_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    pytest.importorskip("hydra")
    return on_path(monkeypatch, "RLVR_VERL_SRC", "verl", tmp_path)


def compose(root: Path, overrides: list[str]) -> Any:
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    config_dir = root / "verl" / "trainer" / "config"
    with initialize_config_dir(config_dir=str(config_dir), version_base=None):
        return hydra_compose(config_name="ppo_trainer", overrides=overrides)


def live_overrides(server: LiveServer, *extra: str) -> list[str]:
    swapped = [o.replace("http://rm-host:8100", server.url) for o in readme_verl_overrides()]
    return [*swapped, *extra]


def test_readme_overrides_load_our_function(verl_sources: Path, server: LiveServer) -> None:
    from verl.trainer.ppo.reward import get_custom_reward_fn

    config = compose(verl_sources, live_overrides(server))
    assert config.reward.custom_reward_function.path == "pkg://server.clients.verl"
    fn = get_custom_reward_fn(config)
    assert fn is not None and fn.args[0] is adapter.compute_score
    assert fn.args[1]["server_url"] == server.url


def test_top_level_keys_are_ignored_by_verl(verl_sources: Path) -> None:
    """Why the README leads with the nested keys: the old top-level ones load nothing."""
    from verl.trainer.ppo.reward import get_custom_reward_fn

    config = compose(
        verl_sources,
        ["custom_reward_function.path=pkg://server.clients.verl"],
    )
    assert get_custom_reward_fn(config) is None


def _data(tokenizer: Any, rows: list[tuple[str, str, Any, dict]]) -> Any:
    """A DataProto with the fields verl's rollout gives each sample (left-padded prompts)."""
    import torch
    from verl import DataProto

    prompts = [tokenizer.encode("What is 6 times 7?", add_special_tokens=False)] * len(rows)
    responses = [tokenizer.encode(r[1], add_special_tokens=False) for r in rows]
    width_p, width_r = max(map(len, prompts)), max(map(len, responses))
    pad = tokenizer.pad_token_id or 0
    p_ids = torch.tensor([[pad] * (width_p - len(p)) + p for p in prompts])
    r_ids = torch.tensor([r + [pad] * (width_r - len(r)) for r in responses])
    mask = torch.tensor(
        [
            [0] * (width_p - len(p)) + [1] * len(p) + [1] * len(r) + [0] * (width_r - len(r))
            for p, r in zip(prompts, responses, strict=True)
        ]
    )
    non_tensors = {
        "data_source": np.array([r[0] for r in rows], dtype=object),
        "reward_model": np.array([{"ground_truth": r[2], "style": "rule"} for r in rows]),
        "extra_info": np.array([dict(r[3]) for r in rows], dtype=object),
    }
    tensors = {"prompts": p_ids, "responses": r_ids, "attention_mask": mask}
    return DataProto.from_dict(tensors=tensors, non_tensors=non_tensors)


ROWS = [
    ("openai/gsm8k", "<think>6 times 7</think> 42", "42", {"task": "t_exact"}),
    ("openai/gsm8k", "<think>6 times 7</think> 41", "42", {"task": "t_exact"}),
]


@pytest.mark.parametrize("manager", ["naive", "dapo"])
@pytest.mark.parametrize("name", ["compute_score", "compute_score_async"])
def test_verl_reward_manager_scores_through_us(
    verl_sources: Path, server: LiveServer, manager: str, name: str
) -> None:
    from verl.trainer.ppo.reward import load_reward_manager

    config = compose(
        verl_sources,
        live_overrides(
            server,
            f"reward.reward_manager.name={manager}",
            f"reward.custom_reward_function.name={name}",
        ),
    )
    _, tokenizer = tiny_model_and_tokenizer()
    reward_manager = load_reward_manager(config, tokenizer)
    assert type(reward_manager).__module__.endswith(f"reward_manager.{manager}")
    data = _data(tokenizer, ROWS)

    async def score_all() -> list[dict]:
        return [await reward_manager.run_single(data[i : i + 1]) for i in range(len(data))]

    # verl's managers keep the event loop they were built on (its worker runs them there).
    out = reward_manager.loop.run_until_complete(score_all())
    assert [o["reward_score"] for o in out] == [2.0, 1.0]
    assert [o["reward_extra_info"]["acc"] for o in out] == [1.0, 0.0]
    assert {o["reward_extra_info"]["status"] for o in out} == {"ok"}


def test_verl_data_source_routes_to_countdown(verl_sources: Path, server: LiveServer) -> None:
    """TinyZero's rows (``data_source="countdown"``, a dict gold with a numpy array)."""
    from verl.trainer.ppo.reward import load_reward_manager

    config = compose(verl_sources, live_overrides(server))
    _, tokenizer = tiny_model_and_tokenizer()
    reward_manager = load_reward_manager(config, tokenizer)
    gold = {"target": 24, "numbers": np.array([4, 6, 1, 1])}
    rows = [
        ("countdown", "<think>x</think> (4*6)*1*1", gold, {}),
        ("countdown", "<think>x</think> 4+6+1+1", gold, {}),
    ]
    data = _data(tokenizer, rows)
    run = reward_manager.loop.run_until_complete
    out = [run(reward_manager.run_single(data[i : i + 1])) for i in range(2)]
    assert [o["reward_extra_info"]["acc"] for o in out] == [1.0, 0.0]


@pytest.mark.slow
@pytest.mark.ray
def test_verl_remote_manager_runs_us_in_ray_actors(
    verl_sources: Path, server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """verl's ``remote`` manager ships the (sync) function to Ray actors: it must pickle
    and import there. A local Ray instance with one CPU plays the cluster."""
    import os
    import sys

    ray = pytest.importorskip("ray")
    from verl.trainer.ppo.reward import load_reward_manager

    # Ray's worker processes import our module and verl's from the same places as here.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in sys.path if p))
    config = compose(
        verl_sources,
        live_overrides(server, "reward.reward_manager.name=remote", "reward.num_workers=1"),
    )
    _, tokenizer = tiny_model_and_tokenizer()
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        reward_manager = load_reward_manager(config, tokenizer)
        data = _data(tokenizer, ROWS)
        run = reward_manager.loop.run_until_complete
        out = [run(reward_manager.run_single(data[i : i + 1])) for i in range(len(data))]
    finally:
        ray.shutdown()
    assert [o["reward_score"] for o in out] == [2.0, 1.0]
