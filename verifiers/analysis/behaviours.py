"""Count and locate the four reasoning behaviours in a chain of thought.

"Cognitive Behaviors that Enable Self-Improving Reasoners" finds that four
behaviours predict whether a base model improves under RL: verification
(checking its own work), backtracking (abandoning a failing approach), subgoal
setting (splitting the problem into steps) and backward chaining (reasoning
from the goal to what is needed). The study counts them with an LLM
classifier; this module does it with English and Chinese cue patterns, per
sentence, so it is free, deterministic and fast enough to run on every
rollout of a training job. A sentence can show several behaviours. The cues
favour precision: a phrasing no cue anticipates is missed, so treat counts as
lower bounds. Precision and recall on ``datasets/behaviours_labelled.jsonl``
are printed by ``benchmarks/language_bench.py`` and pinned by the tests.
"""

from __future__ import annotations

import dataclasses
import re
from enum import Enum
from typing import Any


class Behaviour(str, Enum):
    """The four behaviours of the Cognitive Behaviors study."""

    VERIFICATION = "verification"
    BACKTRACKING = "backtracking"
    SUBGOAL_SETTING = "subgoal_setting"
    BACKWARD_CHAINING = "backward_chaining"


_N = r"(?:\d+(?:\.\d+)?|[a-z])"  # a number or a variable
_CUES_EN: dict[Behaviour, list[str]] = {
    Behaviour.VERIFICATION: [
        r"\b(?:let(?:'s| me| us)|i(?:'ll| will| should)|we(?:'ll| will| should| can)|to)\s+"
        r"(?:just |quickly |now |also |first )?(?:double[- ]?)?"
        r"(?:check|verify|confirm|make sure|test|recheck|recompute)\b",
        r"\blet(?:'s| me| us) see (?:if|whether)\b",
        r"\b(?:quick|final|another|one more) check\b",
        r"\b(?:does|do|did|is)\b[^.?]{0,40}\breally\b",
        r"\bto be (?:sure|safe|certain)\b",
        r"\bre(?:count|check|calculat|comput|verif)\w*",
        r"\b(?:they|it|this|which) (?:agree|agrees|match|matches)\b",
        r"\bcompar\w* (?:this|it|that|them|the result)\b",
        r"\b(?:also|still) works\b",
        r"\bdouble[- ]?check",
        r"\bsanity[- ]check",
        r"\bverif(?:y|ying|ied|ication)\b",
        r"\bcheck(?:ing)?\s*:",
        r"^\s*check(?:ing)?\b",
        r"\bcheck(?:ing)? (?:whether|if|that|again|my|our|the (?:answer|result|sum|math|work))\b",
        r"\b(?:plug|plugging|substitut\w*|put(?:ting)?)\b[^.]{0,40}\bback\b",
        r"\bchecks out\b",
        r"\bwhich (?:matches|is consistent|agrees)\b",
    ],
    Behaviour.BACKTRACKING: [
        r"^\s*(?:wait|hmm+|oops|hold on)\b",
        r"\b(?:wait|oops),",
        r"\b(?:that|this|it)(?:'s| is) (?:not right|wrong|incorrect|not correct|a dead end)\b",
        r"\b(?:doesn't|does not|won't|will not|didn't|did not) work\b",
        r"\bis wrong\b",
        r"\bi (?:made|have made) (?:a|an) (?:mistake|error)\b",
        r"\b(?:try|use|take) (?:a different|another|a new) "
        r"(?:approach|method|way|combination|idea)\b",
        r"\b(?:start over|go back|scratch that|on second thought|dead end|backtrack)\b",
        r"\blet me (?:re-?think|reconsider|redo|re-?examine)\b",
        r"\bnot allowed\b",
        r"\b(?:that|this) fails\b",
        r"\b(?:leads|goes|led|went) nowhere\b",
        r"\b(?:a|my|the) (?:mistake|slip|miscalculation)\b",
        r"\bscrap\b|\bflipped\b|\bmisread\b",
        r"\b(?:drop|abandon|discard)\w* (?:it|this|that)\b",
    ],
    Behaviour.SUBGOAL_SETTING: [
        r"^\s*(?:first(?:ly)?|second(?:ly)?|next|then|finally)\b,?",
        r"\bstep \d+\b",
        r"\b(?:the )?(?:first|next) step\b",
        r"\blet(?:'s| me| us) (?:first|start by)\b",
        r"\b(?:break|split|divide|decompose)\w* (?:the |this |it )?(?:problem )?(?:down |into)",
        r"\b(?:we|i) (?:first )?need to (?:first |find|compute|calculate|determine|figure|make)",
        r"\b(?:i|we) will first\b|\b(?:we|i) (?:need|have) to first\b",
        r"\bfirst (?:make|find|compute)\b",
        r"\b(?:our|the|my) (?:goal|aim|task|subgoal) (?:now )?is\b",
        r"\bsub-?(?:goal|problem)s?\b",
        r"\bthen (?:we|i) (?:can|will|need)\b",
        r"\b(?:the|my|our) plan\b",
        r"\breduces? (?:to|into)\b",
        r"\bstart(?:ing)? (?:by|with)\b|\bafter that\b",
        r"\b(?:things|parts|pieces|steps|cases) to (?:figure|find|compute|do|handle|check)\b",
    ],
    Behaviour.BACKWARD_CHAINING: [
        r"\bwork(?:ing)? backwards?\b",
        r"\breason(?:ing)? backwards?\b",
        r"\bbackward(?:s)? from\b",
        r"\b(?:starting|start|going|go) (?:from|back from) the (?:target|goal|answer|end|result)\b",
        r"\bin reverse\b|\bgoing in reverse\b",
        r"\bto (?:get|reach|make|obtain) " + _N + r"\b[^.]{0,30}\b(?:we|i) (?:would )?need\b",
        r"\bwhat (?:would|do) (?:we|i) need to (?:reach|get|make)\b",
        r"\bif the (?:final )?(?:answer|result|target) is " + _N + r"\b[^.]{0,40}\b(?:then|must)\b",
        r"\bfor the (?:result|answer|product|sum) to be " + _N + r"\b",
        r"\bmust have been\b",
        r"\b(?:previous|preceding) (?:number|step|value|result) (?:should|must|has to|would)\b",
        r"\bend up with\b",
        r"\bfrom the (?:conclusion|goal)\b",
        r"\bthe (?:last|final) (?:step|operation) (?:is|must|should|would|has to|needs to)\b",
        r"\bfrom the (?:answer|goal|target|result|end) back\b",
        r"\bback to the (?:inputs|start|given)\b",
    ],
}
_CUES_ZH: dict[Behaviour, list[str]] = {
    Behaviour.VERIFICATION: [
        r"验证|验算|检验|检查|核对|核实|确认|代回|代入.{0,8}(?:检验|验证|成立|原)|再算一遍|两边相等",
    ],
    Behaviour.BACKTRACKING: [
        r"等一下|等等|不对|算错|错了|有误|重新(?:考虑|计算|算|来|思考)|换一种|换个|另一种(?:方法|思路)"
        r"|行不通|走不通|不允许|回到上一步|推翻|不行",
    ],
    Behaviour.SUBGOAL_SETTING: [
        r"首先|(?<!倒数)第[一二三四五1-9]步|接下来|然后|其次|分成.{0,6}部分|拆成|拆分|目标是|先.{0,12}再"
        r"|我先|先把|先求|先算|先找|先列",
    ],
    Behaviour.BACKWARD_CHAINING: [
        r"倒推|反推|逆推|倒着|反过来想|从目标出发|从结果出发|要得到.{0,12}需要|往回推"
        r"|最后一步(?:可能|应该|必须|一定)|前一步(?:应该|必须|一定)|最后要得到",
    ],
}
_COMPILED = {
    b: re.compile("|".join(f"(?:{p})" for p in _CUES_EN[b] + _CUES_ZH[b]), re.IGNORECASE)
    for b in Behaviour
}
_SENTENCE = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]+|\n|$)")


