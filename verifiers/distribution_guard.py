"""Refuse to run beside PyPI's ``verifiers`` (prime-rl's library), which owns the same package.

Both distributions install a top-level ``verifiers/`` package: installing one
over the other silently overwrites files, and uninstalling either breaks the
other. Mixed files give wrong rewards without an error, so importing
``verifiers`` imports this module first, which checks once (at its own import)
and fails with what to do.
"""

from __future__ import annotations

from importlib import metadata

OUR_DISTRIBUTION = "rlvr-kit"
FOREIGN_DISTRIBUTION = "verifiers"


class VerifiersNameClash(ImportError):
    """Another distribution owns the ``verifiers`` package in this environment."""


def foreign_owner() -> str | None:
    """``name version`` of a distribution other than ours that installs ``verifiers/``."""
    try:
        dist = metadata.distribution(FOREIGN_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
    files = dist.files or []
    if any(f.parts and f.parts[0] == "verifiers" for f in files) or not files:
        return f"{dist.metadata['Name']} {dist.version}"
    return None


def check_no_foreign_verifiers() -> None:
    """Raise ``VerifiersNameClash`` when PyPI's ``verifiers`` is installed next to us."""
    owner = foreign_owner()
    if owner is not None:
        raise VerifiersNameClash(
            f"the 'verifiers' package here is claimed by two distributions: {OUR_DISTRIBUTION} "
            f"and {owner} (prime-rl's library); they overwrite each other's files. Use separate "
            f"virtual environments (run prime-rl's 'verifiers' in its own, and talk to this "
            f"kit's reward server over HTTP), or 'pip uninstall verifiers {OUR_DISTRIBUTION}' "
            f"and reinstall the one you need."
        )


check_no_foreign_verifiers()
