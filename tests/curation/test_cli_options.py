"""The ``curate`` options built from the config models: defaults and help written once.

A step command's flags are its options model's fields (``cli_options.Fields``), so
the defaults a recipe gets and the defaults the command line gets cannot drift;
these tests pin that, and that every flag still lands in the field it always set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from pydantic import BaseModel
from pydantic_core import PydanticUndefined
from typer.testing import CliRunner

from curation import cli as cli_module
from curation.cli import app
from curation.cli_options import ModelOption, model_options
from curation.config import FilterConfig, ScoreConfig
from curation.decontaminate import DecontaminationConfig
from curation.gen_tests.config import GenTestsConfig, InputSource
from curation.hackable import HackRule
from curation.rejection import RejectionConfig
from curation.step_table import STEPS, HackableOptions, StepInfo
from verifiers.analysis.quality import QualityConfig, QualityIssue
from verifiers.core.registry import DEFAULT_TASK

cli = CliRunner()

# Flags that share a name with a step option but deliberately mean something else.
CLI_OWN_MEANING = {
    # The command line keeps existing responses unless asked; a recipe's filter step
    # regenerates whenever it has a backend (FilterStepOptions.regenerate = None).
    ("filter", "regenerate"),
    # gen-tests' --seed is the model source's sampling seed (the Sampling group), not
    # GenTestsConfig.seed (mutations and generator runs), which keeps its default.
    ("gen-tests", "seed"),
}


def _commands() -> dict[str, tuple[Any, Any]]:
    """Each command's Python callback and the (Typer-vendored) click command built from it."""
    group: Any = typer.main.get_command(app)
    return {
        info.name: (info.callback, group.commands[info.name])
        for info in app.registered_commands
        if info.name is not None
    }


def _field_default(model: type[BaseModel], path: tuple[str, ...]) -> Any:
    value: Any = None
    for i, name in enumerate(path):
        field = model.model_fields[name] if i == 0 else type(value).model_fields[name]
        value = field.get_default(call_default_factory=True) if i == 0 else getattr(value, name)
    return value


def _comparable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple | list) else value


def _steps_with_commands() -> list[tuple[StepInfo, str]]:
    commands = _commands()
    out = [(s, s.name.replace("_", "-")) for s in STEPS.values()]
    return [(step, name) for step, name in out if name in commands]


def test_every_step_has_a_command() -> None:
    assert {s.name for s, _ in _steps_with_commands()} == set(STEPS)


@pytest.mark.parametrize("name", [name for _, name in _steps_with_commands()])
def test_step_options_on_the_command_line_have_the_step_model_defaults(name: str) -> None:
    step = STEPS[name.replace("-", "_")]
    callback, command = _commands()[name]
    params = {p.name: p for p in command.params}
    spread = model_options(callback)
    from_step = {
        param: option
        for param, option in spread.items()
        if issubclass(step.config, option.model) and option.model is not ScoreConfig
    }
    if step.config.model_fields:
        assert from_step, f"{name}: no option comes from {step.config.__name__}"
    for param, option in from_step.items():
        click_param = params[param]
        default = _field_default(step.config, option.path)
        if default is PydanticUndefined:
            assert click_param.required, (name, param)
            continue
        assert _comparable(click_param.default) == _comparable(default), (name, param)
        field_help = step.config.model_fields[option.path[0]].description
        if len(option.path) == 1:
            assert click_param.help == field_help, (name, param)
    # A flag declared by hand with a field's name would restate its default.
    mapped = {o.path[-1] for o in spread.values()}
    for field in step.config.model_fields:
        if field in params and field not in spread and field not in mapped:
            assert (name, field) in CLI_OWN_MEANING, f"{name} --{field} is declared by hand"


def test_every_spread_option_has_its_model_default() -> None:
    """Shared models too (ScoreConfig's --task, --timeout ... on every verifying command)."""
    checked = 0
    for name, (callback, command) in _commands().items():
        params = {p.name: p for p in command.params}
        for param, option in model_options(callback).items():
            default = _field_default(option.model, option.path)
            if params[param].required:
                continue
            assert _comparable(params[param].default) == _comparable(default), (name, param)
            checked += 1
    assert checked > 30
    assert {p.name: p.default for p in _commands()["score"][1].params}["task"] == DEFAULT_TASK


class _Captured(Exception):
    pass


