"""Words in answers: units to drop, synonyms to unify, option letters to read.

A math answer is sometimes a word ("Monday", "no solution"), sometimes a
multiple-choice letter, and often a number with words around it ("12 cm",
"5 dollars"). This module knows those words; it never decides equality of
values, only what a piece of text means.
"""

from __future__ import annotations

import re

# Units a number may carry. Dropped only when they follow a number, so a
# variable named ``m`` in ``2m + 1`` is never touched.
_UNITS = (
    "km|cm|mm|meters?|metres?|centimeters?|centimetres?|millimeters?|kilometers?|inch(?:es)?"
    "|feet|foot|yards?|yd|miles?|mph|kph|km/h|m/s|cm/s|ft/s|kg|grams?|kilograms?|mg|lbs?"
    "|pounds?|ounces?|oz|tons?|liters?|litres?|ml|milliliters?|gallons?|cups?|sec|seconds?"
    "|minutes?|hrs?|hours?|days?|weeks?|months?|years?|yrs?|dollars?|cents?|euros?|yuan"
    "|units?|sq|square|cubic|degrees?|deg|radians?|points?|people|persons?|students?|ways?"
    "|times|items?|pieces?|cookies|apples|marbles|books|boxes|cars|eggs|pages"
)
# One- or two-letter units count only after a space: ``2m`` is a product.
_SHORT_UNITS = "m|s|h|l|g|in|mi|ft|min|rad"
_UNIT_WORD = rf"(?:{_UNITS})(?:\s*(?:\^\s*\{{?\s*[23]\s*\}}?|[23²³]))?"
_SPACED_UNIT = rf"(?:{_UNITS}|{_SHORT_UNITS})(?:\s*(?:\^\s*\{{?\s*[23]\s*\}}?|[23²³]))?"
_TEXT_UNIT = re.compile(r"\\(?:text|mbox|mathrm|textrm|textnormal)\s*\{\s*([^{}]*)\}")
_TRAILING_UNIT = re.compile(
    rf"(?<=[\d}}.)%])(?:\s*{_UNIT_WORD}|\s+{_SPACED_UNIT})"
    rf"(?:\s*(?:/|per)\s*{_SPACED_UNIT})?$",
    re.IGNORECASE,
)
_TRAILING_TEXT_WORDS = re.compile(
    r"(?<=[\w}).])\s*(?:~|\\[,;: ])*\s*\\(?:text|mbox|mathrm|textrm)\s*\{(?:\s|~|\\[,;: ])*"
    r"[A-Za-z][A-Za-z .'/-]{0,30}\}"
    r"(?:\s*\^\s*\{?\s*[23]\s*\}?)?\s*$"
)
_TRAILING_PLAIN_WORDS = re.compile(r"(?<=\d)\s+([A-Za-z]{3,}(?:\s+[A-Za-z]{3,})?)\s*$")
_KEEP_WORDS = frozenset({"and", "not", "per", "for", "the", "are", "sqrt", "infinity", "inf"})


def _drop_plain_words(m: re.Match[str]) -> str:
    words = m.group(1).lower().split()
    return m.group(0) if any(w in _KEEP_WORDS for w in words) else ""


# Chinese measure words and units after a number: 5个, 3米, 10元, 20平方厘米.
_CJK_UNIT = re.compile(
    r"(?<=[\d}.])\s*(?:平方|立方)?(?:个|只|人|名|位|次|种|条|件|本|张|天|年|月|日|周|岁|元|角|分|秒|"
    r"小时|分钟|米|厘米|毫米|千米|公里|克|千克|公斤|吨|升|毫升|度|倍|块|辆|棵|页|道|题|组|步|场|"
    r"种方法)+$"
)

