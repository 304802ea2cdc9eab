"""Languages: how a program is written into the jail, compiled once and run.

Adding a language is one entry here: a compile command run once per program
in the jail (with /box writable), a run command executed for every test and the
Debian packages of its toolchain (``sandbox build-image`` installs them; the
Dockerfile must name them too, a test checks it).
Python is special only in being run in-process by a pristine fork of the
runner (no interpreter start per test); its ``run`` is the equivalent command.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Language:
    """How to build and run programs of one language inside the jail."""

    name: str
    source_name: str
    run: tuple[str, ...]
    compile: tuple[str, ...] | None = None
    in_process: bool = False  # Python: the runner execs the code in a fresh fork
    fences: tuple[str, ...] = ()  # code-fence tags that name this language
    packages: tuple[str, ...] = ()  # Debian packages of its toolchain, for the docker image

    @property
    def supports_functions(self) -> bool:
        """Call-based and assert-style tests need the in-process Python runner."""
        return self.in_process


PYTHON = Language(
    name="python",
    source_name="main.py",
    run=("/usr/bin/python3", "-I", "-S", "/box/main.py"),
    in_process=True,
    fences=("python", "python3", "py", "py3"),
    packages=("python3",),
)
CPP = Language(
    name="cpp",
    source_name="main.cpp",
    compile=("/usr/bin/g++", "-O2", "-std=gnu++17", "-pipe", "-o", "/box/main", "/box/main.cpp"),
    run=("/box/main",),
    fences=("cpp", "c++", "cc", "cxx", "cpp17", "cpp20"),
    packages=("g++",),
)
LANGUAGES = {language.name: language for language in (PYTHON, CPP)}


def get_language(name: str) -> Language:
    """Find a language by name or fence tag (case-insensitive)."""
    key = name.strip().lower()
    for language in LANGUAGES.values():
        if key == language.name or key in language.fences:
            return language
    raise ValueError(f"unknown language {name!r}; known: {sorted(LANGUAGES)}")
