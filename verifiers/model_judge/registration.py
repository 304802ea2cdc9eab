"""Make the ``judge`` and ``cascade`` verifiers exist, bound to one operator's ``JudgeConfig``.

The bound instances are registered as objects, so they travel to worker
processes with every job (the registry replays user registrations there) and
the endpoint is fixed by whoever called this, never by a request.
"""

from __future__ import annotations

from verifiers.core.registry import register
from verifiers.model_judge.cascade import CascadeVerifier
from verifiers.model_judge.config import JudgeConfig
from verifiers.model_judge.judge import JudgeVerifier

JUDGE, CASCADE = "judge", "cascade"


def register_judge(cfg: JudgeConfig) -> None:
    register(JUDGE)(JudgeVerifier(cfg))
    register(CASCADE)(CascadeVerifier(cfg))
