"""Importing ``verifiers`` next to PyPI's ``verifiers`` (prime-rl) fails with one message."""

from __future__ import annotations

from pathlib import Path

import pytest

from verifiers.distribution_guard import VerifiersNameClash, check_no_foreign_verifiers


def _fake_prime_verifiers(site: Path) -> None:
    info = site / "verifiers-0.1.9.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: verifiers\nVersion: 0.1.9\n")
    (info / "RECORD").write_text("verifiers/__init__.py,,\nverifiers-0.1.9.dist-info/METADATA,,\n")


def test_no_clash_in_this_environment() -> None:
    check_no_foreign_verifiers()


def test_prime_rl_verifiers_installed_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_prime_verifiers(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(VerifiersNameClash) as caught:
        check_no_foreign_verifiers()
    message = str(caught.value)
    assert "verifiers 0.1.9" in message and "prime-rl" in message
    assert "\n" not in message  # one line
