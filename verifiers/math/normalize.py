"""Turn answer text into one canonical spelling before it is parsed.

Models write the same value in many ways: ``\\dfrac`` or ``\\frac``, ``1{,}000`` or
``1 000``, ``½``, ``50\\%``, ``\\$12``, ``30^\\circ``, ``5\\text{ cm}``. Each rewrite
here is one of those spellings mapped onto the form the parser reads. The
rewrites never change a value: units, currency and degrees are wrappers and are
dropped; a percent sign is kept (as ``%``) because whether it means ``/100``
is decided by the comparison, and base subscripts are kept because they are
evaluated, never dropped.
"""

from __future__ import annotations

import re

from verifiers.math.numerals import chinese_number
from verifiers.math.text import strip_units

# Unicode a model may emit instead of LaTeX. Vulgar fractions get a leading
# space-free marker so ``2½`` reads as the mixed number 2 1/2.
_UNICODE = {
    "−": "-",
    "–": "-",
    "—": "-",
    "‒": "-",
    "﹣": "-",
    "－": "-",
    "×": r"\times ",
    "·": r"\cdot ",
    "⋅": r"\cdot ",
    "∙": r"\cdot ",
    "÷": r"\div ",
    "π": r"\pi ",
    "∞": r"\infty ",
    "≤": r"\le ",
    "≥": r"\ge ",
    "≠": r"\ne ",
    "⩽": r"\le ",
    "⩾": r"\ge ",
    "∪": r"\cup ",
    "∩": r"\cap ",
    "∅": r"\emptyset ",
    "±": r"\pm ",
    "∓": r"\mp ",
    "∈": r"\in ",
    "ℝ": r"\mathbb{R}",
    "θ": r"\theta ",
    "α": r"\alpha ",
    "β": r"\beta ",
    "°": r"^\circ ",
    "…": "...",
    "，": ",",
    "：": ":",
    "（": "(",
    "）": ")",
    "【": "[",
    "】": "]",
    "＝": "=",
    "＋": "+",
    "．": ".",
    "\u2009": " ",
    "\u202f": " ",
    "\u00a0": " ",
    "\u2007": " ",
    "\u2002": " ",
    "\u3000": " ",
    "\u200b": "",
    "％": "%",
    "′": "'",
    "∠": r"\angle ",
    "⟨": "(",
    "⟩": ")",
}
_VULGAR = {
    "½": (1, 2),
    "⅓": (1, 3),
    "⅔": (2, 3),
    "¼": (1, 4),
    "¾": (3, 4),
    "⅕": (1, 5),
    "⅖": (2, 5),
    "⅗": (3, 5),
    "⅘": (4, 5),
    "⅙": (1, 6),
    "⅚": (5, 6),
    "⅛": (1, 8),
    "⅜": (3, 8),
    "⅝": (5, 8),
    "⅞": (7, 8),
    "⅐": (1, 7),
    "⅑": (1, 9),
    "⅒": (1, 10),
}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
_UNICODE_RE = re.compile("|".join(re.escape(k) for k in _UNICODE))
_SQRT_UNICODE = re.compile(r"√\s*(\(|\{|[0-9a-zA-Z.]+|\\[a-zA-Z]+)")

