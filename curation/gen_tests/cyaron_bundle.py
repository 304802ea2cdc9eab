"""Make ``import cyaron`` work inside the jail, which sees no site-packages.

The jail runs the system interpreter with nothing of our virtualenv mounted
(that is the point of it), so a generator written with CYaRon carries the
library with it: the installed ``cyaron`` and ``xeger`` sources (read from this
environment at run time, not copied into the repository) travel compressed
in front of the generator and are imported from memory by a small finder.
"""

from __future__ import annotations

import base64
import functools
import importlib.util
import json
import zlib
from pathlib import Path

PACKAGES = ("cyaron", "xeger")

_FINDER = """
import base64 as _b64, json as _json, sys as _sys, zlib as _zlib
import importlib.abc as _abc, importlib.util as _util

_SOURCES = _json.loads(_zlib.decompress(_b64.b64decode({blob!r})))


class _MemoryFinder(_abc.MetaPathFinder, _abc.Loader):
    def find_spec(self, name, path=None, target=None):
        if name not in _SOURCES:
            return None
        is_package = _SOURCES[name][0]
        return _util.spec_from_loader(name, self, is_package=is_package)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        source = _SOURCES[module.__name__][1]
        exec(compile(source, "<bundled " + module.__name__ + ">", "exec"), module.__dict__)


_sys.meta_path.insert(0, _MemoryFinder())
"""


class CyaronMissing(RuntimeError):
    """CYaRon is not installed here (``pip install cyaron``)."""


@functools.lru_cache(maxsize=1)
def _blob() -> str:
    sources: dict[str, tuple[bool, str]] = {}
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise CyaronMissing(f"{package} is not installed; pip install cyaron")
        root = Path(next(iter(spec.submodule_search_locations)))
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root.parent).with_suffix("").parts
            if "tests" in parts:
                continue
            is_package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if is_package else parts)
            sources[name] = (is_package, path.read_text(encoding="utf-8"))
    packed = zlib.compress(json.dumps(sources).encode(), 9)
    return base64.b64encode(packed).decode()


def with_cyaron(program: str) -> str:
    """``program`` with CYaRon importable in the jail (unchanged if it does not use it)."""
    if "cyaron" not in program:
        return program
    return _FINDER.format(blob=_blob()) + "\n" + program
