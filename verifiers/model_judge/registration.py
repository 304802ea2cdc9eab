"""Make the ``judge`` and ``cascade`` verifiers exist, bound to one operator's ``JudgeConfig``.

The bound instances go into the records' ``fn``, so they travel to worker
processes with the registry and the endpoint is fixed by whoever called this
(the reward server from its settings), never by a request.
"""

from __future__ import annotations

from verifiers.core.registry import Registry, default_registry
from verifiers.model_judge.cascade import CascadeVerifier
from verifiers.model_judge.config import JudgeConfig
from verifiers.model_judge.judge import JudgeVerifier
from verifiers.model_judge.options import cascade_record, judge_record


def register_judge(registry: Registry | None, cfg: JudgeConfig) -> None:
    """Add ``judge`` and ``cascade`` to ``registry`` (None: the process's default registry)."""
    target = registry if registry is not None else default_registry
    target.add(judge_record(JudgeVerifier(cfg), cfg))
    target.add(cascade_record(CascadeVerifier(cfg), cfg))
