"""pass@k and maj@k for one prompt's samples.

pass@k is the unbiased estimator of Chen et al. (Codex): with n samples of
which c are correct, ``1 - C(n-c, k) / C(n, k)``, the probability that k
samples drawn without replacement contain a correct one. It is computed as a
running product, so n in the thousands never builds huge binomials.

maj@k (R1's "cons@64") is majority voting over the first k samples with
answers grouped by *mathematical* equivalence, not by string: ``0.5``,
``\\frac{1}{2}`` and ``1/2`` are one vote. Correct answers are all equivalent
to the gold, so they form one class; wrong answers are grouped by an
equivalence function the caller supplies (the math verifier in practice).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for ``c`` correct out of ``n`` samples.

    With fewer samples than k (n < k) the estimator is undefined; this returns
    the empirical "any of the n was right" (1.0 if c > 0 else 0.0), which is
    what pass@n measures, and callers should report n next to it.
    """
    if n < 0 or c < 0 or c > n or k < 1:
        raise ValueError(f"need 0 <= c <= n and k >= 1, got n={n}, c={c}, k={k}")
    if c == 0:
        return 0.0
    if n < k or n - c < k:
        return 1.0
    # C(n-c, k) / C(n, k) = prod_{i=n-c+1}^{n} (1 - k / i)
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def normalise_answer(answer: str) -> str:
    """Cheap string canonical form used before any (costly) equivalence check."""
    return "".join(answer.split()).rstrip(".").lower()


def group_answers(
    answers: Sequence[str], same: Callable[[str, str], bool] | None = None
) -> list[list[int]]:
    """Indices of ``answers`` grouped into equivalence classes, in first-seen order.

    Strings equal after ``normalise_answer`` are merged without calling
    ``same``; distinct strings are compared with ``same`` against each class's
    first member.
    """
    classes: list[list[int]] = []
    keys: dict[str, int] = {}
    for i, answer in enumerate(answers):
        key = normalise_answer(answer)
        if key in keys:
            classes[keys[key]].append(i)
            continue
        target = None
        if same is not None:
            for ci, members in enumerate(classes):
                if same(answers[members[0]], answer):
                    target = ci
                    break
        if target is None:
            classes.append([i])
            target = len(classes) - 1
        else:
            classes[target].append(i)
        keys[key] = target
    return classes


def maj_at_k(
    extracted: Sequence[str | None],
    correct: Sequence[bool],
    k: int,
    same: Callable[[str, str], bool] | None = None,
) -> bool:
    """Whether majority voting over the first ``k`` samples picks a correct answer.

    Samples without an extracted answer do not vote. Ties go to the class whose
    first member came first, so the result is deterministic. ``same`` is only
    called when the wrong answers could outvote the correct ones.
    """
    first = [
        (a, bool(ok)) for a, ok in zip(extracted[:k], correct[:k], strict=True) if a is not None
    ]
    n_right = sum(ok for _, ok in first)
    wrong = [a for a, ok in first if not ok]
    if n_right == 0:
        return False
    if n_right > len(wrong):
        return True
    classes = group_answers(wrong, same)
    biggest = max(len(c) for c in classes)
    if biggest != n_right:
        return n_right > biggest
    first_right = next(i for i, (_, ok) in enumerate(first) if ok)
    wrong_positions = [i for i, (_, ok) in enumerate(first) if not ok]
    first_biggest = min(wrong_positions[c[0]] for c in classes if len(c) == biggest)
    return first_right < first_biggest
