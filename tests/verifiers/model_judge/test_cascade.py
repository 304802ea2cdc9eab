"""The judge and cascade verifiers against a real tiny model endpoint and failing stubs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.verifiers.model_judge.endpoints import Endpoint, serve_app, stub_app
from verifiers import Status, verify
from verifiers.core.options import OptionsError
from verifiers.model_judge import (
    CascadeVerifier,
    JudgeConfig,
    JudgeRefused,
    JudgeVerifier,
    check_judge,
    is_free_form,
    undecided,
)
from verifiers.model_judge.client import read_choices

INTERVAL = "Hence the answer is (-\\infty, 2)."  # the rules find no answer statement
CLOSED = "http://127.0.0.1:9/v1"  # nothing listens: any call to the judge would fail


@pytest.mark.parametrize(
    ("response", "reference", "why"),
    [
        ("The answer is \\boxed{4}.", "4", None),
        ("The answer is \\boxed{5}.", "4", None),
        ("<think>so the answer is 4", "4", None),
        (":", "4", None),
        ("Thought process:", "4", None),
        ("Hence the answer is (-\\infty, 2).", "(-\\infty, 2)", "no_answer with a final answer"),
        ("\\boxed{the largest mammal}", "The blue whale is the largest", "free-form gold"),
    ],
    ids=["right", "wrong", "truncated_thought", "content_free_colon", "content_free_words",
         "statement_interval",
         "free_form_gold"],
)  # fmt: skip
def test_which_rule_verdicts_go_to_the_judge(response: str, reference: str, why: str) -> None:
    assert undecided(verify("math", response, reference), response, reference) == why


@pytest.mark.parametrize(
    ("reference", "free"),
    [("42", False), ("\\frac{\\sqrt{3}}{2}", False), ("\\text{blue whale}", False),
     ("It doubles every year", True), ("光合作用产生氧气", True)],
)  # fmt: skip
def test_free_form_gold(reference: str, free: bool) -> None:
    assert is_free_form(reference) is free


def test_rule_decided_items_never_call_the_judge() -> None:
    cascade = CascadeVerifier(JudgeConfig(base_url=CLOSED, model="m", timeout_s=0.5))
    for response, correct in (("\\boxed{4}", True), ("\\boxed{5}", False)):
        verdict = cascade(response, "4")
        assert verdict.status == Status.OK and verdict.correct is correct
        assert verdict.details["cascade"]["route"] == "rules"


@pytest.mark.parametrize(
    "gold", [{"a": 1}, [1, 2], "   ", None], ids=["dict", "list", "blank", "none"]
)
def test_a_gold_the_judge_cannot_read_is_a_reference_error(gold: object) -> None:
    """The dataset's fault: a reference_error, and the (closed) endpoint is never asked."""
    judge = JudgeVerifier(JudgeConfig(base_url=CLOSED, model="m", timeout_s=0.5))
    verdict = judge("The answer is 4.", gold, prompt="Q?")
    assert verdict.status is Status.REFERENCE_ERROR and verdict.correct is None
    cascade = CascadeVerifier(JudgeConfig(base_url=CLOSED, model="m", timeout_s=0.5))
    assert cascade("\\boxed{4}", gold, prompt="Q?").status is Status.REFERENCE_ERROR


@pytest.mark.parametrize(
    ("options", "message"),
    [({"rules": "cascade"}, "rule verifier"), ({"rules": "nope"}, "unknown verifier"),
     ({"rules_options": {"require_boxd": True}}, "require_boxd"), ({"base_url": "x"}, "base_url")],
    ids=["model_as_rules", "unknown_rules", "misspelt_rule_option", "endpoint_is_not_an_option"],
)  # fmt: skip
def test_cascade_options_are_checked(options: dict, message: str) -> None:
    cascade = CascadeVerifier(JudgeConfig(base_url=CLOSED, model="m"))
    with pytest.raises(OptionsError, match=message):
        cascade("x", "4", **options)


def test_rule_options_reach_the_rule_verifier() -> None:
    cascade = CascadeVerifier(JudgeConfig(base_url=CLOSED, model="m", timeout_s=0.5))
    plain = cascade("The answer is 4.", "4")
    boxed_only = cascade(
        "The answer is 4.", "4", rules_options={"require_boxed": True}, judge_no_answer=False
    )
    assert plain.correct is True
    assert boxed_only.status == Status.NO_ANSWER
    assert boxed_only.details["cascade"]["route"] == "rules"


