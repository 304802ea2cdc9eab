"""Normalisation: one spelling per value, wrappers dropped, values never changed."""

from __future__ import annotations

import pytest

from verifiers.math.normalize import normalize

CASES = [
    ("math_delimiters", r"$\frac{1}{2}$", r"\frac{1}{2}"),
    ("dfrac_alias", r"\dfrac{1}{2}", r"\frac{1}{2}"),
    ("thousands_commas", "1,234,567", "1234567"),
    ("thousands_braced_comma", "1{,}234", "1234"),
    ("thousands_thin_space", "1\\,234", "1234"),
    ("thousands_unicode_space", "1\u2009234", "1234"),
    ("list_not_merged", "1, 234", "1, 234"),
    ("decimal_not_merged", "3.141", "3.141"),
    ("degrees_dropped", r"30^\circ", "30"),
    ("degrees_in_trig_are_radians", r"\sin 30^\circ", r"\sin (30\pi/180)"),
    ("percent_kept_as_sign", r"50\%", "50%"),
    ("currency_dropped", r"\$1,000", "1000"),
    ("unit_dropped", r"12\text{ cm}", "12"),
    ("unknown_unit_word_in_text_dropped", r"9\text{ bananas}", "9"),
    ("variable_not_a_unit", "2m", "2m"),
    ("unicode_minus", "−3", "-3"),
    ("unicode_fraction", "½", r"\frac{1}{2}"),
    ("unicode_mixed_fraction", "2½", r"2\frac{1}{2}"),
    ("unicode_superscript", "x²", "x^{2}"),
    ("mathrm_constants", r"\mathrm{e}^{\mathrm{i}\pi}", r"e^{i\pi}"),
    ("left_right", r"\left(1\right)", "(1 )"),
    ("trailing_period", "12.", "12"),
    ("ellipsis_kept", "0.333...", "0.333..."),
    ("answer_prefix", "The answer is 7", "7"),
    ("chinese_unit", "15米", "15"),
]


@pytest.mark.parametrize(("case_id", "raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_normalize(case_id: str, raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_list_reading_keeps_commas() -> None:
    assert normalize("1,234", join_commas=False) == "1,234"