_LETTER_RUN = re.compile(r"[A-Za-z]{3,}|[\u4e00-\u9fff]")
# Names the expression reader knows; a run of letters made of them is math, not words.
FUNCTION_NAMES = frozenset(
    {
        "sin",
        "cos",
        "tan",
        "cot",
        "sec",
        "csc",
        "arcsin",
        "arccos",
        "arctan",
        "arccot",
        "sinh",
        "cosh",
        "tanh",
        "log",
        "ln",
        "lg",
        "exp",
        "sqrt",
        "abs",
        "floor",
        "ceil",
        "gcd",
        "lcm",
        "max",
        "min",
        "det",
    }
)
GREEK_LETTERS = frozenset(
    {
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "varepsilon",
        "zeta",
        "eta",
        "theta",
        "vartheta",
        "iota",
        "kappa",
        "lambda",
        "mu",
        "nu",
        "xi",
        "rho",
        "sigma",
        "tau",
        "upsilon",
        "phi",
        "varphi",
        "chi",
        "psi",
        "omega",
        "Gamma",
        "Delta",
        "Theta",
        "Lambda",
        "Xi",
        "Sigma",
        "Phi",
        "Psi",
        "Omega",
    }
)
_MATH_WORDS = FUNCTION_NAMES | {"pi", "inf", "infinity", "infty"}
_PUNCT = re.compile(r"[\s.,;:!?'\"`()\[\]{}\\]+")

# Answers that mean the same thing whatever words a model picks.
SYNONYMS: dict[str, frozenset[str]] = {
    "empty": frozenset(
        {
            "emptyset",
            "varnothing",
            "empty set",
            "the empty set",
            "no solution",
            "no solutions",
            "no real solution",
            "no real solutions",
            "none",
            "no real roots",
            "no roots",
            "no value",
            "no values",
            "there is no solution",
            "there are no solutions",
            "无解",
            "空集",
            "没有解",
            "不存在解",
            "no such x",
            "nosolution",
            "\\{\\}",
            "{}",
        }
    ),
    "dne": frozenset(
        {
            "does not exist",
            "doesnt exist",
            "dne",
            "not exist",
            "no limit",
            "does not exist dne",
            "the limit does not exist",
            "limit does not exist",
            "不存在",
            "undefined",
            "doesn't exist",
        }
    ),
    "reals": frozenset(
        {
            "all real numbers",
            "all reals",
            "all real x",
            "any real number",
            "real numbers",
            "mathbb r",
            "mathbbr",
            "r",
            "全体实数",
            "一切实数",
            "所有实数",
            "实数集",
            "x in mathbb r",
            "infinity infinity",
            "every real number",
            "all real values",
            "all real values of x",
        }
    ),
    "infinite": frozenset(
        {
            "infinitely many",
            "infinitely many solutions",
            "infinite",
            "infinitely many values",
            "无穷多个",
            "无数个",
            "无穷多",
        }
    ),
    "yes": frozenset({"yes", "true", "是", "对", "正确", "成立"}),
    "no": frozenset({"no", "false", "否", "不是", "错误", "不成立", "不对"}),
}
_SYNONYM_OF = {phrase: key for key, group in SYNONYMS.items() for phrase in group}
_KEY_PHRASES = (
    ("does not exist", "dne"),
    ("doesnt exist", "dne"),
    ("no real solution", "empty"),
    ("no solution", "empty"),
    ("all real numbers", "reals"),
    ("infinitely many", "infinite"),
)
_NEGATED_PHRASE = re.compile(r"\bnot\s+(?:no|all|infinitely)\b|\bis\s+not\b")
_NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}

_OPTION = re.compile(
    r"^(?:option|choice|answer|选项|选|故选|答案)?\s*[:：]?\s*"
    r"(?:\\text\{\s*)?[(\[]?\s*([A-Ha-h])\s*[)\]]?(?:\s*\})?(?:\s*选项)?(?:(?:[.:)：、]|\s)\s*(.*))?$",
    re.IGNORECASE,
)
# ``A = 5``, ``D = (0, 1)``, ``E = mc^2``: a letter named by a relation is a value, never an option.
_NAMED_BY = re.compile(r"^(?:[=<>]|\\(?:le|ge|leq|geq|ne|neq|lt|gt|approx)(?![a-zA-Z]))")
_HEDGE = re.compile(r"^(?:or\b|and\b|,|、|或|和|/|\(?[A-Ha-h]\)|[A-H]$)")
_LETTERS_ONLY = re.compile(r"^\s*\(?([A-H])\)?(?:\s*(?:,|and|、|和|及|与|\s)\s*\(?([A-H])\)?)+\s*$")