# Spacing and sizing commands carry no value.
_DROP = re.compile(
    r"\\(?:left|right|big|Big|bigg|Bigg|bigl|bigr|Bigl|Bigr|biggl|biggr|displaystyle|textstyle"
    r"|scriptstyle|limits|nolimits)(?![a-zA-Z])|\\[!;:>]|\\quad|\\qquad|\\hfill|\\phantom\{[^{}]*\}"
)
_THOUSANDS_SPACED = re.compile(
    r"(?<![\d.])(\d{1,3})((?:(?:\\,|\\ |\\;|\\:|\{,\}|~|\s|')\d{3})+)(?![\d])"
)
# ``1.000.000``: two or more dot groups can only be thousands (``1.000`` stays a decimal).
_THOUSANDS_DOTS = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3}){2,}(?![\d.])")
_THOUSANDS_COMMA = re.compile(r"(?<![\d.,])(\d{1,3})((?:,\d{3})+)(?![\d,])(?!\.\d*,)")
_GROUP_SEP = re.compile(r"\\,|\\ |\\;|\\:|\{,\}|~|\s|'|,")
_DEGREES = re.compile(
    r"\^\s*\{?\s*\\circ\s*\}?|\\circ|\\(?:text)?degree|\^\s*\{\s*o\s*\}|\bdegrees?\b"
)
# ``\angle ABC = 60^\circ``: the angle's name is one name, so the answer reads as a named
# value instead of the product A*B*C (or as words).
_ANGLE_NAME = re.compile(r"\\angle\s*\{?\s*([A-Za-z]{1,3})\s*\}?(?![A-Za-z])")
_PERCENT = re.compile(r"\\%|\\percent\b|\bpercent\b")
_CURRENCY = re.compile(r"\\\$|\\textdollar|[€£¥₹]|\bUSD\b|\bRMB\b|\\euro|\\pounds")
_FRAC_ALIASES = re.compile(r"\\[dtc]frac(?![a-zA-Z])")
_BINOM_ALIASES = re.compile(r"\\[dt]binom(?![a-zA-Z])")
_MATH_DELIMS = re.compile(
    r"^\s*(?:\$\$|\$|\\\[|\\\()\s*(.*?)\s*(?:\$\$|\$|\\\]|\\\))\s*$", re.DOTALL
)
_NAMED_CONSTS = re.compile(r"\\math(?:rm|it)\s*\{\s*([ei])\s*\}")
_OPERATORNAME = re.compile(r"\\operatorname\*?\s*\{\s*([a-zA-Z]+)\s*\}")
_FONT_WRAP = re.compile(r"\\(?:mathbf|boldsymbol|bm|mathit|mathsf|mathtt)\s*\{")
# ``\textbf{meters}`` is text in bold: read like ``\text`` (a unit, a word, an option).
_TEXT_FONTS = re.compile(r"\\(?:textbf|textit|textsf|texttt|emph)\s*\{")
# ``10,\! 455``: a thousands comma with a negative thin space and a stray space.
_THOUSANDS_BANG = re.compile(r"(?<=\d),\\!\s*(?=\d{3}(?!\d))")
_TRAILING = re.compile(r"(?:[\s;,。；，]|(?<!\.)\.(?!\.))+$")
_PREFIX = re.compile(
    r"^(?:the\s+(?:final\s+)?answer\s+is\s*:?|final\s+answer\s*:?|answer\s*:)\s*", re.IGNORECASE
)


# siunitx: ``\\num{1000}``, ``\\SI{5}{cm}`` (the unit dropped), ``\\si{cm}``.
_SIUNITX = re.compile(r"\\num\s*\{([^{}]*)\}|\\SI\s*\{([^{}]*)\}\s*\{[^{}]*\}|\\si\s*\{[^{}]*\}")
_TRIG = re.compile(r"\\(?:sin|cos|tan|cot|sec|csc)(?![a-zA-Z])")
_DEGREE_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:\^\s*\{?\s*\\circ\s*\}?|\\circ|\\degree)")


