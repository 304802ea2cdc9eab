"""The hostile suite lives in the package (``sandbox.hostile``), so ``sandbox audit`` can run it."""

from sandbox.hostile import (
    CASES,
    HOG,
    KNOWN_GAPS,
    LEAK_PROBES,
    NOT_PASSED,
    SECRET,
    Hostile,
    LeakProbe,
    stdio,
)

__all__ = [
    "CASES",
    "HOG",
    "KNOWN_GAPS",
    "LEAK_PROBES",
    "NOT_PASSED",
    "SECRET",
    "Hostile",
    "LeakProbe",
    "stdio",
]
