"""Tagged JSON values from the jail, rebuilt on the host."""

from __future__ import annotations

import json

import pytest

from sandbox.values import ValueDecodeError, decode, decode_result


def test_round_trip_of_tagged_values() -> None:
    data = [
        {"$tuple": [1, {"$set": [2]}]},
        {"$dict": [[1, "a"]]},
        {"$int": hex(10**40)},
        {"$float": "inf"},
    ]
    assert decode(data) == [(1, {2}), {1: "a"}, 10**40, float("inf")]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        '{"a": 1}',
        '[{"$nope": 1}]',
        '[{"$tuple": 1, "$set": 2}]',
        '{"error": "bad type"}',
    ],
    ids=["nothing", "garbage", "not_a_list", "unknown_tag", "two_keys", "runner_error"],
)
def test_bad_results_are_decode_errors(text: str) -> None:
    with pytest.raises(ValueDecodeError):
        decode_result(text)


def test_result_list() -> None:
    assert decode_result(json.dumps([1, "a", None])) == [1, "a", None]
