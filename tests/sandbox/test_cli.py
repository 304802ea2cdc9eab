"""The ``sandbox`` command line is a thin edge over the library."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sandbox.cli import app


def test_run_prints_the_report(tmp_path: Path, local_backend: object) -> None:
    program = tmp_path / "main.py"
    program.write_text("print(int(input()) + 1)\n")
    tests = tmp_path / "tests.json"
    tests.write_text(json.dumps({"inputs": ["1\n", "2\n"], "outputs": ["2", "4"]}))
    result = CliRunner().invoke(app, ["run", str(program), str(tests), "--backend", "local"])
    assert result.exit_code == 1  # not accepted: one test is wrong
    report = json.loads(result.stdout)
    assert [t["verdict"] for t in report["per_test"]] == ["passed", "wrong_answer"]


def test_dockerfile_is_printed() -> None:
    result = CliRunner().invoke(app, ["dockerfile"])
    assert result.exit_code == 0 and "bubblewrap" in result.stdout


def test_audit_prints_the_table() -> None:
    args = ["audit", "--backend", "local", "--only", "leak_memory", "--only", "seccomp_keyctl"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stdout
    assert "| leaks | leak_memory | yes |" in result.stdout
    assert "| syscalls | seccomp_keyctl | yes |" in result.stdout
    assert "syscalls: libseccomp filters" in result.stdout  # the enforcement report first
    assert "2/2 blocked" in result.stdout