def _capture(monkeypatch: pytest.MonkeyPatch, target: str) -> dict[str, Any]:
    """Replace ``curation.cli.<target>`` (a library command) by one that records its call."""
    seen: dict[str, Any] = {}
    owner: Any = cli_module if target == "gen_tests_command" else cli_module.commands

    def fake(*args: Any, **kwargs: Any) -> None:
        seen["args"], seen["kwargs"] = args, kwargs
        raise _Captured

    monkeypatch.setattr(owner, target, fake)
    return seen


def _call(monkeypatch: pytest.MonkeyPatch, target: str, *argv: str) -> dict[str, Any]:
    seen = _capture(monkeypatch, target)
    result = cli.invoke(app, [*argv, "in.jsonl", "-o", "out.jsonl", "--quiet"])
    assert isinstance(result.exception, _Captured), result.output
    return seen


def test_filter_flags_land_in_filter_config(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _call(
        monkeypatch,
        "filter_pass_rate",
        "filter",
        "--pass-at",
        "4",
        "--no-cot",
        "--min-pass-rate",
        "0.2",
        "--task",
        "countdown",
        "--timeout",
        "2",
        "--server",
        "http://127.0.0.1:1",
    )
    config, score, generation = seen["args"][2:5]
    assert config == FilterConfig(k=4, no_cot=True, min_pass_rate=0.2)
    assert score == ScoreConfig(task="countdown", timeout_s=2.0, server="http://127.0.0.1:1")
    assert generation is None and seen["kwargs"]["regenerate"] is False


def test_score_defaults_are_score_config_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _call(monkeypatch, "score_rollouts", "score")
    assert seen["args"][2] == ScoreConfig()


def test_rejection_flags_fill_the_nested_quality_model(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _call(
        monkeypatch,
        "rejection_sample",
        "rejection-sample",
        "-m",
        "2",
        "--check",
        "language_mixing",
        "--check",
        "code_block",
        "--min-language-ratio",
        "0.5",
        "--allow-code-blocks",
    )
    assert seen["args"][2] == RejectionConfig(
        max_per_prompt=2,
        checks=(QualityIssue.LANGUAGE_MIXING, QualityIssue.CODE_BLOCK),
        quality=QualityConfig(min_language_ratio=0.5, allow_code_blocks=True),
    )
    default = _call(monkeypatch, "rejection_sample", "rejection-sample")
    assert default["args"][2] == RejectionConfig()  # no --check: every predicate


def test_dedup_no_minhash_still_means_exact_only(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _call(monkeypatch, "dedup", "dedup", "--no-minhash", "--threshold", "0.6")
    assert seen["args"][2] == DecontaminationConfig(minhash=False, threshold=0.6)


def test_hackable_flags_land_in_hackable_options(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _call(monkeypatch, "hackable", "hackable", "--rule", "proof", "--check-verifier")
    kwargs = seen["kwargs"]
    assert (kwargs["rules"], kwargs["check_verifier"], kwargs["judge"]) == (["proof"], True, False)
    assert HackableOptions(rules=[HackRule.PROOF]).rules == [HackRule.PROOF]
    assert kwargs["score"] == ScoreConfig()


def test_gen_tests_flags_land_in_gen_tests_config(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _call(
        monkeypatch,
        "gen_tests_command",
        "gen-tests",
        "--source",
        "mutation",
        "--agree",
        "0.5",
        "--references-col",
        "refs",
    )
    assert seen["args"][2] == GenTestsConfig(
        sources=(InputSource.MUTATION,), agree_fraction=0.5, references_column="refs"
    )
    default = _call(monkeypatch, "gen_tests_command", "gen-tests")
    assert default["args"][2].sources == GenTestsConfig().sources


def test_a_bad_value_names_its_flag(tmp_path: Path) -> None:
    result = cli.invoke(app, ["curriculum", "in.jsonl", "-o", str(tmp_path / "o"), "--bins", "0"])
    assert result.exit_code == 2
    assert "--bins: Input should be greater than or equal to 1" in result.output


def test_model_option_records_the_field_path() -> None:
    options = model_options(_commands()["rejection-sample"][0])
    assert options["min_language_ratio"] == ModelOption(
        RejectionConfig, ("quality", "min_language_ratio"), "--min-language-ratio", False
    )
    assert options["check"].multiple and options["check"].path == ("checks",)
