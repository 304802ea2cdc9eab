"""Tagged JSON values from the jail, rebuilt on the host."""

from __future__ import annotations

import json

import pytest

from sandbox.values import Opaque, ValueDecodeError, decode, decode_result


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


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "[" * 5_000 + "]" * 5_000,
        "[" + "[" * 150 + "]" * 150 + "]",
        '[{"$int": "' + "f" * 200_000 + '"}]',
        '[{"$float": "1.5"}]',
        '[{"$dict": [[1]]}]',
        '[{"$dict": 3}]',
        '[{"$opaque": ["Match", 1]}]',
        '[{"$complex": ["a", 1]}]',
        '[{"$bytes": "zz"}]',
        '[{"$set": [[1]]}]',
        "[" + "1," * (17 << 20) + "1]",
    ],
    ids=[
        "unclosed",
        "deep_json",
        "deep_value",
        "huge_int",
        "finite_float_tag",
        "bad_pair",
        "dict_not_list",
        "bad_opaque",
        "bad_complex",
        "bad_bytes",
        "unhashable_in_set",
        "over_size",
    ],
)
def test_forged_results_are_decode_errors_never_crashes(text: str) -> None:
    with pytest.raises(ValueDecodeError):
        decode_result(text)


def test_bounds_say_output_limit() -> None:
    with pytest.raises(ValueDecodeError) as caught:
        decode_result("[" + "[]," * 1_100_000 + "1]")
    assert caught.value.too_large


def test_opaque_values_have_only_truthiness() -> None:
    match, nothing = decode_result('[{"$opaque": ["Match", true]}, null]')
    assert bool(match) and match != "abc" and match != Opaque("Match", True)
    assert nothing is None


def test_jail_encoding_reads_subclasses_through_their_base_type() -> None:
    from collections import Counter, OrderedDict, namedtuple

    from sandbox.jail.values import encode

    class Liar(int):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = int.__hash__

    point = namedtuple("point", "x y")
    assert encode(Counter("aab")) == {"$dict": [["a", 2], ["b", 1]]}
    assert encode(point(1, 2)) == {"$tuple": [1, 2]}
    assert encode(OrderedDict(a=1)) == {"$dict": [["a", 1]]}
    assert encode(Liar(3)) == 3 and type(encode(Liar(3))) is int
    assert encode(object()) == {"$opaque": ["object", True]}
