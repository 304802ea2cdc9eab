"""The ``cascade`` verifier: rules first, the judge only where the rules cannot decide.

Rules are very precise but miss some free-form answers; a judge has recall
but can be fooled (Master-RM) and hacked. So the rule verifier named by the
``rules`` option decides every item it can, and the judge sees only items the
rules leave undecided: the answer could not be parsed (``parse_error``), the
rules found no answer although the response has a final answer, or the rules
said "wrong" against a free-form gold (text the rules compare only
literally). Both verdicts are kept in ``details["cascade"]``; a disagreement
(the judge accepts what the rules did not) is appended to the JSONL log the
operator configured, and the reward server counts routes, disagreements and
judge latency in ``/metrics``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from typing import Any

from verifiers.core.registry import verify
from verifiers.core.verdict import Status, Verdict
from verifiers.format import prompt_text, split_response
from verifiers.model_judge.config import JudgeConfig
from verifiers.model_judge.judge import JudgeVerifier
from verifiers.model_judge.options import CascadeOptions
from verifiers.model_judge.prompt import clip_response

_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_WORD = re.compile(r"[A-Za-z]{2,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MATHY = re.compile(r"[0-9\\=^]")
FREE_FORM_WORDS = 3


def is_free_form(reference: Any) -> bool:
    """A gold written in words (three or more words, or four CJK characters), not math."""
    if not isinstance(reference, str):
        return False
    text = _LATEX_COMMAND.sub(" ", reference)
    return len(_WORD.findall(text)) >= FREE_FORM_WORDS or len(_CJK.findall(text)) >= 4


def undecided(
    rules: Verdict, response: str, reference: Any, *, judge_no_answer: bool = True
) -> str | None:
    """Why the rules' verdict needs the judge, or None when the rules decide.

    ``no_answer`` goes to the judge only when the final answer has content the
    rules may have missed (a digit, LaTeX, or any text against a free-form
    gold): a content-free answer (":", "Thought process:", "解") is a decided
    non-answer, so master-key responses never reach the judge through here.
    """
    if rules.status == Status.PARSE_ERROR:
        return "parse_error"
    if rules.status == Status.NO_ANSWER:
        if not judge_no_answer:
            return None
        answer = split_response(response).answer.strip()
        if answer and (_MATHY.search(answer) or is_free_form(reference)):
            return "no_answer with a final answer"
        return None
    if rules.status == Status.OK and rules.correct is False and is_free_form(reference):
        return "free-form gold"
    return None


def _log_disagreement(path: str, record: dict[str, Any]) -> str | None:
    """Append one JSON line; a log that cannot be written is reported, never raised."""
    line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)
    except OSError as exc:
        return f"disagreement log not written: {exc}"
    return None


@dataclasses.dataclass(frozen=True)
class CascadeVerifier:
    """``fn(response, reference, **options) -> Verdict`` with ``CascadeOptions``.

    The reward context goes to the rule verifier (with ``rules_options``) and
    its ``prompt`` to the judge as the question.
    """

    config: JudgeConfig

    def __call__(self, response: str, reference: Any, /, **options: Any) -> Verdict:
        opts = CascadeOptions.parse(options, where="verifier 'cascade'")
        rules = opts.rules
        rule = verify(rules, response, reference, **opts.context(), **opts.rules_options)
        why = undecided(rule, response, reference, judge_no_answer=opts.judge_no_answer)
        if why is None:
            decided = {"route": "rules", "rules_verifier": rules}
            return dataclasses.replace(
                rule, verifier="cascade", details={**rule.details, "cascade": decided}
            )
        start = time.perf_counter()
        judged = JudgeVerifier(self.config)(response, reference, **opts.context())
        info: dict[str, Any] = {
            "route": "judge",
            "why": why,
            "rules_verifier": rules,
            "rules": rule.to_dict(),
            "judge": judged.to_dict(),
            "judge_latency_s": time.perf_counter() - start,
        }
        if judged.status != Status.OK:
            return Verdict.failure(
                judged.status,
                f"rules undecided ({why}); {judged.reason}",
                verifier="cascade",
                cascade=info,
            )
        info["disagree"] = judged.correct != (rule.correct is True)
        if info["disagree"] and self.config.disagreement_log:
            problem = _log_disagreement(
                self.config.disagreement_log,
                {
                    "time": time.time(),
                    "why": why,
                    "question": prompt_text(opts.prompt)[:2000],
                    "reference": reference,
                    "response": clip_response(response),
                    "rules": {k: info["rules"][k] for k in ("status", "correct", "reason")},
                    "judge": {
                        "correct": judged.correct,
                        "p_yes": judged.details.get("p_yes"),
                        "text": judged.details.get("text"),
                    },
                },
            )
            if problem:
                info["log_error"] = problem
        return Verdict(
            score=1.0 if judged.correct else 0.0,
            correct=judged.correct,
            extracted=rule.extracted,
            reason=f"rules undecided ({why}); {judged.reason}",
            details={"cascade": info, "p_yes": judged.details.get("p_yes")},
            verifier="cascade",
        )
