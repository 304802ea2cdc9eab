"""Analyses of rollouts and prompts that are not rewards: quality predicates, reasoning
behaviours, and benchmark contamination (n-gram overlap and MinHash near-duplicates).

This file only re-exports.
"""

from verifiers.analysis.behaviours import Behaviour, analyze_behaviours, count_behaviours
from verifiers.analysis.contamination import BenchmarkIndex, ContaminationConfig
from verifiers.analysis.quality import QualityConfig, QualityReport, check_quality

__all__ = [
    "Behaviour",
    "BenchmarkIndex",
    "ContaminationConfig",
    "QualityConfig",
    "QualityReport",
    "analyze_behaviours",
    "check_quality",
    "count_behaviours",
]
