"""ServerSettings: defaults < YAML file < RLVR_* environment < explicit overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from server import cli
from server.settings import ServerSettings


def test_defaults_are_the_embedded_setup() -> None:
    s = ServerSettings.load()
    assert (s.default_spec, s.default_task) == ("r1_zero", "math")
    assert s.api_token is None
    assert "verifiers.math" in s.preload and "verifiers.language" in s.preload
    assert {"r1_zero", "r1", "logic_rl", "simplerl"} <= set(s.named_specs())


def test_precedence_file_then_env_then_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "server.yaml"
    config.write_text("port: 9001\ntimeout_s: 4\nmax_batch_items: 10\n")
    monkeypatch.setenv("RLVR_TIMEOUT_S", "7")
    monkeypatch.setenv("RLVR_API_TOKEN", "tok")
    s = ServerSettings.load(config, max_batch_items=None, workers=3)
    assert s.port == 9001  # from the file
    assert s.timeout_s == 7  # env beats the file
    assert s.max_batch_items == 10  # a None override does not mask the file
    assert s.workers == 3  # an explicit override beats everything
    assert s.api_token is not None and s.api_token.get_secret_value() == "tok"


def test_named_specs_from_the_file(tmp_path: Path) -> None:
    config = tmp_path / "server.yaml"
    config.write_text(
        "specs:\n"
        "  half_format:\n"
        "    components:\n"
        "      - {name: format, verifier: format, weight: 0.5}\n"
        "verifiers:\n"
        "  mine: tests.helpers.slow_verifiers:echo\n"
    )
    s = ServerSettings.load(config)
    assert s.named_specs()["half_format"].components[0].weight == 0.5
    assert s.verifiers == {"mine": "tests.helpers.slow_verifiers:echo"}


RECORD = "tests.server.verifiers_for_tests:ENDPOINT_ECHO"


def test_a_verifier_record_brings_its_typed_options_and_operator_only_keys() -> None:
    s = ServerSettings.load(verifier_records=[RECORD])
    assert "judge_url" in s.blocked_options and "time_s" in s.blocked_options
    assert "judge_url" not in ServerSettings.load().blocked_options
    assert ServerSettings.load(verifier_records=[RECORD], blocked_options=[]).blocked_options == []
    info = s.registry().info("t_endpoint")
    assert info.needs_reference and info.accepts("strict") and not info.accepts("strikt")
    spec = {"components": [{"name": "acc", "verifier": "t_endpoint", "options": {"strikt": 1}}]}
    with pytest.raises(ValidationError, match="unknown option 'strikt'"):
        ServerSettings.load(verifier_records=[RECORD], specs={"mine": spec})


def test_a_verifier_record_that_is_not_one_is_refused_at_load() -> None:
    with pytest.raises(ValidationError, match="not an importable VerifierInfo"):
        ServerSettings.load(verifier_records=["tests.server.verifiers_for_tests:endpoint_echo"])
    with pytest.raises(ValidationError, match="not an importable VerifierInfo"):
        ServerSettings.load(verifier_records=["no_such_module:INFO"])


@pytest.mark.parametrize(
    ("yaml_text", "field"),
    [
        ("max_batch_itms: 3\n", "max_batch_itms"),
        ("port: -1\n", "port"),
        ("specs:\n  bad: {components: []}\n", "specs"),
        ("specs:\n  r1: {components: [{name: a}]}\n", "specs"),
        ("default_spec: nope\n", "default_spec"),
    ],
    ids=[
        "misspelt_key_is_refused",
        "port_out_of_range",
        "spec_without_components",
        "spec_shadowing_a_preset",
        "default_spec_must_be_named",
    ],
)
def test_bad_config_names_the_field(tmp_path: Path, yaml_text: str, field: str) -> None:
    config = tmp_path / "server.yaml"
    config.write_text(yaml_text)
    with pytest.raises(ValidationError, match=field):
        ServerSettings.load(config)


@pytest.mark.parametrize(
    ("yaml_text", "says"),
    [
        ("timeout_s: 5\ndefualt_spec: r1\n", "defualt_spec: unknown key (valid: api_token,"),
        ("port: 70000\n", "port: Input should be less than or equal to 65535"),
        (
            "specs:\n  mine:\n    name: mine\n    components:\n      - {name: accuracy, "
            "verifier: math, "
            "options: {require_boxd: true}, scores: {correct: 1, wrong: 0, no_answer: 0}}\n",
            "specs.mine: invalid reward spec: component 'accuracy' (verifier 'math'): "
            "unknown option 'require_boxd'",
        ),
    ],
    ids=["misspelt_key", "bad_value", "misspelt_verifier_option_in_a_spec"],
)
def test_cli_says_a_config_mistake_in_one_line(tmp_path: Path, yaml_text: str, says: str) -> None:
    """Issue 14: the file, the key and what is wrong, in one line, exit 2, no traceback."""
    config = tmp_path / "server.yaml"
    config.write_text(yaml_text)
    result = CliRunner().invoke(cli.app, ["--config", str(config)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: server settings ({config}"), lines
    assert says in lines[0] and "Traceback" not in result.output


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.yaml"):
        ServerSettings.load(tmp_path / "nope.yaml")


def test_empty_token_means_auth_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RLVR_API_TOKEN", "")
    assert ServerSettings.load().api_token is None


def test_the_shipped_example_config_loads() -> None:
    example = Path(__file__).resolve().parents[2] / "server" / "config.example.yaml"
    s = ServerSettings.load(example)
    specs = s.named_specs()
    assert specs["r1_zero_boxed"].components[0].options == {"require_boxed": True}
    assert specs["accuracy_with_length_penalty"].length_penalty.enabled
