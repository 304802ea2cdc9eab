"""The R1 template rules: every accepted shape and every rejected violation."""

from __future__ import annotations

import pytest

from verifiers import Status, split_response, verify

ACCEPTED = [
    pytest.param("<think>reason</think>42", {}, id="think_then_bare_answer"),
    pytest.param("<think>reason</think><answer>42</answer>", {}, id="think_then_answer_tags"),
    pytest.param("  <think>r</think>\n<answer> 42 </answer>\n", {}, id="surrounding_whitespace"),
    pytest.param("<think></think>42", {}, id="empty_thought_allowed_by_default"),
    pytest.param("reason</think>42", {"prefilled_think": True}, id="prefilled_think_prompt"),
    pytest.param(
        "<think>r</think><answer>x</answer>",
        {"require_answer_tags": True},
        id="tags_required_and_present",
    ),
]

REJECTED = [
    pytest.param("42", {}, "missing_think_open", id="no_tags_at_all"),
    pytest.param("<think>still thinking", {}, "missing_think_close", id="truncated_thought"),
    pytest.param("<think>a</think><think>b</think>1", {}, "duplicate_think", id="two_thoughts"),
    pytest.param("<think>a<think>b</think>1", {}, "nested_think", id="nested_think"),
    pytest.param(
        "<think>a <answer>1</answer></think>1", {}, "answer_in_thought", id="answer_in_thought"
    ),
    pytest.param("hi <think>a</think>1", {}, "text_before_think", id="text_before_think"),
    pytest.param(
        "<think>a</think><answer>1</answer> bye", {}, "text_after_answer", id="text_after_answer"
    ),
    pytest.param(
        "<think>a</think>so <answer>1</answer>", {}, "text_outside_answer", id="text_before_answer"
    ),
    pytest.param(
        "<think>a</think><answer>1</answer><answer>2</answer>",
        {},
        "duplicate_answer",
        id="two_answers",
    ),
    pytest.param("<think>a</think><answer>1", {}, "unclosed_answer", id="unclosed_answer"),
    pytest.param("<think>a</think>", {}, "empty_answer", id="nothing_after_thought"),
    pytest.param("<think>a</think><answer> </answer>", {}, "empty_answer", id="blank_answer_block"),
    pytest.param(
        "<think>a</think>42",
        {"require_answer_tags": True},
        "missing_answer_tags",
        id="tags_required_missing",
    ),
    pytest.param(
        "<think> </think>42",
        {"allow_empty_thought": False},
        "empty_thought",
        id="empty_thought_refused",
    ),
    pytest.param("</think>42<think>", {}, "missing_think_open", id="tags_in_wrong_order"),
]


@pytest.mark.parametrize(("response", "options"), ACCEPTED)
def test_accepted_shapes(response: str, options: dict) -> None:
    verdict = verify("format", response, None, **options)
    assert verdict.correct is True
    assert verdict.score == 1.0
    assert verdict.status == Status.OK


@pytest.mark.parametrize(("response", "options", "violation"), REJECTED)
def test_rejected_violations(response: str, options: dict, violation: str) -> None:
    verdict = verify("format", response, None, **options)
    assert verdict.correct is False
    assert verdict.score == 0.0
    assert verdict.status == Status.FORMAT_ERROR
    assert verdict.details["violation"] == violation
    assert verdict.reason


def test_unknown_options_are_ignored_so_one_context_feeds_every_component() -> None:
    assert verify("format", "<think>a</think>1", None, prompt="q", target="en").correct is True


@pytest.mark.parametrize(
    ("response", "thought", "answer", "truncated"),
    [
        pytest.param("<think> t </think> a ", "t", "a", False, id="plain"),
        pytest.param(
            "<think>t</think><answer>a</answer>", "t", "a", False, id="answer_tags_stripped"
        ),
        pytest.param(
            "<think>t</think>x<answer>1</answer>y<answer>2</answer>",
            "t",
            "2",
            False,
            id="last_answer_block",
        ),
        pytest.param(
            "<think>the answer is 5", "the answer is 5", "", True, id="unfinished_has_no_answer"
        ),
        pytest.param("just an answer", "", "just an answer", False, id="no_tags_all_answer"),
        pytest.param("t</think>a", "t", "a", False, id="prefilled_open_tag"),
    ],
)
def test_split_response(response: str, thought: str, answer: str, truncated: bool) -> None:
    parts = split_response(response)
    assert (parts.thought, parts.answer, parts.truncated) == (thought, answer, truncated)


def test_prefilled_think_without_close_is_truncated() -> None:
    parts = split_response("I am still thinking 42", prefilled_think=True)
    assert parts.truncated and parts.answer == ""
