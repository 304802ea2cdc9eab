"""Trainer data as plain JSON-able Python: numpy scalars and arrays become numbers and lists.

verl and slime read golds from parquet through pandas/numpy, so a structured
gold (Countdown's ``{"target": 24, "numbers": array([...])}``) arrives with
numpy values inside. The reward client sends JSON and the verifiers expect
plain lists and numbers, so every adapter passes its golds through ``plain``.
The structure itself is kept (never stringified).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def plain(value: Any) -> Any:
    """``value`` with numpy (or any ``tolist``/``item``-bearing) leaves made plain, recursively."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    tolist = getattr(value, "tolist", None)  # numpy arrays and scalars
    if callable(tolist):
        return plain(tolist())
    return value


def unwrap_label(label: Any) -> Any:
    """The reference inside a verl-style label ``{"ground_truth": ..., "style": "rule"}``.

    Datasets prepared for verl and reused in slime or OpenRLHF keep that shape;
    any other label is the reference itself (made plain, never stringified).
    """
    if isinstance(label, Mapping) and "ground_truth" in label:
        label = label["ground_truth"]
    return plain(label)
