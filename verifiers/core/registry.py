"""Named verifiers, looked up by the name a config or an HTTP request gives.

Built-in verifiers are registered by import path and imported on first use, so
``import verifiers`` stays cheap (no sympy, no sandbox) and a worker process
pays only for the verifiers it actually runs.
"""

from __future__ import annotations

import dataclasses
import importlib
import time
import traceback
from collections.abc import Callable
from typing import Any, Protocol

from verifiers.core.verdict import Status, Verdict


class VerifierFn(Protocol):
    def __call__(self, response: str, reference: Any, /, **options: Any) -> Verdict: ...


# name -> "module:function"; resolved lazily by ``get_verifier``.
_BUILTINS: dict[str, str] = {
    "format": "verifiers.format:verify",
    "math": "verifiers.math:verify",
    "code": "verifiers.code:verify",
    "language": "verifiers.language:verify",
    "countdown": "verifiers.countdown:verify",
    "knights_knaves": "verifiers.knights_knaves:verify",
}
_LOADED: dict[str, VerifierFn] = {}
# What users registered in this process, so worker processes can be told.
_CUSTOM: dict[str, str | VerifierFn] = {}


def register(name: str) -> Callable[[VerifierFn], VerifierFn]:
    """Decorator that makes ``fn`` callable as ``verify(name, ...)``.

    Registering a name twice replaces the old verifier: users override a
    built-in by registering their own under the same name.
    """

    def decorate(fn: VerifierFn) -> VerifierFn:
        _LOADED[name] = fn
        _CUSTOM[name] = fn
        return fn

    return decorate


def register_path(name: str, target: str) -> None:
    """Register a verifier by ``"module:function"`` path, imported on first use.

    This is how a user's verifier reaches worker processes: the path travels,
    the function is imported where it runs.
    """
    _BUILTINS[name] = target
    _LOADED.pop(name, None)
    _CUSTOM[name] = target


def custom_entries() -> dict[str, str | VerifierFn]:
    """User registrations of this process; the bounded runner replays them in workers.

    A decorated function travels by reference, so it must be importable
    (defined at module level); a path travels as text.
    """
    return dict(_CUSTOM)


def install(entries: dict[str, str | VerifierFn]) -> None:
    """Replay ``custom_entries()`` of another process (a no-op for known entries)."""
    for name, target in entries.items():
        if _CUSTOM.get(name) is target or _CUSTOM.get(name) == target:
            continue
        if isinstance(target, str):
            register_path(name, target)
        else:
            register(name)(target)


def available() -> list[str]:
    """Names that ``verify`` accepts."""
    return sorted(set(_BUILTINS) | set(_LOADED))


def get_verifier(name: str) -> VerifierFn:
    """The verifier registered as ``name``; raises ``KeyError`` listing the valid names."""
    if name in _LOADED:
        return _LOADED[name]
    if name not in _BUILTINS:
        raise KeyError(f"unknown verifier {name!r}; available: {', '.join(available())}")
    module_name, _, attr = _BUILTINS[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise KeyError(
                f"verifier {name!r} is not installed in this build ({module_name} missing)"
            ) from exc
        raise
    fn = getattr(module, attr)
    _LOADED.setdefault(name, fn)
    return _LOADED[name]


def verify(name: str, response: str, reference: Any = None, **options: Any) -> Verdict:
    """Judge ``response`` against ``reference`` with the verifier called ``name``.

    Never raises on bad model output: a non-string response is a ``parse_error``
    and an exception inside the verifier becomes an ``error`` verdict whose
    reason holds the exception. It does raise ``KeyError`` for an unknown name,
    which is a configuration mistake, not a property of the response.
    """
    fn = get_verifier(name)
    start = time.perf_counter()
    if not isinstance(response, str):
        verdict = Verdict.failure(
            Status.PARSE_ERROR, f"response must be a string, got {type(response).__name__}"
        )
    else:
        try:
            verdict = fn(response, reference, **options)
        except MemoryError:
            verdict = Verdict.failure(Status.ERROR, "verifier ran out of memory")
        except Exception as exc:  # a verifier bug must not crash the batch
            tail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            verdict = Verdict.failure(Status.ERROR, f"verifier {name!r} raised: {tail}")
    return dataclasses.replace(
        verdict, verifier=verdict.verifier or name, elapsed_s=time.perf_counter() - start
    )