def strip_units(s: str) -> str:
    """Drop ``\\text{unit}`` wrappers and a trailing unit after a number.

    Any short ``\\text{words}`` right after a number at the end is a unit
    (``9\\text{ bananas}``), whether or not it is in the unit table.
    """
    s = _TRAILING_TEXT_WORDS.sub("", s)
    s = _TEXT_UNIT.sub(lambda m: " " + m.group(1).strip() + " ", s)
    s = s.strip()
    for _ in range(2):
        stripped = _TRAILING_UNIT.sub("", s).strip()
        stripped = _TRAILING_PLAIN_WORDS.sub(_drop_plain_words, stripped).strip()
        stripped = _CJK_UNIT.sub("", stripped).strip()
        if stripped == s or not stripped:
            break
        s = stripped
    return s


def is_wordy(s: str) -> bool:
    """Whether ``s`` reads as words rather than a formula: a run of three or
    more letters outside LaTeX commands that is not a function name, or any
    Chinese character. ``2xy`` is a product; ``Monday`` is a word."""
    bare = re.sub(r"\\(?:begin|end)\s*\{[^{}]*\}|\\[a-zA-Z]+", " ", s)
    runs = (m.group(0) for m in _LETTER_RUN.finditer(bare))
    return any(run not in _MATH_WORDS and not _is_function_call(run) for run in runs)


def _is_function_call(word: str) -> bool:
    """``sqrtx`` / ``lnx`` style runs that start with a function name."""
    return any(word.startswith(f) for f in ("sqrt", "ln", "log")) and len(word) <= 6


def canonical_text(s: str) -> str:
    """Lower-case words with punctuation, ``\\text`` and articles removed."""
    s = re.sub(r"\\(?:text|mathrm|mbox|textbf|mathbf|emph)\s*", " ", s)
    s = s.replace("\\", " ").lower()
    s = _PUNCT.sub(" ", s)
    s = re.sub(r"^(?:the|a|an)\s+", "", s.strip())
    return re.sub(r"\s+", " ", s).strip()


def synonym_class(s: str) -> str | None:
    """The synonym group a text answer belongs to (``empty``, ``dne``, ...), if any.

    A short sentence built around one of the key phrases ("there are no real
    solutions", "the limit does not exist") belongs to that phrase's group.
    """
    compact = s.replace(" ", "")
    if compact.startswith(r"\{") or compact.startswith("{"):
        # a written set: only an empty one is the empty set ({\emptyset} is not)
        return "empty" if compact in (r"\{\}", "{}") else None
    key = canonical_text(s)
    if key in _SYNONYM_OF:
        return _SYNONYM_OF[key]
    if key.replace(" ", "") in _SYNONYM_OF:
        return _SYNONYM_OF[key.replace(" ", "")]
    if len(key.split()) <= 7 and not _NEGATED_PHRASE.search(key):
        for phrase, group in _KEY_PHRASES:
            if phrase in key:
                return group
    return None


def number_word(s: str) -> int | None:
    """``"seven"`` -> 7, for answers spelled out in words."""
    return _NUMBER_WORDS.get(canonical_text(s))


def option_text(s: str) -> str | None:
    """The option text after a single letter: ``(C) 42`` -> ``42``."""
    m = _OPTION.match(s.replace("{", "").replace("}", "").strip())
    if m and m.group(2) and not _HEDGE.match(m.group(2)) and not _NAMED_BY.match(m.group(2)):
        return m.group(2).strip() or None
    return None


def option_letters(s: str, *, with_text: bool = True) -> frozenset[str] | None:
    """The option letter(s) an answer names: ``B``, ``(B)``, ``B. 42``, ``B and D``.

    ``with_text`` accepts a letter followed by its option text (``(C) 42``);
    the text is not checked because the options are not known here.
    """
    s = s.replace("{", "").replace("}", "").strip()
    m = _OPTION.match(s)
    if m and m.group(2) and _NAMED_BY.match(m.group(2)):
        return None
    hedged = bool(m and m.group(2) and _HEDGE.match(m.group(2)))  # "A or B": several letters
    if m and not hedged and (with_text or not m.group(2)):
        letter = m.group(1)
        marked = s.startswith(("(", "[")) or s[m.end(1) : m.end(1) + 1] in (
            ".",
            ")",
            ":",
            "：",
            "、",
        )
        if letter.islower() and not marked:
            return None  # "a", "a triangle": a variable or an article, not an option
        return frozenset({letter.upper()})
    many = _LETTERS_ONLY.match(s)
    if many:
        return frozenset(re.findall(r"[A-H]", s))
    if re.fullmatch(r"[A-H]{2,5}", s) and len(set(s)) == len(s):
        return frozenset(s)
    return None
