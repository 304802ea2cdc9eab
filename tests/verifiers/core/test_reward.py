"""The published reward presets, pinned to their numbers, and typed specs."""

from __future__ import annotations

import json

import pytest

from verifiers import (
    PRESETS,
    RewardSpec,
    Status,
    compute_group_rewards,
    compute_reward,
    load_spec,
    register_path,
)

register_path("exact", "tests.helpers.slow_verifiers:exact_answer")

RIGHT = "<think>think</think><answer>7</answer>"
WRONG = "<think>think</think><answer>8</answer>"
NO_ANSWER = "<think>think</think><answer>?</answer>"
BAD_FORMAT_RIGHT = "7"


@pytest.mark.parametrize(
    ("response", "total"),
    [
        pytest.param(RIGHT, 3.0, id="compliant_and_right_is_3"),
        pytest.param(WRONG, -0.5, id="compliant_and_wrong_is_minus_half"),
        pytest.param(NO_ANSWER, -1.0, id="compliant_no_answer_is_minus_1"),
        pytest.param(BAD_FORMAT_RIGHT, -3.0, id="format_violation_answer_not_graded"),
        pytest.param("<think>t</think>7", -3.0, id="answer_tags_required"),
    ],
)
def test_logic_rl(response: str, total: float) -> None:
    result = compute_reward("logic_rl", response, "7", task="exact")
    assert result.total == pytest.approx(total)
    assert result.total == pytest.approx(sum(result.components.values()))


@pytest.mark.parametrize(
    ("response", "total", "accuracy", "fmt"),
    [
        pytest.param("<think>t</think>7", 2.0, 1.0, 1.0, id="right_and_formatted"),
        pytest.param("<think>t</think>8", 1.0, 0.0, 1.0, id="wrong_but_formatted"),
        pytest.param("7", 1.0, 1.0, 0.0, id="right_but_unformatted"),
        pytest.param("<think>t", 0.0, 0.0, 0.0, id="truncated"),
    ],
)
def test_r1_zero(response: str, total: float, accuracy: float, fmt: float) -> None:
    result = compute_reward("r1_zero", response, "7", task="exact")
    assert result.total == pytest.approx(total)
    assert result.components == {"accuracy": accuracy, "format": fmt}


@pytest.mark.parametrize(
    ("response", "total"),
    [
        pytest.param(RIGHT, 1.0, id="right_is_1"),
        pytest.param(WRONG, -0.5, id="wrong_is_minus_half"),
        pytest.param(NO_ANSWER, -1.0, id="no_answer_is_minus_1"),
    ],
)
def test_simplerl(response: str, total: float) -> None:
    assert compute_reward("simplerl", response, "7", task="exact").total == pytest.approx(total)


def test_simplerl_asks_the_task_verifier_for_a_boxed_answer() -> None:
    (component,) = PRESETS["simplerl"].components
    assert component.options == {"require_boxed": True}


def test_r1_adds_language_consistency_to_r1_zero() -> None:
    names = [c.name for c in PRESETS["r1"].components]
    assert names == ["accuracy", "format", "language"]
    assert PRESETS["r1"].components[2].verifier == "language"


def test_failure_totals_are_the_no_answer_scores() -> None:
    assert PRESETS["logic_rl"].failure_total() == -3.0
    assert PRESETS["simplerl"].failure_total() == -1.0
    assert PRESETS["r1_zero"].failure_total() == 0.0


def test_verdicts_explain_the_reward() -> None:
    result = compute_reward("logic_rl", BAD_FORMAT_RIGHT, "7", task="exact")
    assert result.status == Status.FORMAT_ERROR
    assert "requires format" in result.verdicts["accuracy"].reason
    assert result.to_dict()["verdicts"]["format"]["status"] == "format_error"


def test_custom_spec_from_yaml(tmp_path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "name: mine\ncomponents:\n"
        "  - {name: accuracy, weight: 2.0, scores: {correct: 1, wrong: 0, no_answer: -1}}\n"
        "  - {name: format, verifier: format, weight: 0.5}\n"
    )
    spec = load_spec(path)
    assert compute_reward(spec, "<think>t</think>7", "7", task="exact").total == pytest.approx(2.5)
    assert compute_reward(spec, "<think>t</think>?", "7", task="exact").total == pytest.approx(-1.5)


def test_custom_spec_from_json(tmp_path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({"components": [{"name": "format", "verifier": "format"}]}))
    assert compute_reward(path, "<think>t</think>7").total == 1.0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"components": []}, "at least 1", id="no_components"),
        pytest.param(
            {"components": [{"name": "a"}, {"name": "a"}]}, "repeated", id="duplicate_names"
        ),
        pytest.param(
            {"components": [{"name": "a", "requires": ["b"]}]}, "unknown", id="unknown_requirement"
        ),
        pytest.param({"components": [{"name": "a", "wieght": 2}]}, "wieght", id="typo_field_named"),
        pytest.param(
            {"components": [{"name": "a", "scores": {"correct": 1}}]}, "wrong", id="missing_score"
        ),
    ],
)
def test_invalid_specs_say_what_is_wrong(data: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_spec(data)


def test_bad_yaml_file_names_the_file(tmp_path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("components: [\n")
    with pytest.raises(ValueError, match=r"broken\.yaml"):
        load_spec(path)


def test_unknown_preset() -> None:
    with pytest.raises(ValueError, match="r1_zero"):
        load_spec("r2")


def test_disabled_component_is_left_out() -> None:
    spec = PRESETS["r1_zero"].model_copy(
        update={
            "components": [
                PRESETS["r1_zero"].components[0].model_copy(update={"enabled": False}),
                PRESETS["r1_zero"].components[1],
            ]
        }
    )
    assert compute_reward(spec, "<think>t</think>7", "7", task="exact").components == {
        "format": 1.0
    }


def test_length_penalty_is_a_switchable_group_component() -> None:
    responses = [
        "<think>t</think>7",
        "<think>" + "t" * 20 + "</think>7",
        "<think>" + "t" * 40 + "</think>8",
    ]
    off = compute_group_rewards("r1_zero", responses, "7", task="exact")
    assert all("length_penalty" not in r.components for r in off)
    on = compute_group_rewards(
        PRESETS["r1_zero"].with_length_penalty(), responses, "7", task="exact", lengths=[10, 20, 30]
    )
    assert [r.components["length_penalty"] for r in on] == pytest.approx([0.5, 0.0, -0.5])
    assert [r.total for r in on] == pytest.approx([2.5, 2.0, 0.5])


def test_spec_round_trips_through_json() -> None:
    spec = PRESETS["logic_rl"]
    assert RewardSpec.model_validate_json(spec.model_dump_json()) == spec
