"""CoT quality predicates used by rejection sampling: each fails for its reason only."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from verifiers.analysis.quality import (
    QualityConfig,
    QualityIssue,
    check_quality,
    code_blocks,
    language_mixing,
    overlong_paragraphs,
    repetition_loop,
    tail_period,
    truncation,
)

CLEAN = (
    "<think>First we add the numbers. The sum is ten.\n\n"
    "Let me check: four plus six is ten.</think><answer>10</answer>"
)


def _failed(response: str, **kwargs) -> set[QualityIssue]:
    return {c.name for c in check_quality(response, **kwargs).failures}


@pytest.mark.parametrize(
    ("response", "kwargs", "issues"),
    [
        pytest.param(CLEAN, {}, set(), id="clean_thought_passes"),
        pytest.param(
            "<think>我们先把数字加起来。Then we divide the total by two.</think><answer>5</answer>",
            {"prompt": "计算平均数。"},
            {QualityIssue.LANGUAGE_MIXING},
            id="mixed_languages_against_prompt_language",
        ),
        pytest.param(
            "<think>" + " ".join(f"item{i}" for i in range(450)) + "</think><answer>1</answer>",
            {},
            {QualityIssue.OVERLONG_PARAGRAPH},
            id="one_long_paragraph",
        ),
        pytest.param(
            "<think>"
            + "\n\n".join(
                " ".join(f"Then we add {i * 7 + k} to the running total." for i in range(30))
                for k in range(3)
            )
            + "</think><answer>1</answer>",
            {},
            set(),
            id="long_text_split_into_paragraphs_passes",
        ),
        pytest.param(
            "<think>Let me code it.\n```python\nprint(1)\n```\nDone.</think><answer>1</answer>",
            {},
            {QualityIssue.CODE_BLOCK},
            id="fenced_code_in_thought",
        ),
        pytest.param(
            "<think>Let me code it.\n```python\nprint(1)\n```\nDone.</think><answer>1</answer>",
            {"config": QualityConfig(allow_code_blocks=True)},
            set(),
            id="code_allowed_by_config",
        ),
        pytest.param(
            "<think>Start. "
            + "Wait, I need to check this again. " * 12
            + "</think><answer>1</answer>",
            {},
            {QualityIssue.REPETITION},
            id="repeated_sentence",
        ),
        pytest.param(
            "<think>We add the numbers and get ten.",
            {},
            {QualityIssue.TRUNCATED},
            id="never_closed",
        ),
        pytest.param(
            "<think>We add the numbers and get ten.</think>",
            {},
            {QualityIssue.TRUNCATED},
            id="no_answer",
        ),
        pytest.param(
            "<think>We add the numbers and get ten.</think>",
            {"config": QualityConfig(require_answer=False)},
            set(),
            id="answer_not_required_by_config",
        ),
    ],
)
def test_check_quality(response: str, kwargs: dict, issues: set[QualityIssue]) -> None:
    assert _failed(response, **kwargs) == issues


def test_every_failure_carries_a_reason() -> None:
    report = check_quality("<think>" + "abc def " * 100, target="en")
    assert not report.ok
    assert all(reason.split(":")[0] in {i.value for i in QualityIssue} for reason in report.reasons)
    assert report.to_dict()["ok"] is False


def test_language_mixing_threshold() -> None:
    thought = "We add the numbers one by one and then we divide. 然后"
    assert language_mixing(thought, "en", min_ratio=0.8).ok
    assert not language_mixing(thought, "en", min_ratio=0.95).ok


def test_overlong_paragraph_counts_cjk_characters_as_words() -> None:
    assert not overlong_paragraphs("算" * 401, max_words=400).ok
    assert overlong_paragraphs("算" * 400, max_words=400).ok


def test_code_block_reports_language() -> None:
    check = code_blocks("text\n~~~rust\nfn main() {}\n~~~")
    assert not check.ok and "rust" in check.reason


def test_tail_loop_detection() -> None:
    assert tail_period("intro " + "abc xyz " * 40) == 8
    assert tail_period("A normal ending with no cycle at all, just prose that stops.") is None
    assert not repetition_loop("so " + "1 2 3 4 5 6 7 " * 30).ok


def test_truncation_with_prefilled_think() -> None:
    assert truncation("reasoning</think>42", prefilled_think=True).ok
    assert not truncation("reasoning without end", prefilled_think=True).ok


def test_config_is_validated() -> None:
    with pytest.raises(ValidationError):
        QualityConfig(min_language_ratio=1.5)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_never_raises(text: str) -> None:
    report = check_quality(text)
    assert isinstance(report.ok, bool)
