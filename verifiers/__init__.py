"""rlvr-kit verifiers: turn a model response into a reward you can trust.

The public core: ``Verdict`` (one verifier's judgement), ``verify`` (run a named
verifier), ``compute_reward`` (a preset or typed spec over several verifiers),
``length_penalty`` (Kimi k1.5's group reward) and ``verify_batch`` (bounded,
process-isolated execution that works from any thread or event loop).

Verifier convention: ``fn(response, reference, **options) -> Verdict``; options
a verifier does not know are ignored, so one reward context feeds every term.

PyPI's ``verifiers`` (prime-rl's library) uses the same package name: importing
this package next to it fails at once with what to do (``distribution_guard``).
"""

from verifiers.analysis.behaviours import Behaviour, analyze_behaviours, count_behaviours
from verifiers.analysis.quality import QualityConfig, QualityReport, check_quality
from verifiers.core.batch import VerifyItem, verify_batch, verify_batch_async
from verifiers.core.length_penalty import length_penalty
from verifiers.core.registry import available, get_verifier, register, register_path, verify
from verifiers.core.reward import (
    RewardResult,
    apply_length_penalty,
    compute_group_rewards,
    compute_reward,
)
from verifiers.core.reward_batch import RewardItem, compute_rewards, compute_rewards_async
from verifiers.core.runner import BoundedRunner, shared_runner
from verifiers.core.spec import (
    PRESETS,
    ComponentSpec,
    LengthPenaltySpec,
    OutcomeScores,
    RewardSpec,
    load_spec,
)
from verifiers.core.verdict import Status, Verdict
from verifiers.distribution_guard import VerifiersNameClash  # its import runs the check
from verifiers.format import ResponseParts, split_response
from verifiers.language import LanguageReport, consistency, detect_language

__all__ = [
    "PRESETS",
    "Behaviour",
    "BoundedRunner",
    "ComponentSpec",
    "LanguageReport",
    "LengthPenaltySpec",
    "OutcomeScores",
    "QualityConfig",
    "QualityReport",
    "ResponseParts",
    "RewardItem",
    "RewardResult",
    "RewardSpec",
    "Status",
    "Verdict",
    "VerifiersNameClash",
    "VerifyItem",
    "analyze_behaviours",
    "apply_length_penalty",
    "available",
    "check_quality",
    "compute_group_rewards",
    "compute_reward",
    "compute_rewards",
    "compute_rewards_async",
    "consistency",
    "count_behaviours",
    "detect_language",
    "get_verifier",
    "length_penalty",
    "load_spec",
    "register",
    "register_path",
    "shared_runner",
    "split_response",
    "verify",
    "verify_batch",
    "verify_batch_async",
]
