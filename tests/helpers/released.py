"""Trainers' own released code, loaded for tests without installing the trainer.

CI downloads the released packages (the ``pip download`` lines of ``.ci/run``)
and points these variables at them: ``RLVR_OPENRLHF_SRC`` (the OpenRLHF wheel),
``RLVR_VERL_SRC`` (the verl wheel or an unpacked directory), ``RLVR_TRAINER_DEPS``
(a ``pip install --target`` directory with the few pure-Python imports they need
beyond our venv), ``RLVR_AREAL_SRC`` (the ``areal`` wheel or directory) and
``RLVR_SLIME_SRC`` (a directory holding ``slime/``: slime is not on PyPI and CI
has no checkout). A test whose source is absent is skipped.
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest


def source_root(env: str, package: str, unpack_into: Path) -> Path | None:
    """The directory that holds ``package/`` from ``$env`` (a wheel is unpacked first)."""
    value = os.environ.get(env)
    if not value:
        return None
    path = Path(value)
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as archive:
            archive.extractall(unpack_into)
        path = unpack_into
    found = sorted(path.glob(f"**/{package}/__init__.py"), key=lambda p: len(p.parts))
    return found[0].parents[1] if found else None


def on_path(monkeypatch: pytest.MonkeyPatch, env: str, package: str, tmp: Path) -> Path:
    """Put ``package``'s released sources (and the deps directory) on ``sys.path``, or skip."""
    root = source_root(env, package, tmp)
    if root is None:
        pytest.skip(f"{package} sources not given (set {env}; see .ci/run)")
    deps = os.environ.get("RLVR_TRAINER_DEPS")
    for entry in [str(root), *([deps] if deps else [])]:
        monkeypatch.syspath_prepend(entry)
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        monkeypatch.delitem(sys.modules, name)
    return root
