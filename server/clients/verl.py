"""verl adapter: ``compute_score`` (sync and async) for verl's reward loop, backed by the server.

verl 0.9 loads the function named by the *nested* keys (the top-level
``custom_reward_function.*`` keys of older releases are silently ignored by its
trainer); ``pkg://`` imports it by module name, so no file path is needed:

    reward.custom_reward_function.path=pkg://server.clients.verl
    reward.custom_reward_function.name=compute_score          # or compute_score_async
    +reward.custom_reward_function.reward_kwargs.server_url=http://rm:8100
    +reward.custom_reward_function.reward_kwargs.spec=r1_zero

verl's reward managers (``naive``, ``dapo``, ``gdpo``, ``rate_limited`` and
``remote``, which runs a sync function in Ray actors) all call it once per
sample with keyword arguments; ``reward_kwargs`` arrive as more keyword
arguments. Without ``server_url`` (and ``$RLVR_SERVER_URL``) verification runs
in-process (local mode). Every call returns a dict with the same keys (verl
stacks them per key into its extra reward info): ``score`` (the reward),
``acc`` (1.0/0.0 accuracy), ``pred`` (the extracted answer), ``status`` and
``reference_error`` (1.0 when the sample's gold is missing or unreadable: then
``score`` is 0.0 for every response of the prompt, so GRPO learns nothing
from the dataset's mistake, and the metric shows how often it happens).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from server.clients.plain import plain
from server.clients.scorer import Scorer, make_scorer

if TYPE_CHECKING:
    from typing_extensions import Unpack


def task_for(data_source: str | None, extra_info: Mapping[str, Any] | None) -> str | None:
    """The task verifier of one sample: ``extra_info['task']``, else the verifier whose
    record claims the ``data_source`` (``VerifierInfo.data_sources``), else None (the
    server's default task)."""
    if extra_info and isinstance(extra_info.get("task"), str):
        return extra_info["task"]
    from verifiers.core.registry import default_registry

    return default_registry.for_data_source(data_source)


def _item(
    data_source: str | None,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None,
    task: str | None,
) -> dict[str, Any]:
    info = extra_info if isinstance(extra_info, Mapping) else {}
    # verl reads parquet: golds arrive as numpy scalars/arrays inside dicts.
    item: dict[str, Any] = {"response": solution_str, "reference": plain(ground_truth)}
    chosen = task or task_for(data_source, info)
    if chosen:
        item["task"] = chosen
    prompt = info.get("prompt", info.get("question"))
    if isinstance(prompt, str):
        item["prompt"] = prompt
    return item


def _as_verl(result: Mapping[str, Any]) -> dict[str, Any]:
    # The accuracy-role component's verdict (the result names it; "accuracy" for older servers).
    accuracy = result.get("verdicts", {}).get(result.get("accuracy") or "accuracy", {})
    bad_gold = result["status"] == "reference_error"
    return {
        "score": 0.0 if bad_gold else float(result["total"]),
        "acc": 1.0 if result.get("correct") is True else 0.0,
        "pred": accuracy.get("extracted") or "",
        "status": result["status"],
        "reference_error": 1.0 if bad_gold else 0.0,
    }


class ServerOptions(TypedDict, total=False):
    """The keyword options of every adapter call (verl's ``reward_kwargs``); others are ignored.

    ``server_url``/``token``: the reward server (None: ``$RLVR_SERVER_URL``, else local
    mode); ``spec``: the reward spec; ``task``: the verifier for every sample;
    ``timeout_s``: the verification time limit.
    """

    server_url: str | None
    token: str | None
    spec: str | None
    task: str | None
    timeout_s: float | None


def _request(
    data_sources: Sequence[str | None],
    solution_strs: Sequence[str],
    ground_truths: Sequence[Any],
    extra_infos: Sequence[Mapping[str, Any] | None],
    options: Mapping[str, Any],
) -> tuple[Scorer, list[dict[str, Any]], dict[str, Any]]:
    """What every adapter call sends: the scorer, the items and the request-level fields."""
    task = options.get("task")
    items = [
        _item(source, solution, truth, info, task)
        for source, solution, truth, info in zip(
            data_sources, solution_strs, ground_truths, extra_infos, strict=True
        )
    ]
    scorer = make_scorer(options.get("server_url"), token=options.get("token"))
    return scorer, items, {"spec": options.get("spec"), "timeout_s": options.get("timeout_s")}


def compute_score(
    data_source: str | None,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None = None,
    **options: Unpack[ServerOptions],
) -> dict[str, Any]:
    """verl's per-sample reward: a dict whose ``score`` is the reward."""
    scorer, items, batch = _request(
        [data_source], [solution_str], [ground_truth], [extra_info], options
    )
    (result,) = scorer.score(items, **batch)
    return _as_verl(result)


async def compute_score_async(
    data_source: str | None,
    solution_str: str,
    ground_truth: Any,
    extra_info: Mapping[str, Any] | None = None,
    **options: Unpack[ServerOptions],
) -> dict[str, Any]:
    """The async twin of ``compute_score`` (verl awaits it when the function is async)."""
    scorer, items, batch = _request(
        [data_source], [solution_str], [ground_truth], [extra_info], options
    )
    (result,) = await scorer.score_async(items, **batch)
    return _as_verl(result)


def compute_score_batch(
    data_sources: Sequence[str | None],
    solution_strs: Sequence[str],
    ground_truths: Sequence[Any],
    extra_infos: Sequence[Mapping[str, Any] | None] | None = None,
    **options: Unpack[ServerOptions],
) -> list[dict[str, Any]]:
    """One request for a whole batch (your own loops, verl's legacy ``BatchRewardManager``).

    verl 0.9's trainer has no batch path: its reward loop calls the function once
    per sample whatever the manager, and ``batch`` is not a registered manager
    there. Use ``compute_score``/``compute_score_async`` with verl 0.9.
    """
    infos = list(extra_infos) if extra_infos is not None else [None] * len(solution_strs)
    scorer, items, batch = _request(data_sources, solution_strs, ground_truths, infos, options)
    return [_as_verl(r) for r in scorer.score(items, **batch)]
