"""Column mapping and the quarantine checks of the normalised schema."""

from __future__ import annotations

import json

import polars as pl
import pytest

from curation.config import ColumnMap
from curation.schema import from_canonical, split_valid, to_canonical


def test_mapping_renames_in_and_back() -> None:
    cols = ColumnMap(prompt="question", answer="solution", responses="samples")
    df = pl.DataFrame({"question": ["q"], "solution": ["1"], "samples": [["a"]], "extra": [3]})
    canon = to_canonical(df, cols)
    assert set(canon.columns) == {"id", "prompt", "answer", "responses", "extra"}
    assert canon["id"].to_list() == ["0"]
    assert set(from_canonical(canon, cols).columns) == {
        "id",
        "question",
        "solution",
        "samples",
        "extra",
    }


def test_mapping_refuses_to_overwrite_an_existing_column() -> None:
    df = pl.DataFrame({"question": ["q"], "prompt": ["other"]})
    with pytest.raises(ValueError, match="mapping targets"):
        to_canonical(df, ColumnMap(prompt="question"))


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        pytest.param({"prompt": "q", "answer": None}, "missing or empty answer", id="null_answer"),
        pytest.param({"prompt": "q", "answer": "  "}, "missing or empty answer", id="blank_answer"),
        pytest.param({"prompt": "", "answer": "1"}, "missing or empty prompt", id="empty_prompt"),
        pytest.param({"prompt": None, "answer": "1"}, "missing or empty prompt", id="null_prompt"),
        pytest.param({"prompt": "q", "answer": "1"}, None, id="valid_row_passes"),
    ],
)
def test_quarantine_reasons(row: dict[str, str | None], reason: str | None) -> None:
    df = pl.DataFrame(
        [row, {"prompt": "ok", "answer": "2"}], schema={"prompt": pl.Utf8, "answer": pl.Utf8}
    )
    good, bad = split_valid(df)
    if reason is None:
        assert good.height == 2 and bad.height == 0
    else:
        assert good.height == 1 and bad["quarantine_reason"].to_list() == [reason]


def test_numeric_answers_become_text_and_wrong_types_are_quarantined() -> None:
    good, _ = split_valid(pl.DataFrame({"prompt": ["q"], "answer": [42]}))
    assert good["answer"].to_list() == ["42"]
    import datetime

    good, bad = split_valid(pl.DataFrame({"prompt": ["q"], "answer": [datetime.date(2024, 1, 1)]}))
    assert good.is_empty() and "expected text or a structure" in bad["quarantine_reason"][0]
    good, bad = split_valid(pl.DataFrame({"prompt": ["q", "r"], "answer": [[1, 2], None]}))
    assert good["answer"].to_list() == [[1, 2]] and bad["quarantine_reason"].to_list() == [
        "missing answer"
    ]
    good, bad = split_valid(
        pl.DataFrame({"prompt": ["q"], "answer": ["1"], "responses": ["not a list"]})
    )
    assert good.is_empty() and "expected a list of text" in bad["quarantine_reason"][0]


def test_chat_message_prompts_are_valid() -> None:
    df = pl.DataFrame({"prompt": [[{"role": "user", "content": "1+1?"}], []], "answer": ["2", "3"]})
    good, bad = split_valid(df)
    assert good.height == 1 and bad["quarantine_reason"].to_list() == ["missing or empty prompt"]


def test_message_objects_as_responses_become_text() -> None:
    df = pl.DataFrame(
        {
            "prompt": ["q"],
            "answer": ["1"],
            "responses": [
                [
                    {"role": "assistant", "content": "\\boxed{1}"},
                    {"role": "assistant", "content": "2"},
                ]
            ],
        }
    )
    good, bad = split_valid(df)
    assert bad.is_empty() and good["responses"].to_list() == [["\\boxed{1}", "2"]]


def test_dotted_answer_path_reads_the_field_and_keeps_the_struct() -> None:
    from curation.schema import resolve_columns

    df = pl.DataFrame({"prompt": ["q"], "reward_model": [{"ground_truth": "7", "style": "rule"}]})
    cols = resolve_columns(df, ColumnMap(answer="reward_model.ground_truth"))
    canon = to_canonical(df, cols)
    assert canon["answer"].to_list() == ["7"]
    assert set(cols.derived) == {"answer", "task"}
    assert set(from_canonical(canon, cols).columns) == {"id", "prompt", "reward_model"}


def test_dotted_path_into_json_text_keeps_structured_golds() -> None:
    """A mixed math + countdown JSONL column arrives as JSON text; golds stay structures."""
    from curation.schema import gold_value, resolve_columns

    reward_model = [
        json.dumps({"ground_truth": "4"}),
        json.dumps({"ground_truth": {"target": 24, "numbers": [4, 6, 1, 1]}}),
    ]
    df = pl.DataFrame({"prompt": ["a", "b"], "reward_model": reward_model})
    canon = to_canonical(df, resolve_columns(df, ColumnMap()))
    golds = canon["answer"].to_list()
    assert gold_value(golds[0], answer_only=True) == "4"
    assert gold_value(golds[1], answer_only=False) == {"target": 24, "numbers": [4, 6, 1, 1]}
    assert gold_value(None, answer_only=True) is None  # never "None"


def test_missing_path_names_the_columns() -> None:
    with pytest.raises(ValueError, match="no column 'rm'"):
        to_canonical(pl.DataFrame({"prompt": ["q"]}), ColumnMap(answer="rm.ground_truth"))
