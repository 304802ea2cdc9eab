"""Property tests: random and malformed input never raises and never hangs.

Direct calls must not raise; the same inputs through the core's bounded
``verify_batch`` must come back judged (no ``timeout``, no ``error``), which
is the promise a trainer relies on.
"""

from __future__ import annotations

import functools
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifiers.core.batch import verify_batch
from verifiers.core.runner import BoundedRunner
from verifiers.core.verdict import Status, Verdict
from verifiers.math import extract_answer, verify

TOKENS = [
    "0",
    "1",
    "2",
    "7",
    "9",
    "10",
    ".",
    ",",
    " ",
    "+",
    "-",
    "*",
    "/",
    "^",
    "_",
    "!",
    "=",
    "<",
    ">",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "|",
    "%",
    "$",
    "x",
    "y",
    "e",
    "i",
    "A",
    "or",
    "and",
    r"\frac",
    r"\sqrt",
    r"\pi",
    r"\infty",
    r"\cdot",
    r"\le",
    r"\pm",
    r"\cup",
    r"\{",
    r"\}",
    r"\boxed{",
    r"\text{",
    r"\left(",
    r"\right)",
    r"\overline{",
    r"\begin{pmatrix}",
    r"\end{pmatrix}",
    "&",
    r"\\",
    "^{",
    "5^{5^{",
    "10^{10^{",
    "9999!",
    "<think>",
    "</think>",
    "<answer>",
    "</answer>",
    "The answer is ",
    "答案是",
    "½",
    "√",
    "−",
    "°",
    "\u2009",
    "...",
]
fragments = st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)
anything = st.one_of(fragments, st.text(max_size=200))

TIMEOUT_S = 5.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(response=anything, gold=anything)
def test_direct_calls_never_raise(response: str, gold: str) -> None:
    verdict = verify(response, gold)
    assert isinstance(verdict, Verdict)
    assert verdict.status is not Status.ERROR, verdict.reason
    assert verdict.score in (0.0, 1.0)
    extract_answer(response)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=fragments)
def test_boxed_fragments_against_themselves_never_raise(answer: str) -> None:
    verdict = verify(rf"\boxed{{{answer}}}", answer)
    assert verdict.status is not Status.ERROR, verdict.reason


# Dataset-shaped pieces: boxes, final-answer markers, separators, part labels, revisions,
# end-of-turn tokens, relations, names, percent and decimals, in any order.
RESPONSE_PIECES = [
    r"\boxed{1}",
    r"\boxed{x=2}",
    r"\boxed{(1, 2)}",
    r"\boxed{50\%}",
    r"\boxed{1.414214}",
    "Final Answer: ",
    "The final answer is ",
    "Answer",
    "Answer: ",
    "#### ",
    "答案：",
    "\n",
    " ",
    "$",
    r"\quad",
    r"\text{and}",
    "; ",
    "(a) ",
    "Part (b): ",
    "wait, ",
    "<|im_end|>",
    "<answer>",
    "</answer>",
    "I am not sure.",
    "The largest $n$ is 34.",
    "-x > -1",
    r"f(2) < f(1)",
    r"(p,q)=(3,2)",
    r"\sum_{k=1}^{n} k",
    r"\begin{pmatrix}1\\2\end{pmatrix}",
    "{1,3}",
    "12",
]
GOLD_PIECES = [
    "34",
    "x<1",
    r"(p,q)=(3,2)",
    "1, -2",
    "50\\%",
    r"\sqrt{2}",
    "4.123105625617661",
    "D = (0, 1)",
]


@functools.cache
def _warm_second_opinion() -> None:
    """math-verify's import (seconds on a loaded box) is a one-time cost, not what is timed."""
    verify(r"\boxed{a\equiv 2 \pmod 3}", "2", second_opinion=True)
    verify(r"\boxed{(x+1)(x-3)}", "x^2-2x-3")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(st.sampled_from(RESPONSE_PIECES), max_size=30),
    gold=st.sampled_from(GOLD_PIECES),
    second=st.booleans(),
)
def test_dataset_shaped_responses_never_raise_and_stay_fast(
    pieces: list[str], gold: str, second: bool
) -> None:
    _warm_second_opinion()
    start = time.perf_counter()
    verdict = verify("".join(pieces), gold, second_opinion=second)
    assert isinstance(verdict, Verdict)
    assert verdict.status is not Status.ERROR, verdict.reason
    assert time.perf_counter() - start < 2.0  # generous: the box is shared and loaded


