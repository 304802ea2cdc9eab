"""Reasoning-behaviour analytics: cues in English and Chinese, spans, labelled-set quality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiers.analysis.behaviours import Behaviour, analyze_behaviours, count_behaviours

LABELLED = Path(__file__).parents[3] / "datasets" / "behaviours_labelled.jsonl"


@pytest.mark.parametrize(
    ("sentence", "behaviour"),
    [
        pytest.param("Let me double-check the sum.", Behaviour.VERIFICATION, id="en_verification"),
        pytest.param("Plugging x = 2 back in gives 7.", Behaviour.VERIFICATION, id="en_plug_back"),
        pytest.param("Wait, that is wrong.", Behaviour.BACKTRACKING, id="en_wait"),
        pytest.param("Let me try another approach.", Behaviour.BACKTRACKING, id="en_new_approach"),
        pytest.param("First, we need to find the area.", Behaviour.SUBGOAL_SETTING, id="en_first"),
        pytest.param("Step 2: divide by the total.", Behaviour.SUBGOAL_SETTING, id="en_step"),
        pytest.param(
            "Working backwards from 24, we need 6.", Behaviour.BACKWARD_CHAINING, id="en_backwards"
        ),
        pytest.param("To get 98 we need 100 minus 2.", Behaviour.BACKWARD_CHAINING, id="en_to_get"),
        pytest.param("我们验证一下这个结果。", Behaviour.VERIFICATION, id="zh_verification"),
        pytest.param("不对，重新算一遍。", Behaviour.BACKTRACKING, id="zh_backtracking"),
        pytest.param("首先求出分母。", Behaviour.SUBGOAL_SETTING, id="zh_subgoal"),
        pytest.param("从目标倒推回去。", Behaviour.BACKWARD_CHAINING, id="zh_backward"),
    ],
)
def test_cues(sentence: str, behaviour: Behaviour) -> None:
    assert count_behaviours(sentence)[behaviour.value] == 1


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("The bank charges a fee on every check.", id="check_as_a_noun"),
        pytest.param("So 15 * 4 = 60.", id="plain_arithmetic"),
        pytest.param("火车的速度是每小时 60 公里。", id="zh_plain_statement"),
        pytest.param("", id="empty"),
    ],
)
def test_no_behaviour(sentence: str) -> None:
    assert sum(count_behaviours(sentence).values()) == 0


def test_spans_locate_sentences_in_the_thought() -> None:
    thought = "We have 3.5 apples. Wait, that is wrong. Let me verify the count."
    report = analyze_behaviours(thought)
    assert [s.behaviour for s in report.spans] == [Behaviour.BACKTRACKING, Behaviour.VERIFICATION]
    for span in report.spans:
        assert thought[span.start : span.end] == span.text
    assert report.counts == {
        "verification": 1,
        "backtracking": 1,
        "subgoal_setting": 0,
        "backward_chaining": 0,
    }
    assert json.loads(json.dumps(report.to_dict()))["spans"][0]["behaviour"] == "backtracking"


def test_precision_and_recall_on_the_labelled_set() -> None:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 80 and {r["lang"] for r in rows} == {"en", "zh"}
    for behaviour in Behaviour:
        tp = fp = fn = 0
        for row in rows:
            predicted = count_behaviours(row["text"])[behaviour.value] > 0
            gold = behaviour.value in row["labels"]
            tp += predicted and gold
            fp += predicted and not gold
            fn += gold and not predicted
        assert tp / (tp + fp) >= 0.85, behaviour
        assert tp / (tp + fn) >= 0.85, behaviour


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_and_spans_are_in_bounds(text: str) -> None:
    report = analyze_behaviours(text)
    for span in report.spans:
        assert 0 <= span.start <= span.end <= len(text)
