"""The packages' dependency rule, checked on every import statement (lazy ones included).

Data flows one way: ``sandbox`` depends on nothing of ours; ``verifiers`` may
use ``sandbox``; ``server``, ``curation`` and ``rm_training`` use both; nothing
imports ``server`` or ``curation`` except their own clients and CLIs, so
curation reaches the reward server only through ``server.clients``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("sandbox", "verifiers", "server", "curation", "rm_training")
FORBIDDEN = {
    "sandbox": {"verifiers", "server", "curation", "rm_training"},
    "verifiers": {"server", "curation", "rm_training"},
    "rm_training": {"server", "curation"},
    "server": {"curation", "rm_training"},
    "curation": {"rm_training"},
}
SERVER_CLIENTS = "server.clients."
"""The one part of ``server`` that curation may import: the server's own client."""


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every absolute import in ``path``; ``from a import b`` gives a.b."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def violations(package: str) -> list[str]:
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in imported_modules(path):
            top = module.split(".")[0]
            if package == "curation" and top == "server":
                if not module.startswith(SERVER_CLIENTS):
                    out.append(f"{path.relative_to(ROOT)}:{line}: {module} (only server.clients)")
            elif top in FORBIDDEN[package]:
                out.append(f"{path.relative_to(ROOT)}:{line}: {module}")
    return out


@pytest.mark.parametrize("package", OURS)
def test_package_imports_follow_the_data_flow(package: str) -> None:
    assert (ROOT / package / "__init__.py").is_file()
    assert violations(package) == []


def test_the_checker_sees_lazy_and_from_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import curation.io\n"
        "def f():\n"
        "    from server.clients import http\n"
        "    from server import app\n"
        "    from . import sibling\n"
    )
    assert imported_modules(module) == [
        (1, "curation.io"),
        (3, "server.clients.http"),
        (4, "server.app"),
    ]
