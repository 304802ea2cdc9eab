"""Find the final answer in a model response, or say why there is none.

The contract is a precedence table (each row pinned by a test in
``tests/verifiers/math/test_extract.py``):

1. the thought (``<think>...</think>``) is never read; an unclosed thought is no answer;
2. a final-answer marker (``Final Answer:``, ``the final answer is``, ``Answer:`` or
   ``Answer`` at the start of a line, ``####``, 答案, 答：, 故选) that comes AFTER the
   last box and states a value wins over that box (an earlier box was intermediate);
3. else the last ``\\boxed{}`` / ``\\boxed 5`` / ``\\fbox{}`` (brace-aware), joined with
   the boxes just before it that only separators part from it (``,``, ``;``, ``and``,
   ``\\quad``, a new line, part labels ``(a)``/``(2)``): one list answer;
4. else the last answer statement ("the answer is", ``Answer:``, ``####``, 答案, ...),
   its value taken out of a concluding sentence ("The largest $n$ is 34." -> 34);
5. else a value stated by the final sentence after a concluding phrase ("So the total is 14.");
6. else the contents of ``<answer>`` tags, or an answer that is nothing but a short formula.

A number in the middle of running text is never taken: that is how an unfinished
response earns a reward it did not. ``require_boxed`` keeps row 3 only.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from verifiers.format import split_response
from verifiers.math.numerals import chinese_number
from verifiers.math.text import is_wordy, number_word, option_letters, synonym_class

MAX_BOXES = 16
_BOX_OPEN = re.compile(r"\\(?:boxed|fbox|framebox)\s*(\{)?")
_MARKERS = re.compile(
    r"(?:final\s+(?:answer|result)\s*(?:is|:)?|(?:the\s+)?(?:correct\s+)?(?:answer|option|choice)\s+(?:is|:)"
    r"|\banswer(?:\*\*)?\s*[:：=]|\bans\s*[:：]|^\s*####|####|答案\s*(?:是|为|：|:)?|答\s*[:：]|故选|所以选|"
    r"因此选|应选|选择?\s*[:：]|最终答案\s*(?:是|为|：|:)?|结果\s*(?:是|为)|(?:正确)?选项\s*(?:是|为)"
    r"|therefore,?\s+the\s+answer\s+is|\bI\s+(?:choose|pick|select)\b"
    r"|^[ \t]*(?:\*\*)?answer(?:\*\*)?(?=[ \t]*(?:$|[-\d$\\(\[])))",
    re.IGNORECASE | re.MULTILINE,
)
# Markers that state THE final answer: after the last box, they beat it (row 2).
_FINAL_MARKERS = re.compile(
    r"final\s+(?:answer|result)\s*(?:is|:)?"
    r"|^[ \t]*(?:\*\*)?answer(?:\*\*)?\s*(?:[:：]|$|(?=[-\d$\\(\[]))"
    r"|####|答案\s*(?:是|为|：|:)?|答\s*[:：]|故选|所以选|因此选|应选|最终答案\s*(?:是|为|：|:)?",
    re.IGNORECASE | re.MULTILINE,
)
# What may stand between boxes that form one list answer (row 3).
_GAP_TOKEN = (
    r"(?:\s|\$|\\[\[\]()]|\\\\|\\q?quad|\\[,;:!]|[,;:.&，；、]|\band\b|\bor\b|或|和|及"
    r"|\\(?:text|mathrm|textbf)\s*\{\s*(?:and|or|,|;)?\s*\}|\(?[a-hA-H1-9]\)"
    r"|\b(?:part|case)\s*\(?[a-z1-9]\)?)"
)
# Possessive: a gap is read token by token, never re-split (no backtracking blow-up).
_CONNECTOR = re.compile(rf"{_GAP_TOKEN}*+", re.IGNORECASE)
MAX_CONNECTOR = 300
# Words that mark a later box as a correction of an earlier one, not a second part.
_REVISION = re.compile(
    r"\b(?:wait|actually|mistake|re-?check|correct(?:ion|ed)?|instead|however|but|oops|redo"
    r"|recompute|revis\w*|wrong|error|let\s+me|hmm|verify|check)\b|重新|不对|错",
    re.IGNORECASE,
)
MAX_PART_GAP = 160
# A chat template's end-of-turn token: what follows is a hallucinated next turn, not the answer.
_END_OF_TURN = re.compile(
    r"<\|im_end\|>|<\|im_start\|>|<\|endoftext\|>|<\|eot_id\|>|<\|end_of_text\|>|</s>"
    r"|<\|start_header_id\|>|<end_of_turn>"
)
_INLINE_MATH = re.compile(
    r"^\s*(?:\$\$(.+?)\$\$|\$((?:\\\$|[^$])+?)\$|\\\((.+?)\\\)|\\\[(.+?)\\\])", re.DOTALL
)
_SENTENCE_END = re.compile(
    r"(?<![\d.])\.(?=\s|$)|(?<=\d)\.(?=\s+[A-Z]|\s*$)|。|\n"
    r"|(?<=\S)\s+(?:I hope|which|since|because|as)\b"
)
_LEADING = re.compile(r"^[\s:：=*】\]]+|^(?:is|was|=)\s+", re.IGNORECASE)
_TRAILING = re.compile(r"(?:[\s*。！]|(?<!\.)\.(?!\.))+$")
SHORT_ANSWER = 80
_NEGATION = re.compile(r"\bnot\b|n't\b|\bnever\b|不是|不为|不等于", re.IGNORECASE)
_VALUE_TOKEN = re.compile(r"\$[^$]+\$|-?\d[\d,]*(?:\.\d+)?(?:/\d+)?%?")
_CN_DIGITS = "[零〇一二两三四五六七八九十百千万亿]+"
# A spelled-out Chinese number inside an answer sentence (共有十二种); 第一 is an ordinal.
_CN_NUMBER_RUN = re.compile(
    rf"(?<!第)负?{_CN_DIGITS}(?:分之{_CN_DIGITS})?(?:点[零〇一二三四五六七八九]+)?"
)
_MATH_SPAN = r"\$(?:\\\$|[^$])+\$"
_VALUE = (
    rf"(?:({_MATH_SPAN}(?:\s*(?:,|\band\b|\bor\b)\s*{_MATH_SPAN})*)"
    r"|((?:[a-zA-Z]\s*=\s*)?-?\d[\d,]*(?:\.\d+)?(?:/\d+)?%?)"
    r"|\b((?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|hundred)\b))"
)
# Words after a value that make it part of a bigger expression ("5 plus the rest").
_OPERATOR_WORDS = (
    r"(?:plus|minus|times|over|divided|more|less|than|or|and|to|of|per|if|when|but|except"
    r"|with|without|each|percent|squared|cubed|multiplied|added|subtracted)\b"
)
_CONCLUSION = re.compile(
    r"(?:\b(?:so|thus|therefore|hence|finally|altogether|in total)\b[^.\n]{0,80}?"
    r"(?:\bis|\bare|\bequals|=|\bget|\bgives|\bobtain)"
    r"|\bthe\s+(?:[a-z]+\s+){0,2}(?:value|result|total|sum|product|number|area|answer|length|probability"
    r"|solutions?|roots?|values?)\b"
    r"[^.\n]{0,60}?\b(?:is|are)|\bwe\s+(?:get|obtain|find)|\b(?:gives|yields))\s*"
    + _VALUE
    + rf"(?:\s+(?!{_OPERATOR_WORDS})[A-Za-z]+){{0,10}}\s*[.。]\s*$",  # "so there are 12 ways ..."
    re.IGNORECASE,
)
_OPENING_WORD = re.compile(
    r"^(?:(?:so|thus|therefore|hence|finally)\b|所以|因此|故|综上所述?|从而|于是)[,，]?\s*",
    re.IGNORECASE,
)
_CONCLUSION_ZH = re.compile(
    r"(?:所以|因此|故|综上所述?|从而|于是|所求)[^。\n]{0,40}?(?:为|是|等于|=)\s*"
    + _VALUE
    + r"\s*[。.]?\s*$"
)
_LISTED_SPANS = re.compile(rf"^\s*{_MATH_SPAN}(?:\s*(?:,|\band\b|\bor\b)\s*{_MATH_SPAN})+")
_REMARK = re.compile(r"\s*\([^()]*[A-Za-z]{3,}[^()]*\)\s*$")  # "5 (option C)", "12 (in cm)"
MAX_STATEMENT = 600  # what follows "the answer is" that can still be one answer


@dataclasses.dataclass(frozen=True)
class Extraction:
    """The answer text found (``None`` when there is none) and how or why not."""

    answer: str | None
    source: str
    reason: str = ""
    boxes: tuple[str, ...] = ()  # every box of the answer part, in order
    gaps: tuple[str, ...] = ()  # the text between consecutive boxes


def extract(
    response: str, *, require_boxed: bool = False, prefilled_think: bool = False
) -> Extraction:
    """The final answer of ``response`` (see the module docstring for the contract)."""
    parts = split_response(response, prefilled_think=prefilled_think)
    if parts.truncated:
        return Extraction(None, "none", "the thought was never closed (no </think>): truncated")
    text = _END_OF_TURN.split(parts.answer, maxsplit=1)[0]
    if not text.strip():
        return Extraction(None, "none", "nothing after the thought")
    boxed = _boxes(text)
    contents = tuple(content for content, _ in boxed)
    gaps = tuple(gap for _, gap in boxed[:-1])
    if boxed and not require_boxed:
        final = _final_statement(text, after=_last_box_end(text))
        if final:
            return Extraction(final, "final_statement", boxes=contents, gaps=gaps)
    if boxed:
        return Extraction(_join_distinct(boxed), "boxed", boxes=contents, gaps=gaps)
    if require_boxed:
        return Extraction(None, "none", "no \\boxed{} answer and require_boxed is set")
    stated = _statement(text)
    if stated:
        return Extraction(stated, "statement")
    concluded = _conclusion(text)
    if concluded:
        return Extraction(concluded, "conclusion")
    if parts.has_answer_tags and len(text) <= 4 * SHORT_ANSWER:
        tagged = _TRAILING.sub("", text.strip())
        stated = _value_after_copula(tagged) or _single_value_in_sentence(tagged)
        return Extraction(stated or tagged, "answer_tags")
    bare = _OPENING_WORD.sub("", text.strip())
    if len(bare) <= SHORT_ANSWER and "\n" not in bare and not _is_prose(bare):
        bare = _TRAILING.sub("", bare)  # "$x \geq 5$ is the solution": its one formula
        return Extraction(bare, "whole")
    return Extraction(
        None,
        "none",
        "no \\boxed{} answer or final-answer statement; a number in running text is not an answer",
    )


def boxed_contents(text: str) -> list[str]:
    """Every ``\\boxed``/``\\fbox`` argument in ``text``, in order, brace-aware."""
    return [content for content, _ in _boxes(text)]


def _boxes(text: str) -> list[tuple[str, str]]:
    """``(content, text after this box up to the next one)`` for every box."""
    found: list[tuple[str, int, int]] = []
    for m in list(_BOX_OPEN.finditer(text))[-4 * MAX_BOXES :]:
        if m.group(1):
            inner = _balanced(text, m.end())
            end = m.end() + len(inner) + 1 if inner is not None else m.end()
        else:
            token = re.match(r"\s*([^\s$]+)", text[m.end() :])
            inner = _TRAILING.sub("", token.group(1)) if token else None
            end = m.end() + (token.end() if token else 0)
        if inner is not None and inner.strip():
            found.append((inner.strip(), m.start(), end))
        if len(found) > MAX_BOXES:
            break
    return [
        (content, text[end : found[k + 1][1]] if k + 1 < len(found) else "")
        for k, (content, _, end) in enumerate(found)
    ]


def _last_box_end(text: str) -> int:
    """Where the last box ends (its closing brace), 0 when there is none."""
    starts = list(_BOX_OPEN.finditer(text))
    if not starts:
        return 0
    m = starts[-1]
    inner = _balanced(text, m.end()) if m.group(1) else None
    return m.end() + (len(inner) + 1 if inner is not None else 0)


def several_parts(boxes: tuple[str, ...], gaps: tuple[str, ...], n: int) -> str | None:
    """The last ``n`` boxes as one list, for a gold with ``n`` parts (``4`` and ``-1`` for
    "the maximum and the minimum"), unless text between them revises an earlier one."""
    if n < 2 or len(boxes) < n:
        return None
    between = gaps[len(gaps) - (n - 1) :] if n > 1 else ()
    if any(len(g) > MAX_PART_GAP or _REVISION.search(g) for g in between):
        return None
    return ", ".join(boxes[-n:])


def _final_statement(text: str, after: int) -> str | None:
    """Row 2: a final-answer marker after the last box, when it states a value."""
    last = None
    for m in _FINAL_MARKERS.finditer(text, after):
        last = m
    if last is None:
        return None
    stated = _statement_at(text, last.end())
    return stated if stated and has_math_content(stated) else None


def has_math_content(text: str) -> bool:
    """Whether an answer holds anything mathematical: a digit, a formula, a lone letter
    (an option, a variable), or a word answer that means something (no solution...)."""
    if re.search(r"[0-9=<>+^_\\/|()\[\]{}%]|[零〇一二两三四五六七八九十百千万亿]", text):
        return True
    if any(unicodedata.category(ch) in ("Sm", "No") for ch in text) or option_letters(text):
        return True
    if number_word(text) is not None:
        return True
    bare = text.strip().strip("$*.。").strip()
    if re.fullmatch(r"\(?[A-Za-z]\)?", bare):
        return True
    return synonym_class(bare) is not None


def _balanced(text: str, start: int) -> str | None:
    depth = 1
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start:i]
        i += 1
    return None


def _join_distinct(boxes: list[tuple[str, str]]) -> str:
    """The last box, with the boxes just before it that it is listed with.

    ``\boxed{2} and \boxed{3}`` is one two-item answer, and so is a hedge like
    ``\boxed{6} or \boxed{7}`` (which a single gold then never matches);
    a box followed by more reasoning and a new box is a revised answer.
    """
    group = [boxes[-1][0]]
    for content, gap in reversed(boxes[:-1]):
        if len(gap) > MAX_CONNECTOR or not _CONNECTOR.fullmatch(gap):
            break
        group.insert(0, content)
    distinct: list[str] = []
    for box in group:
        key = re.sub(r"\s+", "", box)
        if key not in (re.sub(r"\s+", "", d) for d in distinct):
            distinct.append(box)
    return distinct[0] if len(distinct) == 1 else ", ".join(distinct)


def _statement(text: str) -> str | None:
    last = None
    for m in _MARKERS.finditer(text):
        last = m
    if last is None:
        return None
    return _statement_at(text, last.end())


def _statement_at(text: str, start: int) -> str | None:
    """The answer stated from ``start`` (just after a marker) to the end of its sentence."""
    tail = text[start : start + MAX_STATEMENT]
    tail = _LEADING.sub("", tail.lstrip())
    tail = _LEADING.sub("", tail)
    spans = _LISTED_SPANS.match(tail)
    if spans:  # "$5$ and $6$": every listed span, joined as one list answer
        return ", ".join(s[1:-1].strip() for s in re.findall(_MATH_SPAN, spans.group(0))) or None
    math = _INLINE_MATH.match(tail)
    if math:
        return next(g for g in math.groups() if g is not None).strip() or None
    end = _SENTENCE_END.search(tail)
    answer = tail[: end.start()] if end else tail
    answer = _REMARK.sub("", _TRAILING.sub("", answer.strip()))
    return _value_after_copula(answer) or _single_value_in_sentence(answer) or answer or None


_COPULA = re.compile(r"\b(?:is|are|equals?|was|were|becomes|be)\b|为|是|等于")
_STATED_VALUE = re.compile(
    rf"^\s*(?:{_MATH_SPAN}|-?\d[\d,]*(?:\.\d+)?(?:/\d+)?%?)(?:\s+[A-Za-z]+){{0,3}}\s*$"
)


def _value_after_copula(sentence: str) -> str | None:
    """``The largest $n$ is 34`` -> ``34``: in a concluding sentence, the value after
    its last "is" / "equals" / "=" (outside formulas), when that is all that follows."""
    if not is_wordy(sentence) or _NEGATION.search(sentence):
        return None
    masked = re.sub(_MATH_SPAN, lambda m: "$" + "x" * (len(m.group(0)) - 2) + "$", sentence)
    copulas = list(_COPULA.finditer(masked))
    if not copulas:
        return None
    rest = sentence[copulas[-1].end() :]
    if not _STATED_VALUE.match(rest):
        return None
    span = re.search(_MATH_SPAN, rest)
    if span:
        return span.group(0)[1:-1].strip() or None
    first = re.match(r"\s*(\S+)", rest)
    return first.group(1) if first else None  # _STATED_VALUE matched: there is a token


def _single_value_in_sentence(sentence: str) -> str | None:
    """``共有 12 种方法`` / ``There are 12 ways``: the one value of an answer sentence.

    Only after an explicit answer marker, only when the sentence holds exactly
    one value and no negation (``not 12`` never yields 12).
    """
    if not is_wordy(sentence) or _NEGATION.search(sentence):
        return None
    values = _VALUE_TOKEN.findall(sentence)
    if values:
        return values[0] if len(values) == 1 else None
    spelled = _CN_NUMBER_RUN.findall(sentence)  # 共有十二种 -> 12; 第一 is an ordinal
    return chinese_number(spelled[0]) if len(spelled) == 1 else None


# "Therefore $x \\geq 5$ is the solution.", "We find that $x < 3$.": a formula concluded.
_CONCLUDED_FORMULA = re.compile(
    r"^(?:(?:therefore|thus|hence|so|finally),?\s+(?:we\s+(?:find|get|have|obtain)\s+(?:that\s+)?)?"
    r"|we\s+(?:find|get|obtain|conclude)\s+(?:that\s+)?|the\s+(?:solution|answer|result)s?\s+(?:is|are)\s+)"
    rf"({_MATH_SPAN})(?:\s+(?:is|are)\s+(?:the|our)\s+(?:solution|answer|result)s?)?\s*[.。]?$",
    re.IGNORECASE,
)
_COURTESY = re.compile(
    r"(?<=[.。])\s*(?:I hope (?:it|this|that) (?:is correct|helps)|Hope (?:it|this) helps)"
    r"[.!]?\s*$",
    re.IGNORECASE,
)


def _conclusion(text: str) -> str | None:
    """``So the total is 14.``: a value stated by the final sentence of a
    finished answer (ends with a period), after a concluding phrase."""
    last_line = text.strip().splitlines()[-1] if text.strip() else ""
    last_line = _COURTESY.sub("", last_line)  # "... are 12 ways. I hope it is correct."
    formula = _CONCLUDED_FORMULA.match(last_line[-300:].strip())
    if formula and not _NEGATION.search(formula.group(0)):
        return formula.group(1)[1:-1].strip() or None
    m = _CONCLUSION.search(last_line[-300:]) or _CONCLUSION_ZH.search(last_line[-300:])
    if not m or _NEGATION.search(m.group(0)):
        return None
    value = next(g for g in m.groups() if g is not None)
    spans = re.findall(_MATH_SPAN, value)
    return ", ".join(s[1:-1].strip() for s in spans) if spans else value.strip()


def _is_prose(text: str) -> bool:
    """Running text rather than a bare answer: several words outside math."""
    outside = re.sub(r"\$\$.*?\$\$|\$(?:\\\$|[^$])*\$|\\\(.*?\\\)|\\\[.*?\\\]", " ", text)
    words = re.findall(r"[A-Za-z]{2,}", outside)
    if len(words) > 3:
        return True
    return is_wordy(outside) and len(outside) > 24
