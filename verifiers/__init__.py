"""rlvr-kit verifiers: turn a model response into a reward you can trust.

The public core: ``Verdict`` (one verifier's judgement), ``verify`` (run a named
verifier), ``compute_reward`` (a preset or typed spec over several verifiers),
``length_penalty`` (Kimi k1.5's group reward) and ``verify_batch`` (bounded,
process-isolated execution that works from any thread or event loop).

Verifier convention: ``fn(response, reference, **options) -> Verdict``, with the
options declared by a frozen pydantic model (``VerifierOptions``; an unknown key is
an ``OptionsError``) and the verifier's facts in one record (``VerifierInfo``). All
built-in options models extend ``RewardContext`` (prompt, target, prefilled_think),
so one reward context feeds every term.

PyPI's ``verifiers`` (prime-rl's library) uses the same package name: importing
this package next to it fails at once with what to do (``distribution_guard``).
"""

from verifiers.analysis.behaviours import Behaviour, analyze_behaviours, count_behaviours
from verifiers.analysis.quality import QualityConfig, QualityReport, check_quality
from verifiers.core.batch import VerifyItem, verify_batch, verify_batch_async
from verifiers.core.length_penalty import length_penalty
from verifiers.core.options import OptionsError, RewardContext, VerifierOptions
from verifiers.core.registry import (
    Registry,
    VerifierInfo,
    available,
    default_registry,
    get_info,
    get_verifier,
    register,
    register_path,
    verify,
)
from verifiers.core.reward import (
    RewardResult,
    apply_group_penalties,
    apply_length_penalty,
    compute_group_rewards,
    compute_reward,
)
from verifiers.core.reward_batch import RewardItem, compute_rewards, compute_rewards_async
from verifiers.core.runner import BoundedRunner, shared_runner
from verifiers.core.spec import (
    ACCURACY,
    PRESETS,
    ComponentSpec,
    LengthPenaltySpec,
    OutcomeScores,
    RewardSpec,
    load_spec,
)
from verifiers.core.verdict import Status, Verdict
from verifiers.distribution_guard import VerifiersNameClash  # its import runs the check
from verifiers.format import ResponseParts, prompt_text, split_response
from verifiers.language import LanguageReport, consistency, detect_language

__all__ = [
    "ACCURACY",
    "PRESETS",
    "Behaviour",
    "BoundedRunner",
    "ComponentSpec",
    "LanguageReport",
    "LengthPenaltySpec",
    "OptionsError",
    "OutcomeScores",
    "QualityConfig",
    "QualityReport",
    "Registry",
    "ResponseParts",
    "RewardContext",
    "RewardItem",
    "RewardResult",
    "RewardSpec",
    "Status",
    "Verdict",
    "VerifierInfo",
    "VerifierOptions",
    "VerifiersNameClash",
    "VerifyItem",
    "analyze_behaviours",
    "apply_group_penalties",
    "apply_length_penalty",
    "available",
    "check_quality",
    "compute_group_rewards",
    "compute_reward",
    "compute_rewards",
    "compute_rewards_async",
    "consistency",
    "count_behaviours",
    "default_registry",
    "detect_language",
    "get_info",
    "get_verifier",
    "length_penalty",
    "load_spec",
    "prompt_text",
    "register",
    "register_path",
    "shared_runner",
    "split_response",
    "verify",
    "verify_batch",
    "verify_batch_async",
]
