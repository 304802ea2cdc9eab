"""Source (c): one-argument edge-case variants that stay in the originals' domain."""

from __future__ import annotations

import ast

from curation.gen_tests.mutate import mutate_inputs
from curation.gen_tests.problem import Candidate, load_problem


def _args(candidates: list[Candidate]) -> list[list[object]]:
    return [ast.literal_eval(c.text) for c in candidates]


def test_variants_change_one_argument_and_keep_types() -> None:
    originals = [Candidate("original", "[[3, 1, 2], 'ab']")]
    found = _args(mutate_inputs(originals, per_input=40, max_size=50, seed=0))
    assert found
    for xs, s in found:
        assert isinstance(xs, list) and isinstance(s, str)
        assert (xs == [3, 1, 2]) != (s == "ab")  # exactly one argument changed
    lists = [xs for xs, _ in found]
    assert [] in lists  # empty
    assert [1, 2, 3] in lists or [3, 2, 1] in lists  # ordered
    assert any(len(xs) == 50 for xs in lists)  # large, within max_size
    assert all(len(xs) <= 50 for xs in lists)


def test_positive_originals_never_get_numbers_below_one() -> None:
    originals = [Candidate("original", "[5]"), Candidate("original", "[12]")]
    found = _args(mutate_inputs(originals, per_input=20, max_size=10, seed=1))
    values = [n for (n,) in found]
    assert 4 in values and 13 in values  # one past a value
    assert 1 in values and all(n >= 1 for n in values)


def test_mutations_are_new_inputs_and_deterministic() -> None:
    originals = [Candidate("original", "[[1, 2]]"), Candidate("original", "[[2, 1]]")]
    first = mutate_inputs(originals, per_input=5, max_size=10, seed=3)
    assert first == mutate_inputs(originals, per_input=5, max_size=10, seed=3)
    assert not {c.text for c in first} & {c.text for c in originals}
    assert all(c.source == "mutation" for c in first)


def test_original_arguments_are_read_from_humaneval_and_mbpp_asserts() -> None:
    humaneval = {
        "test": "def check(candidate):\n    assert candidate([1, 2], 3) == 1\n"
        "    assert abs(candidate([0.5], 1) - 2) < 1e-6\n",
        "entry_point": "f",
    }
    problem = load_problem("h", humaneval, ["def f(xs, k):\n    return 1\n"])
    assert [c.text for c in problem.originals] == ["[[1, 2], 3]", "[[0.5], 1]"]
    assert problem.style == "humaneval" and problem.entry == "f"
    mbpp = {"test_list": ["assert set(g((1, 2))) == {1}"], "test_imports": ["import math"]}
    problem = load_problem("m", mbpp, ["def g(t):\n    return t\n"])
    assert [c.text for c in problem.originals] == ["[(1, 2)]"]
    assert problem.setup == ("import math",) and problem.entry == "g"
