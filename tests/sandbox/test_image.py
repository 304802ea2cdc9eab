"""The offline image recipe: the mirror comes from apt's configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.image import PACKAGES, ImageBuildError, Mirror, configured_mirror

DEB822 = """Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
"""


def test_deb822_sources(tmp_path: Path) -> None:
    (tmp_path / "debian.sources").write_text(DEB822)
    assert configured_mirror((tmp_path,)) == Mirror("http://mirror.example/debian", "bookworm")


def test_one_line_sources(tmp_path: Path) -> None:
    sources = tmp_path / "sources.list"
    sources.write_text("# comment\ndeb [arch=amd64] http://m.example/debian trixie main\n")
    assert configured_mirror((sources,)) == Mirror("http://m.example/debian", "trixie")


def test_no_mirror_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ImageBuildError):
        configured_mirror((tmp_path,))


def test_dockerfile_installs_the_same_packages() -> None:
    text = (Path(__file__).parents[2] / "sandbox" / "Dockerfile").read_text()
    assert {"python3", "g++", "bubblewrap"} <= set(PACKAGES)
    for package in PACKAGES:  # every language's toolchain, so a new language cannot miss one
        assert package in text.split(), package
