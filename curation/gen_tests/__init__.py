"""``curate gen-tests``: more tests for code problems, validated by reference solutions.

Stages (one module each): ``problem`` (a row's tests and references),
``mutate`` / ``generators`` / ``model_inputs`` (candidate sources), ``execute``
(references run in the sandbox), ``validate`` (Kimi's agreement rule),
``emit`` (tests written back), ``mutants`` + ``strength`` (how many wrong
programs the tests reject), ``pipeline`` (one problem) and ``step`` (a shard).
"""

from curation.gen_tests.config import GenTestsConfig, InputSource
from curation.gen_tests.pipeline import ProblemResult, generate_for_problem
from curation.gen_tests.problem import Candidate, Problem, ProblemError, load_problem
from curation.gen_tests.step import GenTestsStep, gen_tests_frame
from curation.gen_tests.strength import Strength
from curation.gen_tests.validate import agree_needed, pass_needed

__all__ = [
    "Candidate",
    "GenTestsConfig",
    "GenTestsStep",
    "InputSource",
    "Problem",
    "ProblemError",
    "ProblemResult",
    "Strength",
    "agree_needed",
    "gen_tests_frame",
    "generate_for_problem",
    "load_problem",
    "pass_needed",
]
