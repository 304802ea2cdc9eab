"""The one documented checker (host side, no jail)."""

from __future__ import annotations

import pytest

from sandbox.checker import Checker

STDOUT_CASES = [
    ("3\n", "3", True),
    ("3   \r\n\r\n\n\n", "3", True),
    ("1\r\n2\r\n", "1\n2\n", True),
    ("YES", "yes", False),
    (" 3", "3", False),
    ("1  2", "1 2", False),
    ("0.3333333", "0.33333333", True),
    ("0.3334", "0.3333", False),
    ("1e-7", "0", False),
    ("1000002.5", "1000000.0", False),
    ("1.0", "1", False),
    ("2", "1", False),
    ("10", "10.0000001", True),
    ("100000000000000000001", "100000000000000000000", False),
    ("nan", "nan", True),
    ("3\n4", "3", False),
    ("3", "3\n4", False),
    ("", "", True),
    ("\n\n", "", True),
    ("a b", "a b ", True),
    ("1e-7", "0.0", True),
    ("1.23456789e11", "123456789012", False),
    ("1000000007.4", "1000000007", False),
    ("\u0661\u0662\u0663", "123", False),
    ("\u0663.\u0665", "3.5", False),
    ("007", "7", True),
    ("-0", "0", True),
    ("1_000", "1000", False),
    ("3.50", "3.5", True),
    ("3", "3.0", True),
    ("-5", "5", False),
]


@pytest.mark.parametrize(
    ("got", "want", "same"),
    STDOUT_CASES,
    ids=[
        "plain",
        "crlf_trailing_blank_lines",
        "crlf_between_lines",
        "case_sensitive",
        "leading_space_counts",
        "inner_spacing_counts",
        "float_within_1e-6",
        "float_beyond_tolerance",
        "exponent_for_integer_refused",
        "large_float_relative_tolerance_too_tight",
        "decimal_for_integer_refused",
        "integers_exact",
        "integer_vs_decimal_within_tolerance",
        "big_integers_exact",
        "nan_text_equal",
        "extra_line",
        "missing_line",
        "both_empty",
        "only_blank_lines",
        "expected_trailing_space",
        "exponent_within_tolerance_of_float",
        "inexact_exponent_for_integer",
        "decimal_near_integer",
        "arabic_indic_digits",
        "arabic_indic_float",
        "leading_zeros_same_integer",
        "minus_zero",
        "underscores_are_not_digits",
        "float_trailing_zero",
        "integer_for_float_within_tolerance",
        "sign_matters",
    ],
)
def test_compare_stdout(got: str, want: str, same: bool) -> None:
    assert Checker().compare_stdout(got.encode(), want)[0] is same


def test_float_tolerance_off_compares_text() -> None:
    assert Checker(float_tolerance=None).compare_stdout(b"0.3333333", "0.33333333")[0] is False
    assert Checker(float_tolerance=1e-2).compare_stdout(b"0.334", "0.333")[0] is True


def test_wrong_line_reason_names_the_line() -> None:
    ok, reason = Checker().compare_stdout(b"1\n5\n", "1\n2\n")
    assert not ok and reason.startswith("line 2")


VALUE_CASES = [
    (3, 3, True),
    ("3", 3, False),
    (True, 1, False),
    (1, True, False),
    (False, False, True),
    (2, 2.0, True),
    (2.0, 2, False),
    (123456789012.0, 123456789012, False),
    (1 / 3, 0.3333333333, True),
    (0.34, 1 / 3, False),
    ((1, 2), [1, 2], True),
    ([1, [2, (3,)]], [1, [2, [3]]], True),
    ({1: "a"}, {"1": "a"}, True),
    ({"a": 1}, {"a": 1, "b": 2}, False),
    (None, None, True),
    (None, 0, False),
    ({1, 2}, [1, 2], False),
    (5, [5], True),
    ([5], [[5]], True),
    (10**30, 10**30 + 1, False),
]


@pytest.mark.parametrize(
    ("actual", "expected", "same"),
    VALUE_CASES,
    ids=[
        "int",
        "str_is_not_int",
        "bool_is_not_int",
        "int_is_not_bool",
        "bool",
        "int_for_float",
        "float_for_int_refused",
        "inexact_float_for_big_int",
        "float_tolerance",
        "float_beyond",
        "tuple_is_json_list",
        "nested",
        "int_key_is_json_text",
        "missing_key",
        "none",
        "none_is_not_zero",
        "set_is_not_list",
        "apps_singleton_unwrap",
        "apps_singleton_unwrap_list",
        "big_ints_exact",
    ],
)
def test_compare_value(actual: object, expected: object, same: bool) -> None:
    assert Checker().compare_value(actual, expected)[0] is same


def test_singleton_unwrap_can_be_turned_off() -> None:
    assert Checker(unwrap_singleton=False).compare_value(5, [5])[0] is False


def test_huge_blank_output_is_compared_lazily() -> None:
    ok, reason = Checker().compare_stdout(b"\n" * 5_000_000 + b"x", "1")
    assert not ok and reason.startswith("line 1")
