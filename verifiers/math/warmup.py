"""Warm-up run once where workers are forked from (the runner's forkserver preload).

sympy and mpmath load parts of themselves on first use: a worker's first polynomial
identity or nested radical costs ~0.1 s (more on a loaded host), the slowest single
case in the benchmark. Importing this module (``INFO.preload`` lists it after
``sympy``) runs a few such verifications once in the forkserver, so every forked worker
starts warm. It never raises: a failed warm-up only leaves the first case slower.
"""

from __future__ import annotations

from verifiers.math import verify

WARM_CASES = (
    (r"\boxed{(x+1)(x-3)}", "x^2-2x-3"),  # polynomial identity (sympy together/Poly)
    (r"\boxed{\sqrt{5+2\sqrt{6}}}", r"\sqrt{2}+\sqrt{3}"),  # minimal polynomial
    (r"\boxed{6\sqrt{2}}", r"\sqrt{72}"),
    (r"\boxed{1.41421}", r"\sqrt{2}"),  # approximate values (mpmath)
    (r"\boxed{\sum_{k=1}^{n} k}", r"\frac{n(n+1)}{2}"),
    (r"\boxed{-x > -1}", "x<1"),
)


def warm() -> int:
    """Run the warm-up cases; the number that ran without an exception."""
    done = 0
    for response, gold in WARM_CASES:
        try:
            verify(response, gold)
            done += 1
        except Exception:  # a warm-up must never stop a worker from starting
            continue
    return done


WARMED = warm()
