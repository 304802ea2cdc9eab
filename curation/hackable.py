"""Rule detectors for prompts that RL can hack or cannot check (Kimi k1.5, Big-Math).

Multiple-choice, true/false and yes/no questions reward guessing (25-50% by
chance); proofs and free-text golds cannot be checked by a rule verifier;
multi-part questions have one gold for several asks, so a partly right answer
is graded as right or wrong arbitrarily. Each detector looks at the prompt and
the gold answer, in English and Chinese, and returns the evidence it matched,
so every flag comes with a reason a person can audit. Precision and recall are
measured on ``datasets/curation/hackable_labelled.jsonl`` by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class HackRule(str, Enum):
    """Why a prompt is unfit for rule-rewarded RL."""

    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    YES_NO = "yes_no"
    PROOF = "proof"
    MULTI_PART = "multi_part"
    UNVERIFIABLE = "unverifiable"


@dataclass(frozen=True)
class Flag:
    """One detector's finding: the rule and the evidence (matched text) behind it."""

    rule: HackRule
    reason: str


_I = re.IGNORECASE
# --- multiple choice -------------------------------------------------------
_OPTION_BODY = (
    r"(?:^|[\s\n:：;；,，]|\\(?:textbf|mathrm|text|rm|bf)\s*\{|\$)"
    r"[\(（\[]?\s*([LETTERS])\s*(?:[\)）\]]|\.(?!\d)|[．、:：])"
)
_OPTION = re.compile(_OPTION_BODY.replace("LETTERS", "A-E"), re.M)
_LOWER_OPTION = re.compile(_OPTION_BODY.replace("LETTERS", "a-e"), re.M)
_MC_CUE = re.compile(
    r"which (?:one )?of the following|which of these|(?:answer )?choices?\s*[:：]|options?\s*[:：]"
    r"|choose the (?:correct|best|right)|select the (?:correct|best|right)|multiple[- ]choice"
    r"|下列|以下(?:哪|各|选项|说法|关于)|哪一?[项个]是?(?:正确|错误)|选项|选择题|单选|多选|正确的是|不正确的是|错误的是"
    r"|(?:的|为)\s*[\(（]\s*[\)）]\s*$",
    _I | re.M,
)
_BULLET = re.compile(r"^\s*[-*•·]\s+\S.{0,60}$", re.M)
_LETTER_GOLD = re.compile(r"^\s*[\(（]?\s*([A-E])\s*[\)）\.．]?\s*(?:[:：]?\s*\S.{0,80})?$")
# --- true / false and yes / no ----------------------------------------------
_TF_CUE = re.compile(
    r"\btrue or false\b|\btrue/false\b|\bT/F\b|\b(?:is|are) (?:the following|this|these) "
    r"(?:statements?|claims?|assertions?) (?:true|false|correct)\b"
    r"|whether (?:the following |this |each )?"
    r"(?:statement|claim|assertion)s? (?:is|are) (?:true|false|correct)"
    r"|判断(?:对错|正误|真假|下列|以下|题)|对还是错|正确还是错误|是真是假|真命题还是假命题"
    r"|[\(（]\s*[对√✓]\s*/?\s*[错×✗]?\s*[\)）]",
    _I,
)
_TF_GOLD = re.compile(
    r"^\s*(?:true|false|t|f|对|错|正确|错误|真|假|真命题|假命题|√|×|✓|✗)\s*[\.。]?\s*$", _I
)
_YN_CUE = re.compile(
    r"\byes or no\b|\byes/no\b|\(yes/no\)|answer (?:with )?(?:yes|no)\b|\bY/N\b", _I
)
_YN_ZH_CUE = re.compile(r"是否|能否|可否|是不是|会不会|能不能|有没有|可不可以|对不对|吗\s*[？?]")
_YN_GOLD = re.compile(
    r"^\s*(?:yes|no|y|n|是|否|不是|是的|能|不能|可以|不可以|会|不会|有|没有|存在|不存在)\s*[\.。!！]?\s*$",
    _I,
)
_AUX_QUESTION = re.compile(
    r"(?:^|[.!?。！？]\s+|\n)(?:is|are|does|do|did|can|could|will|would|was|were|has|have|should|must)"
    r"\s+[^?.!\n]{2,200}\?\s*$",
    _I,
)
_ASK = re.compile(
    r"\b(?:what|which|how|find|compute|calculate|determine the|evaluate|solve|simplify|express|"
    r"give|list|count|if so|if yes|if it is|if not)\b"
    r"|求|多少|几|什么|哪些|计算|化简|若存在|如果存在",
    _I,
)
# --- proof -------------------------------------------------------------------
_PROOF = re.compile(
    r"\bprov(?:e|es|ing|en)\b|\bestablish that\b"
    r"|\b(?:give|write|provide|present|complete|construct)\s+(?:a|an|the)\s+(?:\w+\s+)?proof\b"
    r"|\bproof\s*[:：]|\bshow that\b|\bshow\s+(?:how\s+)?why\b|\bdemonstrate that\b"
    r"|\bprove or disprove\b|\bjustify (?:that|why)\b|证明|求证|试证|证：",
    _I,
)
_PROOF_GOLD = re.compile(
    r"^\s*(?:proof|see (?:the )?(?:proof|solution)|q\.?e\.?d\.?|\\blacksquare"
    r"|证明略|证明见解析|见解析|略|证毕)\s*[\.。]?\s*$",
    _I,
)
# --- multi-part ---------------------------------------------------------------
_PAREN = r"[\(（]\s*{}\s*[\)）]"
_CLOSE = r"{}\)"
_CASE = re.IGNORECASE
# (label pattern, the first two labels of the sequence, regex flags)
_PART_STYLES: list[tuple[str, tuple[str, str], int]] = [
    (_PAREN, ("a", "b"), 0),
    (_PAREN, ("i", "ii"), 0),
    (_PAREN, ("I", "II"), 0),
    (_PAREN, ("Ⅰ", "Ⅱ"), 0),
    (_PAREN, ("1", "2"), 0),
    (_CLOSE, ("a", "b"), 0),
    (_CLOSE, ("i", "ii"), 0),
    (_CLOSE, ("1", "2"), 0),
    (r"{}", ("①", "②"), 0),
    (r"\bpart\s*\(?{}\)?(?=[\s:.,)])", ("1", "2"), _CASE),
    (r"\bpart\s*\(?{}\)?(?=[\s:.,)])", ("a", "b"), _CASE),
    (r"\bpart\s*\(?{}\)?(?=[\s:.,)])", ("I", "II"), _CASE),
    (r"第\s*{}\s*问", ("一", "二"), 0),
    (r"第\s*[\(（]?\s*{}\s*[\)）]?\s*问", ("1", "2"), 0),
]
_PART_LEAD = r"(?:^|\n|[.:;!?。：；！？，,]\s*|\s{2,}|\s)"
_CLOSE_LEAD = r"(?:^|\n|[.:;!?。：；！？]\s*|\s)"
_REFERENCE = re.compile(
    r"(?:equations?|eq\.|formulas?|inequalit(?:y|ies)|conditions?|lines?|curves?|expressions?"
    r"|方程|等式|式|条件|直线|曲线)\s*[\(（]?$",
    re.I,
)
_BOTH = re.compile(r"\b(?:give|find|state|report|compute) (?:both|all three|each of the)\b", re.I)
_QUESTION_SPLIT = re.compile(r"[?？]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_FREE_TEXT_GOLD = re.compile(r"[A-Za-z\u00C0-\u024F]{2,}")


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(0).strip() if match else None


def detect_multiple_choice(prompt: str, answer: str) -> str | None:
    """Lettered options (A)...(C), a "which of the following" cue, or a letter as the gold."""
    letters = [m.group(1) for m in _OPTION.finditer(prompt)]
    distinct = set(letters)
    sequence = {"A", "B", "C"} <= distinct or ({"A", "B"} <= distinct and "D" in distinct)
    cue = _first(_MC_CUE, prompt)
    letter_gold = bool(_LETTER_GOLD.match(answer)) and len(answer.strip()) <= 90
    if sequence:
        return f"lettered options {''.join(sorted(distinct))}"
    if cue and ({"A", "B"} <= distinct or letter_gold):
        return f"cue {cue!r} with options or a letter answer"
    if letter_gold and {"A", "B"} & distinct:
        return f"gold answer {answer.strip()[:20]!r} is an option letter"
    if re.fullmatch(r"\s*[\(（]?[A-E][\)）]?\s*", answer):
        return f"gold answer {answer.strip()!r} is an option letter"
    bullets = _BULLET.findall(prompt)
    if cue and len(bullets) >= 3:
        return f"cue {cue!r} with {len(bullets)} listed options"
    return _lowercase_options(prompt, answer, cue)


def _lowercase_options(prompt: str, answer: str, cue: str | None) -> str | None:
    """Options a) b) c): told apart from sub-questions (a) Find...(b) Find... by their
    content: options are short and ask nothing."""
    marks = list(_LOWER_OPTION.finditer(prompt))
    letters = [m.group(1) for m in marks]
    if not {"a", "b", "c"} <= set(letters) and not (cue and {"a", "b"} <= set(letters)):
        return None
    bodies = [
        prompt[m.end() : n.start()] for m, n in zip(marks, [*marks[1:], None], strict=False) if n
    ]
    bodies.append(prompt[marks[-1].end() :])
    short = all(len(b.strip()) <= 40 and not _ASK.search(b) for b in bodies)
    letter_gold = bool(re.fullmatch(r"\s*[\(（]?[a-e][\)）.]?\s*", answer))
    if short or letter_gold or cue:
        return f"lettered options {''.join(sorted(set(letters)))}"
    return None


def _cue_or_gold(
    prompt: str, answer: str, cue: re.Pattern[str], gold: re.Pattern[str], gold_is: str
) -> str | None:
    """The shared first test of the closed-form detectors: a cue in the prompt, else a gold
    answer of that closed form (the reason then says what the gold is)."""
    found = _first(cue, prompt)
    if found:
        return f"cue {found!r}"
    if gold.match(answer):
        return f"gold answer {answer.strip()!r} {gold_is}"
    return None


def detect_true_false(prompt: str, answer: str) -> str | None:
    """A true/false cue in the prompt, or a gold that is true/false (对/错)."""
    return _cue_or_gold(prompt, answer, _TF_CUE, _TF_GOLD, "is true/false")


def detect_yes_no(prompt: str, answer: str) -> str | None:
    """A yes/no cue, a yes/no gold, or a bare "Is ...?" question with nothing to compute."""
    closed = _cue_or_gold(prompt, answer, _YN_CUE, _YN_GOLD, "is yes/no")
    if closed:
        return closed
    asks = _ASK.search(prompt)
    zh = _first(_YN_ZH_CUE, prompt)
    if zh and not asks:
        return f"cue {zh!r} with nothing to compute"
    question = _AUX_QUESTION.search(prompt.strip())
    if question and not asks:
        return f"yes/no question {question.group(0).strip()[:60]!r}"
    return None


def detect_proof(prompt: str, answer: str) -> str | None:
    """A proof request (prove, show that, 证明, 求证) or a gold that is just "proof"."""
    return _cue_or_gold(prompt, answer, _PROOF, _PROOF_GOLD, "is not checkable")


def _label_hits(regex: str, text: str, flags: int) -> list[re.Match[str]]:
    """Matches of a part label, minus references such as "equation (1)" or "方程(1)"."""
    return [
        m
        for m in re.finditer(regex, text, flags | re.M)
        if not _REFERENCE.search(text[max(0, m.start() - 12) : m.start() + 1])
    ]


def _parts_in(text: str, lead: bool) -> str | None:
    for pattern, labels, flags in _PART_STYLES:
        regexes = [pattern.format(re.escape(label)) for label in labels]
        if lead and pattern == _CLOSE:
            regexes = [_CLOSE_LEAD + r for r in regexes]
        elif lead and pattern == _PAREN:
            regexes = [_PART_LEAD + r for r in regexes]
        firsts = _label_hits(regexes[0], text, flags)
        if firsts and _label_hits(regexes[1], text[firsts[0].end() :], flags):
            return f"parts {labels[0]!r} and {labels[1]!r}"
    return None


def _questions(prompt: str) -> int:
    """How many separate questions (ending in ? with something to compute) a prompt asks."""
    pieces = _QUESTION_SPLIT.split(prompt)[:-1]
    return sum(1 for piece in pieces if _ASK.search(piece))


def detect_multi_part(prompt: str, answer: str) -> str | None:
    """Sub-questions (a)/(b), (1)/(2), (I)/(II), ①/②, 第一问... in the prompt or the gold."""
    found = _parts_in(prompt, lead=True)
    if found:
        return f"prompt has {found}"
    found = _parts_in(answer, lead=False)
    if found:
        return f"gold answer has {found}"
    both = _BOTH.search(prompt)
    if both:
        return f"cue {both.group(0)!r}"
    if _questions(prompt) >= 2:
        return f"prompt asks {_questions(prompt)} questions"
    return None


def detect_unverifiable(prompt: str, answer: str) -> str | None:
    """A gold that is free text (many words or very long): no rule verifier can match it."""
    words = _FREE_TEXT_GOLD.findall(re.sub(r"\\[A-Za-z]+|\\text\{[^}]*\}", " ", answer))
    if len(answer) > 300:
        return f"gold answer is {len(answer)} characters long"
    if len(words) >= 6:
        return f"gold answer is free text ({len(words)} words)"
    han = len(_HAN.findall(answer))
    if han >= 15:
        return f"gold answer is free text ({han} Chinese characters)"
    return None


DETECTORS: dict[HackRule, Callable[[str, str], str | None]] = {
    HackRule.MULTIPLE_CHOICE: detect_multiple_choice,
    HackRule.TRUE_FALSE: detect_true_false,
    HackRule.YES_NO: detect_yes_no,
    HackRule.PROOF: detect_proof,
    HackRule.MULTI_PART: detect_multi_part,
    HackRule.UNVERIFIABLE: detect_unverifiable,
}


def detect(prompt: str, answer: str = "", rules: list[HackRule] | None = None) -> list[Flag]:
    """Every rule that fires on this prompt, in ``HackRule`` order; never raises on odd text."""
    prompt = prompt if isinstance(prompt, str) else str(prompt or "")
    answer = answer if isinstance(answer, str) else str(answer or "")
    selected = rules or list(HackRule)
    flags = []
    for rule in selected:
        reason = DETECTORS[rule](prompt, answer)
        if reason:
            flags.append(Flag(rule, reason))
    return _without_overlaps(flags)


def _without_overlaps(flags: list[Flag]) -> list[Flag]:
    """One finding per hack: a true/false question is not also a yes/no one, and
    lettered options are not sub-questions."""
    rules = {f.rule for f in flags}
    drop = set()
    if HackRule.TRUE_FALSE in rules:
        drop.add(HackRule.YES_NO)
    if HackRule.MULTIPLE_CHOICE in rules:
        drop.add(HackRule.MULTI_PART)
    return [f for f in flags if f.rule not in drop]


def flag_frame(
    prompts: list[object], answers: list[object], rules: list[HackRule] | None = None
) -> list[list[Flag]]:
    """``detect`` over columns (prompts may be chat messages: the user turns are read)."""
    out = []
    for prompt, answer in zip(prompts, answers, strict=True):
        if isinstance(prompt, list):
            prompt = "\n".join(str(m.get("content", "")) for m in prompt if isinstance(m, dict))
        out.append(detect(str(prompt or ""), "" if answer is None else str(answer), rules))
    return out
