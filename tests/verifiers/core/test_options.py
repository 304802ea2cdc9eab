"""Typed options, verifier records, the accuracy role and the one group-penalty path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifiers import (
    ACCURACY,
    OptionsError,
    Registry,
    RewardSpec,
    VerifierInfo,
    apply_group_penalties,
    compute_reward,
    default_registry,
    load_spec,
    verify,
)
from verifiers.core.options import RewardContext, VerifierOptions
from verifiers.core.reward import check_item
from verifiers.math.options import MathOptions

SIMPLERL_TYPO = {
    "name": "simplerl_typo",
    "components": [
        {
            "name": "accuracy",
            "role": "accuracy",
            "scores": {"correct": 1.0, "wrong": -0.5, "no_answer": -1.0},
            "options": {"require_boxd": True},
        }
    ],
}


def test_simplerl_unboxed_answer_scores_minus_one() -> None:
    # The wrong result the typed options fix: SimpleRL wants -1.0 for an unboxed answer.
    assert compute_reward("simplerl", "<think>2+2</think> The answer is 4", "4").total == -1.0
    assert compute_reward("simplerl", "<think>2+2</think> \\boxed{4}", "4").total == 1.0


def test_misspelt_option_fails_at_load_from_a_dict() -> None:
    with pytest.raises(ValueError, match="require_boxd") as err:
        load_spec(SIMPLERL_TYPO)
    message = str(err.value)
    assert "component 'accuracy'" in message and "require_boxed" in message


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_misspelt_option_fails_at_load_from_a_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"spec{suffix}"
    path.write_text(json.dumps(SIMPLERL_TYPO))  # JSON is valid YAML too
    with pytest.raises(ValueError, match=r"(?s)spec\.(yaml|json).*unknown option 'require_boxd'"):
        load_spec(path)


def test_concrete_verifier_option_checked_strictly() -> None:
    bad = {"components": [{"name": "f", "verifier": "format", "options": {"require_boxed": 1}}]}
    with pytest.raises(ValueError, match=r"component 'f' \(verifier 'format'\).*require_boxed"):
        load_spec(bad)
    wrong_type = {"components": [{"name": "l", "verifier": "language", "options": {"scope": 3}}]}
    with pytest.raises(ValueError, match="scope"):
        load_spec(wrong_type)


def test_task_term_checked_once_the_task_is_known() -> None:
    # use_all is a countdown option: fine for some verifier at load, wrong for math.
    spec = load_spec({"components": [{"name": "accuracy", "options": {"use_all": False}}]})
    check_item(spec, "countdown", {})
    with pytest.raises(OptionsError, match=r"verifier 'math'.*use_all.*require_boxed"):
        check_item(spec, "math", {})
    with pytest.raises(OptionsError, match="use_all"):
        compute_reward(spec, "\\boxed{4}", "4", task="math")


def test_context_keys_reach_only_the_verifiers_that_accept_them() -> None:
    # require_boxed is a math option: the format term never sees it.
    result = compute_reward("r1_zero", "<think>x</think> 4", "4", require_boxed=True)
    assert result.components == {"accuracy": 0.0, "format": 1.0}
    with pytest.raises(OptionsError, match="unknown option 'require_boxd'"):
        compute_reward("r1_zero", "<think>x</think> 4", "4", require_boxd=True)


def test_direct_calls_refuse_unknown_options() -> None:
    with pytest.raises(OptionsError, match=r"valid options: .*require_boxed"):
        verify("math", "\\boxed{4}", "4", require_boxd=True)
    assert MathOptions.parse({"prefilled_think": True}).prefilled_think is True


def test_every_builtin_options_model_extends_the_reward_context() -> None:
    for info in Registry.builtin().records():  # not what other tests registered
        assert info.options is not None and issubclass(info.options, RewardContext), info.name
        assert info.options.model_config.get("extra") == "forbid"
        assert info.options.model_config.get("frozen") is True


def test_operator_only_options_are_declared_on_the_models() -> None:
    blocked = default_registry.operator_only()
    assert {"backend", "limits", "time_s", "memory_mb"} <= blocked
    from server.settings import ServerSettings

    assert set(ServerSettings().blocked_options) == blocked


def test_records_hold_the_facts() -> None:
    assert default_registry.answer_only("math") and not default_registry.answer_only("code")
    assert default_registry.for_data_source("codeparrot/apps") == "code"
    assert default_registry.for_data_source("Jiayi-Pan/Countdown-Tasks-3to4") == "countdown"
    assert default_registry.for_data_source("K-and-K/knights-and-knaves") == "knights_knaves"
    assert default_registry.for_data_source("openai/gsm8k") is None  # the default task's
    assert "sympy" in default_registry.preload_modules()
    assert all(info.expected_cost_s > 0 for info in default_registry.records())


class _EchoOptions(VerifierOptions):
    suffix: str = ""


def echo(response: str, reference: object = None, **options: object) -> object:
    from verifiers import Verdict

    opts = _EchoOptions.parse(options)
    ok = response.endswith(str(reference) + opts.suffix)
    return Verdict(score=float(ok), correct=ok)


def test_own_registry_does_not_touch_the_process() -> None:
    mine = default_registry.copy()
    mine.add(VerifierInfo("seams_echo", f"{__name__}:echo", options=_EchoOptions))
    assert "seams_echo" in mine.available()
    assert "seams_echo" not in default_registry.available()
    assert mine.verify("seams_echo", "a!", "a", suffix="!").correct is True
    with pytest.raises(OptionsError, match="unknown option 'sufix'"):
        mine.verify("seams_echo", "a!", "a", sufix="!")
    builtin = Registry.builtin().available()
    assert "seams_echo" not in builtin  # a superset check: a new built-in edits no test here
    assert {"code", "countdown", "format", "knights_knaves", "language", "math"} <= set(builtin)


def test_accuracy_is_a_role_not_a_name() -> None:
    spec = RewardSpec.model_validate(
        {
            "components": [
                {"name": "answer", "role": ACCURACY},
                {"name": "format", "verifier": "format"},
            ],
            "length_penalty": {"enabled": True},
        }
    )
    assert spec.accuracy is not None and spec.accuracy.name == "answer"
    right = compute_reward(spec, "<think>x</think> \\boxed{4}", "4")
    assert right.correct is True and right.accuracy == "answer"
    wrong = compute_reward(spec, "<think>xxxxxxxxxxxx</think> \\boxed{5}", "4")
    out = apply_group_penalties(
        [0, 1],
        [right, wrong],
        spec_of=lambda _: spec,
        group_of=lambda _: "g",
        length_of=lambda i: [10, 30][i],
    )
    # The correctness of the length penalty reads the role: short right +0.5, long wrong -0.5.
    assert [r.components["length_penalty"] for r in out] == [0.5, -0.5]


def test_two_components_may_not_share_a_role() -> None:
    with pytest.raises(ValueError, match="one component per role"):
        RewardSpec.model_validate(
            {"components": [{"name": "a", "role": ACCURACY}, {"name": "b", "role": ACCURACY}]}
        )
