"""The default task verifier is written once (``DEFAULT_TASK``); every default reads it.

Issue 10's rule: no verifier name outside its own module, the registry and tests.
The default verifier is where that rule broke most (curation, the server, the
in-process scorer, the cascade, rm-train each wrote ``"math"``), so a literal of it
anywhere else in the library fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from curation.config import ScoreConfig
from rm_training.data import DataConfig
from server.settings import ServerSettings
from verifiers.core.registry import DEFAULT_TASK, default_registry
from verifiers.model_judge.options import CascadeOptions

ROOT = Path(__file__).resolve().parents[3]
LIBRARY = ("curation", "server", "verifiers", "rm_training", "sandbox")
# The verifier's own package and the registry's table of built-in records.
OWN = (Path("verifiers/math"), Path("verifiers/core/registry.py"))


def test_the_default_task_is_a_registered_verifier() -> None:
    assert DEFAULT_TASK in default_registry.available()


def test_every_default_verifier_choice_reads_default_task() -> None:
    assert ScoreConfig().task == DEFAULT_TASK
    assert ServerSettings().default_task == DEFAULT_TASK
    assert CascadeOptions().rules == DEFAULT_TASK
    assert DataConfig().rules_verifier == DEFAULT_TASK


def test_no_library_module_writes_the_default_verifier_name() -> None:
    found: list[str] = []
    for package in LIBRARY:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if any(rel == own or own in rel.parents for own in OWN):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found.extend(
                f"{rel}:{node.lineno}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and node.value == DEFAULT_TASK
            )
    assert found == []
