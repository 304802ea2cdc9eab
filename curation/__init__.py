"""rlvr-kit curation: choose the RL prompt set (Kimi k1.5, Qwen3, DeepSeek-R1 recipes).

Every ``curate`` command is a function in ``curation.commands`` (file in,
output + ``.dropped`` + ``.quarantine`` files out, resumable over shards);
the building blocks are importable on their own: ``pass_at_k`` / ``maj_at_k``
(``curation.passk``), the hackable-prompt ``detect`` rules
(``curation.hackable``), the typed configs (``curation.config``).
"""

from curation.config import (
    ColumnMap,
    FilterConfig,
    GenerationConfig,
    RunConfig,
    ScoreConfig,
    TemplateName,
)
from curation.hackable import HackRule, detect
from curation.passk import maj_at_k, pass_at_k

__all__ = [
    "ColumnMap",
    "FilterConfig",
    "GenerationConfig",
    "HackRule",
    "RunConfig",
    "ScoreConfig",
    "TemplateName",
    "detect",
    "maj_at_k",
    "pass_at_k",
]
