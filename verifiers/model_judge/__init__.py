"""A model judge behind the rules: the ``judge`` and ``cascade`` verifiers and their gate.

Neither is registered by default: each needs an endpoint, which is the
operator's choice. The reward server registers both from its ``judge``
setting; in Python, ``register("cascade")(CascadeVerifier(JudgeConfig(...)))``.
"""

from verifiers.model_judge.cascade import CascadeVerifier, is_free_form, undecided
from verifiers.model_judge.client import EndpointJudge, JudgeAnswer, JudgeUnavailable
from verifiers.model_judge.config import JudgeBackend, JudgeConfig
from verifiers.model_judge.gate import GateReport, JudgeRefused, check_judge, run_gate
from verifiers.model_judge.judge import JudgeVerifier
from verifiers.model_judge.master_key import MasterKeyCase, suite

__all__ = [
    "CascadeVerifier",
    "EndpointJudge",
    "GateReport",
    "JudgeAnswer",
    "JudgeBackend",
    "JudgeConfig",
    "JudgeRefused",
    "JudgeUnavailable",
    "JudgeVerifier",
    "MasterKeyCase",
    "check_judge",
    "is_free_form",
    "run_gate",
    "suite",
    "undecided",
]