@pytest.fixture(scope="module")
def runner() -> BoundedRunner:
    pool = BoundedRunner(workers=1, memory_mb=2048)
    yield pool
    pool.close()


HOSTILE = [
    (r"\boxed{5^{5^{5^{5^{5^{5}}}}}}", "5^{5^{5^{5^{5^{4}}}}}"),
    (r"\boxed{(10^{100})!}", "(10^{100}+1)!"),
    (r"\boxed{9999!!}", "9999!"),
    (r"\boxed{2^{2^{2^{2^{2^{2^{2}}}}}}}", "2"),
    (r"\boxed{" + "(" * 55 + "1" + ")" * 55 + "}", "1"),
    (r"\boxed{" + "+".join(["x^{9}"] * 150) + "}", "150x^{9}"),
    ("\\boxed{" * 5000, "1"),
    ("The answer is " + " " * 50_000 + "x", "1"),
    (r"\boxed{0." + "3" * 1500 + "...}", r"\frac13"),
    (r"\boxed{\sin(10^{1000})}", r"\cos(10^{1000})"),
    (r"\boxed{e^{10^{10}}}", r"e^{10^{10}+1}"),
    (r"\boxed{" + ", ".join(["1"] * 40 + ["3"]) + "}", ", ".join(["1"] * 40 + ["2"])),
    (r"\boxed{" + r"1 \pm " * 30 + "1}", "1"),
]


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(batch=st.lists(st.tuples(anything, anything), min_size=1, max_size=25))
def test_batch_never_times_out(runner: BoundedRunner, batch: list[tuple[str, str]]) -> None:
    items = [("math", response, gold) for response, gold in batch]
    for verdict in verify_batch(items, timeout_s=TIMEOUT_S, runner=runner):
        assert verdict.status not in (Status.TIMEOUT, Status.ERROR), verdict.reason


@pytest.mark.parametrize(
    ("response", "gold"),
    HOSTILE,
    ids=[
        "power_tower_6",
        "huge_factorials",
        "double_factorial_huge",
        "two_tower",
        "deep_parens",
        "wide_sum",
        "many_unclosed_boxes",
        "long_whitespace_tail",
        "long_repeating_decimal",
        "trig_of_huge",
        "exp_of_huge",
        "set_of_repeated_items",
        "many_plus_minus",
    ],
)
def test_hostile_inputs_are_judged_within_the_timeout(
    runner: BoundedRunner, response: str, gold: str
) -> None:
    (verdict,) = verify_batch([("math", response, gold)], timeout_s=TIMEOUT_S, runner=runner)
    assert verdict.status not in (Status.TIMEOUT, Status.ERROR), verdict.reason
    start = time.perf_counter()
    direct = verify(response, gold)
    assert direct.status is not Status.ERROR
    assert time.perf_counter() - start < TIMEOUT_S


def test_bounded_verification_works_from_a_non_main_thread(runner: BoundedRunner) -> None:
    """math-verify's signal timeouts only work on the main thread; ours work anywhere."""
    from concurrent.futures import ThreadPoolExecutor

    tower = ("math", r"\boxed{5^{5^{5^{5^{5}}}}}", "5^{5^{5^{5^{4}}}}")
    items = [tower, ("math", r"\boxed{2}", "2")]
    with ThreadPoolExecutor(max_workers=1) as pool:
        verdicts = pool.submit(verify_batch, items, timeout_s=TIMEOUT_S, runner=runner).result()
    assert [v.correct for v in verdicts] == [False, True]
    assert all(v.status is Status.OK for v in verdicts)
