"""Analyses of rollouts that are not rewards: quality predicates and reasoning behaviours.

This file only re-exports.
"""

from verifiers.analysis.behaviours import Behaviour, analyze_behaviours, count_behaviours
from verifiers.analysis.quality import QualityConfig, QualityReport, check_quality

__all__ = [
    "Behaviour",
    "QualityConfig",
    "QualityReport",
    "analyze_behaviours",
    "check_quality",
    "count_behaviours",
]