def normalize(text: str, *, join_commas: bool = True) -> str:
    """The canonical spelling of one answer: wrappers dropped, unicode mapped to LaTeX.

    ``join_commas=False`` keeps ``1,234`` as written, for the reading of such
    an answer as a two-item list.
    """
    s = text.strip()
    s = _THOUSANDS_BANG.sub(",", _strip_math_delims(s)).replace(r"\!", "")
    s = _TEXT_FONTS.sub(r"\\text{", s)
    s = _PREFIX.sub("", s)
    s = _unicode_to_latex(s)
    s = chinese_number(s) or s
    s = _NAMED_CONSTS.sub(r"\1", s)
    s = _OPERATORNAME.sub(r"\\\1", s)
    s = _FRAC_ALIASES.sub(r"\\frac", s)
    s = _BINOM_ALIASES.sub(r"\\binom", s)
    s = re.sub(r"\\over(?![a-zA-Z])", "/", s)
    s = _SIUNITX.sub(lambda m: m.group(1) or m.group(2) or "", s)
    s = re.sub(r"\\langle(?![a-zA-Z])", "(", s)
    s = re.sub(r"\\rangle(?![a-zA-Z])", ")", s)
    s = _FONT_WRAP.sub("{", s)
    s = _ANGLE_NAME.sub(_angle_name, s)
    s = _degrees(s)
    s = _PERCENT.sub("%", s)
    s = _CURRENCY.sub(" ", s)
    s = s.replace("$", " ")
    s = _join_thousands(s, join_commas)
    s = _DROP.sub(" ", s)
    s = re.sub(r"(?<!\\)\\[, ]", " ", s)
    s = strip_units(s)
    s = _PREFIX.sub("", s)
    s = _TRAILING.sub("", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s


def _angle_name(m: re.Match[str]) -> str:
    """``\\angle ABC`` -> ``\\theta_{656667}``: one variable per angle name (letter codes, so
    the reader sees neither a product nor a word)."""
    return r"\theta_{" + "".join(str(ord(c)) for c in m.group(1)) + "}"


def _degrees(s: str) -> str:
    """``30^\\circ`` is the number 30 (a unit), except inside a trig function,
    where it is the angle ``30\\pi/180`` (``\\sin 30^\\circ = 1/2``)."""
    if _TRIG.search(s):
        s = _DEGREE_VALUE.sub(r"(\1\\pi/180)", s)
    return _DEGREES.sub(" ", s)


def _strip_math_delims(s: str) -> str:
    for _ in range(3):
        m = _MATH_DELIMS.match(s)
        if not m or "$" in m.group(1):
            break
        s = m.group(1)
    return s


def _unicode_to_latex(s: str) -> str:
    if s.isascii():
        return s
    for ch, (num, den) in _VULGAR.items():
        if ch in s:
            s = re.sub(rf"(\d)\s*{ch}", rf"\1\\frac{{{num}}}{{{den}}}", s)
            s = s.replace(ch, rf"\frac{{{num}}}{{{den}}}")
    s = _SUPERSCRIPT_RUN.sub(lambda m: "^{" + m.group(0).translate(_SUPERSCRIPTS) + "}", s)
    s = _SQRT_UNICODE.sub(_unicode_sqrt, s)
    s = s.replace("√", r"\sqrt ")
    return _UNICODE_RE.sub(lambda m: _UNICODE[m.group(0)], s)


def _unicode_sqrt(m: re.Match[str]) -> str:
    arg = m.group(1)
    if arg in "({":
        return r"\sqrt" + arg  # the parser reads ``\sqrt(`` like ``\sqrt{``
    return r"\sqrt{" + arg + "}"


def _join_thousands(s: str, join_commas: bool) -> str:
    """``1,000,000`` / ``1{,}000`` / ``1\\,000`` / ``1 000`` -> ``1000000``.

    Only groups of exactly three digits after a 1-3 digit head count, so a
    list ``1, 2, 3`` or a decimal ``3.14`` is never merged.
    """
    s = _THOUSANDS_SPACED.sub(lambda m: m.group(1) + _GROUP_SEP.sub("", m.group(2)), s)
    s = _THOUSANDS_DOTS.sub(lambda m: m.group(0).replace(".", ""), s)
    if not join_commas:
        return s
    return _THOUSANDS_COMMA.sub(lambda m: m.group(1) + m.group(2).replace(",", ""), s)


def has_thousands_commas(s: str) -> bool:
    """Whether ``s`` holds a ``1,234`` group that could also be read as a list."""
    return bool(_THOUSANDS_COMMA.search(s))
