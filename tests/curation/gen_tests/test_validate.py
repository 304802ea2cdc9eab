"""Kimi's agreement rule: counts from fractions, and disagreeing references never yield a case."""

from __future__ import annotations

import pytest

from curation.gen_tests.execute import Outcome
from curation.gen_tests.problem import Candidate
from curation.gen_tests.validate import AgreedCase, agree, agree_needed, pass_needed, select


@pytest.mark.parametrize(
    ("n", "agree_count", "pass_count"),
    [
        pytest.param(10, 7, 9, id="kimi_7_of_10_and_9_of_10"),
        pytest.param(1, 1, 1, id="one_reference_is_its_own_expectation"),
        pytest.param(2, 2, 2, id="two_references_must_both_agree"),
        pytest.param(3, 3, 3, id="three_references_unanimous"),
        pytest.param(4, 3, 4, id="four_references_3_agree_4_pass"),
        pytest.param(20, 14, 18, id="twenty_references_scale"),
    ],
)
def test_fractions_become_counts_rounded_up(n: int, agree_count: int, pass_count: int) -> None:
    assert agree_needed(n, 0.7) == agree_count
    assert pass_needed(n, 0.9) == pass_count


def _ok(key: str) -> Outcome:
    return Outcome(key=key, value=key)


def _votes(*keys: str | None) -> list[list[Outcome]]:
    """One candidate; reference i produced keys[i] (None: it crashed)."""
    return [[_ok(k) if k is not None else Outcome(error="runtime_error")] for k in keys]


CANDIDATE = [Candidate("mutation", "[1]")]


@pytest.mark.parametrize(
    ("keys", "kept", "reason"),
    [
        pytest.param(["a"] * 7 + ["b"] * 3, True, None, id="seven_of_ten_agree_kept"),
        pytest.param(["a"] * 6 + ["b"] * 4, False, "references_disagree", id="six_of_ten_drop"),
        pytest.param(["a"] * 9 + [None], False, "reference_failed", id="one_crash_drops"),
        pytest.param(["a", "b"], False, "references_disagree", id="two_refs_split"),
        pytest.param(["a", "a", "b"], False, "references_disagree", id="two_of_three_not_enough"),
    ],
)
def test_agreement(keys: list[str | None], kept: bool, reason: str | None) -> None:
    agreed, rejected = agree(CANDIDATE, _votes(*keys), fraction=0.7, max_output_chars=100)
    assert bool(agreed) is kept
    if kept:
        assert agreed[0].key == "a" and agreed[0].voters == frozenset(range(7))
    else:
        assert rejected[reason] == 1


def _case(text: str, key: str) -> AgreedCase:
    return AgreedCase(Candidate("mutation", text), key, key, frozenset({0}))


def test_select_deduplicates_caps_and_keeps_output_variety() -> None:
    originals = [Candidate("original", "[0]")]
    generated = [_case("[0]", "x")]  # same input as an original
    generated += [_case(f"[{i}]", "same") for i in range(1, 6)]
    generated += [_case(f"[{i}]", f"out{i}") for i in range(10, 14)]
    selection = select(originals, generated, max_new=5, max_per_output=2, original_keys=["o"])
    texts = [c.candidate.text for c in selection.kept]
    assert "[0]" not in texts
    assert len(texts) == 5
    assert sum(c.key == "same" for c in selection.kept) <= 2
    assert selection.rejected["duplicate_input"] == 1
    assert selection.rejected["duplicate_output"] == 3


def test_select_drops_a_constant_output_that_tells_nothing() -> None:
    generated = [_case(f"[{i}]", "False") for i in range(4)]
    selection = select([], generated, max_new=10, max_per_output=10, original_keys=["False"])
    assert selection.kept == ()
    assert selection.rejected["trivial_output"] == 4