@dataclasses.dataclass(frozen=True)
class BehaviourSpan:
    """One sentence showing a behaviour: where it is and the cue that fired."""

    behaviour: Behaviour
    start: int
    end: int
    text: str
    cue: str


@dataclasses.dataclass(frozen=True)
class BehaviourReport:
    """Counts (sentences per behaviour) and the located spans, in text order."""

    counts: dict[str, int]
    spans: tuple[BehaviourSpan, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "spans": [
                {**dataclasses.asdict(s), "behaviour": s.behaviour.value} for s in self.spans
            ],
        }


def _sentences(thought: str) -> list[tuple[int, int]]:
    """Sentence spans; a decimal point (``3.5``) does not end a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE.finditer(thought):
        end = match.end()
        if end < len(thought) and thought[end - 1] == "." and thought[end : end + 1].isdigit():
            continue
        if thought[start:end].strip():
            spans.append((start, end))
        start = end
    if thought[start:].strip():
        spans.append((start, len(thought)))
    return spans


def analyze_behaviours(thought: str) -> BehaviourReport:
    """Every sentence of ``thought`` that shows one of the four behaviours."""
    spans: list[BehaviourSpan] = []
    for start, end in _sentences(thought):
        raw = thought[start:end]
        lead = len(raw) - len(raw.lstrip())
        sentence = raw.strip()
        for behaviour, pattern in _COMPILED.items():
            match = pattern.search(sentence)
            if match:
                spans.append(
                    BehaviourSpan(
                        behaviour,
                        start + lead,
                        start + lead + len(sentence),
                        sentence,
                        match.group(),
                    )
                )
    counts = {b.value: sum(1 for s in spans if s.behaviour is b) for b in Behaviour}
    return BehaviourReport(counts=counts, spans=tuple(spans))


def count_behaviours(thought: str) -> dict[str, int]:
    """Sentences per behaviour in ``thought`` (all four keys, zero when absent)."""
    return analyze_behaviours(thought).counts