def test_vllm_style_logprobs_give_p_yes() -> None:
    choice = {
        "message": {"content": "ok\nVerdict: Yes"},
        "logprobs": {"content": [
            {"token": "Ver", "logprob": 0.0}, {"token": "dict", "logprob": 0.0},
            {"token": ":", "logprob": 0.0},
            {"token": " Yes", "logprob": -0.2231,
             "top_logprobs": [{"token": " Yes", "logprob": -0.2231},
                              {"token": " No", "logprob": -1.6094}]},
        ]},
    }  # fmt: skip
    p_yes, method, votes = read_choices([choice], want_logprobs=True)
    assert method == "logprobs" and votes == [True]
    assert p_yes == pytest.approx(0.8, abs=1e-3)


def test_without_logprobs_the_score_is_the_vote_over_samples() -> None:
    choices = [{"message": {"content": f"c\nVerdict: {v}"}} for v in ("Yes", "No", "Yes", "Yes")]
    p_yes, method, _ = read_choices(choices, want_logprobs=True)
    assert (p_yes, method) == (0.75, "vote")


def test_real_tiny_judge_answers_with_its_text(tiny_endpoint: Endpoint) -> None:
    cfg = JudgeConfig(base_url=tiny_endpoint.url, model="tiny-judge", max_tokens=8, samples=2,
                      timeout_s=120)  # fmt: skip
    verdict = JudgeVerifier(cfg)("The answer is 7 or 8.", "7", prompt="What is 3+4?")
    assert verdict.status == Status.OK, verdict.reason
    assert 0.0 <= verdict.score <= 1.0
    assert verdict.details["method"] == "logprobs"
    assert "Verdict:" in verdict.details["text"]
    assert "What is 3+4?" in tiny_endpoint.requests[-1]["messages"][1]["content"]


def test_undecided_item_reaches_the_real_judge_and_disagreement_is_logged(
    tiny_endpoint: Endpoint, tmp_path: Path
) -> None:
    log = tmp_path / "disagree.jsonl"
    cfg = JudgeConfig(base_url=tiny_endpoint.url, model="tiny-judge", max_tokens=8, timeout_s=120,
                      threshold=0.01, disagreement_log=str(log))  # fmt: skip
    before = len(tiny_endpoint.requests)
    verdict = CascadeVerifier(cfg)(INTERVAL, "(-\\infty, 2)", prompt="Solve x < 2.")
    assert len(tiny_endpoint.requests) == before + 1
    info = verdict.details["cascade"]
    assert info["route"] == "judge" and info["why"] == "no_answer with a final answer"
    assert info["rules"]["status"] == "no_answer" and info["judge"]["status"] == "ok"
    # threshold 0.01: the judge accepts, the rules did not, so it is a logged disagreement
    assert verdict.correct is True and info["disagree"] is True
    record = json.loads(log.read_text().splitlines()[-1])
    assert record["rules"]["status"] == "no_answer" and record["response"] == INTERVAL
    assert record["judge"]["correct"] is True


@pytest.mark.parametrize(("kind", "status"), [("hang", Status.TIMEOUT), ("error", Status.ERROR)])
def test_failing_judge_is_a_verdict_with_a_reason(kind: str, status: Status) -> None:
    with serve_app(stub_app(kind)) as endpoint:
        cfg = JudgeConfig(base_url=endpoint.url, model="stub", timeout_s=1.0)
        verdict = CascadeVerifier(cfg)(INTERVAL, "(-\\infty, 2)")
    assert verdict.status == status
    assert "rules undecided (no_answer with a final answer)" in verdict.reason
    assert verdict.details["cascade"]["rules"]["status"] == "no_answer"


def test_master_key_gate_refuses_a_yes_man_and_accepts_a_careful_judge() -> None:
    with serve_app(stub_app("yes")) as endpoint:
        cfg = JudgeConfig(base_url=endpoint.url, model="yes-man")
        with pytest.raises(JudgeRefused, match=r"master-key FPR 1\.000"):
            check_judge(cfg)
        report = check_judge(cfg.model_copy(update={"allow_unsafe": True}))
        assert not report.passed and report.fpr == 1.0
    with serve_app(stub_app("no")) as endpoint:
        report = check_judge(JudgeConfig(base_url=endpoint.url, model="careful"))
        assert report.passed and report.fpr == 0.0 and report.n >= 200


def test_unreachable_judge_fails_the_gate() -> None:
    with pytest.raises(JudgeRefused, match="unanswered"):
        check_judge(JudgeConfig(base_url=CLOSED, model="gone", timeout_s=0.5))
