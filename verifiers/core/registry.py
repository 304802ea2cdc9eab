"""Named verifiers, each described by one record (``VerifierInfo``).

Every fact about a verifier lives in its record, declared beside the verifier:
the function, its options model, whether it judges only the final answer
(curation dedupes such jobs), what a worker preloads, the verl ``data_source``
values it claims, its rough cost. The registry, the runner's preload, curation,
the server's blocked options and the verl router read the records; nothing
else names a verifier.

Built-in records are imported by path on first lookup and their functions on
first use, so ``import verifiers`` stays cheap (no sympy, no sandbox) and a
worker pays only for the verifiers it runs. ``Registry`` is an object: a server
or a test builds its own (``default_registry.copy()``) without mutating the
process; the module-level functions act on ``default_registry``.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import importlib
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from verifiers.core.options import OptionsError, RewardContext, VerifierOptions
from verifiers.core.verdict import Status, UnreadableReference, Verdict

# The task verifier of callers that name none: the one place it is written. The library,
# curation's ScoreConfig/--task, the server's default_task setting, the in-process scorer,
# the cascade's rule verifier and rm-train's rules_verifier all import it.
DEFAULT_TASK = "math"


class VerifierFn(Protocol):
    def __call__(self, response: str, reference: Any, /, **options: Any) -> Verdict: ...


@dataclasses.dataclass(frozen=True)
class VerifierInfo:
    """Everything the rest of the toolkit may know about one verifier.

    - ``target``: ``"module:function"``, imported where the verifier runs.
    - ``options``: its options model (``None``: an untyped custom verifier whose
      options are passed through unchecked).
    - ``answer_only``: it judges only the final answer, so responses with the same
      extracted answer get the same verdict (curation verifies each answer once).
    - ``preload``: modules a worker imports up front (heavy imports paid once).
    - ``data_sources``: verl ``data_source`` values it claims, as case-insensitive
      ``fnmatch`` patterns (``*apps*``).
    - ``expected_cost_s``: rough seconds per item, for fair scheduling.
    - ``needs_reference``: it grades against a gold, so an item without one is the
      client's mistake (a 422 over HTTP) and a missing gold is a ``reference_error``.
    - ``answer_template``: how a bare answer is written as a response this verifier
      reads (``"\\boxed{{{answer}}}"``), for answer-only verifiers: curation checks
      that a gold matches itself and compares two answers (maj@k) with it.
    """

    name: str
    target: str
    options: type[VerifierOptions] | None = None
    answer_only: bool = False
    preload: tuple[str, ...] = ()
    data_sources: tuple[str, ...] = ()
    expected_cost_s: float = 0.01
    needs_reference: bool = False
    answer_template: str | None = None
    description: str = ""
    fn: VerifierFn | None = dataclasses.field(default=None, compare=False, repr=False)

    def as_response(self, answer: str) -> str | None:
        """``answer`` written as a response (None when the record has no template)."""
        return self.answer_template.format(answer=answer) if self.answer_template else None

    @property
    def operator_only(self) -> frozenset[str]:
        """Options only the server operator may set (declared on the options model)."""
        return self.options.operator_only if self.options is not None else frozenset()

    def claims(self, data_source: str) -> bool:
        """Whether verl's ``data_source`` value belongs to this verifier."""
        source = data_source.lower()
        return any(fnmatch.fnmatchcase(source, pattern.lower()) for pattern in self.data_sources)

    def check_options(self, options: Mapping[str, Any], *, where: str = "") -> None:
        """Raise ``OptionsError`` for an option this verifier does not know or a bad value."""
        if self.options is not None:
            self.options.parse(options, where=where or f"verifier {self.name!r}")

    def accepts(self, key: str) -> bool:
        """Whether ``key`` is an option of this verifier (untyped verifiers accept all)."""
        return self.options is None or key in self.options.model_fields


# name -> "module:ATTR" of the built-in records; each record module is light.
_BUILTIN_RECORDS: dict[str, str] = {
    "format": "verifiers.format:INFO",
    "math": "verifiers.math.options:INFO",
    "code": "verifiers.code_options:INFO",
    "language": "verifiers.language.options:INFO",
    "countdown": "verifiers.countdown:INFO",
    "knights_knaves": "verifiers.knights_knaves:INFO",
}


@functools.cache
def import_record(path: str) -> VerifierInfo:
    """The ``VerifierInfo`` at ``"module:ATTR"`` (a built-in's or a user's record)."""
    module_name, _, attr = path.partition(":")
    record = getattr(importlib.import_module(module_name), attr)
    if not isinstance(record, VerifierInfo):
        raise TypeError(f"{path} is not a VerifierInfo")
    return record


_import_record = import_record


def _import_function(info: VerifierInfo) -> VerifierFn:
    if info.fn is not None:
        return info.fn
    module_name, _, attr = info.target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise KeyError(
                f"verifier {info.name!r} is not installed in this build ({module_name} missing)"
            ) from exc
        raise
    fn: VerifierFn = getattr(module, attr)
    return fn


class Registry:
    """Verifier records by name; lookups import records and functions lazily."""

    def __init__(self, records: Mapping[str, str | VerifierInfo] | None = None) -> None:
        # A str value is the import path of a built-in record, resolved on first lookup.
        self._records: dict[str, str | VerifierInfo] = dict(records or {})
        self._functions: dict[str, VerifierFn] = {}
        # What was registered on top of the built-ins, so worker processes can be told.
        self._custom: dict[str, VerifierInfo] = {}
        self._lock = threading.Lock()

    @classmethod
    def builtin(cls) -> Registry:
        """A registry of the built-in verifiers only."""
        return cls(_BUILTIN_RECORDS)

    def copy(self) -> Registry:
        """An independent registry with the same records (a server's own, a test's)."""
        new = Registry(self._records)
        new._custom = dict(self._custom)
        return new

    # -- registering ----------------------------------------------------------------------

    def add(self, info: VerifierInfo) -> VerifierInfo:
        """Register ``info`` under ``info.name``, replacing any verifier of that name."""
        with self._lock:
            self._records[info.name] = info
            self._functions.pop(info.name, None)
            self._custom[info.name] = info
        return info

    def register(
        self, name: str, *, options: type[VerifierOptions] | None = None, **facts: Any
    ) -> Callable[[VerifierFn], VerifierFn]:
        """Decorator that makes ``fn`` callable as ``verify(name, ...)``.

        Registering a name twice replaces the old verifier (users override a
        built-in this way). ``options`` and ``facts`` fill the ``VerifierInfo``.
        """

        def decorate(fn: VerifierFn) -> VerifierFn:
            target = f"{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', '?')}"
            self.add(VerifierInfo(name=name, target=target, options=options, fn=fn, **facts))
            return fn

        return decorate

    def register_path(
        self,
        name: str,
        target: str,
        *,
        options: type[VerifierOptions] | None = None,
        **facts: Any,
    ) -> None:
        """Register a verifier by ``"module:function"`` path, imported on first use.

        This is how a user's verifier reaches worker processes: the path travels,
        the function is imported where it runs.
        """
        self.add(VerifierInfo(name=name, target=target, options=options, **facts))

    def custom_entries(self) -> dict[str, VerifierInfo]:
        """Registrations on top of the built-ins; the bounded runner replays them in workers.

        A decorated function travels by reference, so it must be importable
        (defined at module level); a path travels as text.
        """
        return dict(self._custom)

    def install(self, entries: Mapping[str, VerifierInfo]) -> None:
        """Replay ``custom_entries()`` of another process (a no-op for known entries)."""
        for name, info in entries.items():
            current = self._custom.get(name)
            if current is not None and current == info and current.fn is info.fn:
                continue
            self.add(info)

    # -- looking up -----------------------------------------------------------------------

    def available(self) -> list[str]:
        """Names that ``verify`` accepts."""
        return sorted(self._records)

    def info(self, name: str) -> VerifierInfo:
        """The record of ``name``; ``KeyError`` lists the valid names."""
        record = self._records.get(name)
        if record is None:
            raise KeyError(f"unknown verifier {name!r}; available: {', '.join(self.available())}")
        if isinstance(record, str):
            record = _import_record(record)
        return record

    def records(self) -> list[VerifierInfo]:
        """Every record, by name."""
        return [self.info(name) for name in self.available()]

    def get_verifier(self, name: str) -> VerifierFn:
        """The verifier function of ``name`` (imported on first use)."""
        fn = self._functions.get(name)
        if fn is None:
            fn = self._functions.setdefault(name, _import_function(self.info(name)))
        return fn

    def for_data_source(self, data_source: str | None) -> str | None:
        """The verifier that claims verl's ``data_source`` value, or None."""
        if not data_source:
            return None
        for info in self.records():
            if info.claims(data_source):
                return info.name
        return None

    def preload_modules(self) -> tuple[str, ...]:
        """Modules workers import up front: the core, then every record's ``preload``."""
        modules = ["verifiers"]
        for info in self.records():
            modules.extend(m for m in info.preload if m not in modules)
        return tuple(modules)

    def operator_only(self) -> frozenset[str]:
        """Options only the operator may set, over every verifier."""
        out: set[str] = set()
        for info in self.records():
            out |= info.operator_only
        return frozenset(out)

    def answer_only(self, name: str) -> bool:
        """Whether ``name`` judges only the final answer (False for unknown names)."""
        try:
            return self.info(name).answer_only
        except KeyError:
            return False

    # -- options --------------------------------------------------------------------------

    def check_options(self, name: str, options: Mapping[str, Any], *, where: str = "") -> None:
        """``OptionsError`` for options ``name`` does not accept; ``KeyError`` for a bad name."""
        self.info(name).check_options(options, where=where)

    def check_context(
        self, names: Iterable[str], context: Mapping[str, Any], *, where: str = "context"
    ) -> None:
        """``OptionsError`` for a context key that neither the shared context nor any of
        the verifiers ``names`` knows, or a value of the wrong type for one that does."""
        infos = [self.info(n) for n in names]
        if any(info.options is None for info in infos):
            return  # an untyped verifier takes anything
        known = set(RewardContext.model_fields)
        for info in infos:
            known |= set(info.options.model_fields) if info.options else set()
        unknown = sorted(set(context) - known)
        if unknown:
            raise OptionsError(
                f"{where}: unknown option {unknown[0]!r} (not an option of "
                f"{', '.join(sorted({i.name for i in infos}))}); valid options: "
                f"{', '.join(sorted(known))}"
            )
        for info in infos:
            info.check_options(
                {k: v for k, v in context.items() if info.accepts(k)},
                where=f"{where} (verifier {info.name!r})",
            )

    # -- running --------------------------------------------------------------------------

    def verify(self, name: str, response: str, reference: Any = None, **options: Any) -> Verdict:
        """Judge ``response`` against ``reference`` with the verifier called ``name``.

        Never raises on bad model output: a non-string response is a ``parse_error``
        and an exception inside the verifier becomes an ``error`` verdict whose
        reason holds the exception. It does raise for a configuration mistake: an
        unknown name (``KeyError``) or an option the verifier does not know
        (``OptionsError``).
        """
        info = self.info(name)
        info.check_options(options)
        fn = self.get_verifier(name)
        start = time.perf_counter()
        if not isinstance(response, str):
            verdict = Verdict.failure(
                Status.PARSE_ERROR, f"response must be a string, got {type(response).__name__}"
            )
        elif info.needs_reference and (
            reference is None or (isinstance(reference, str) and not reference.strip())
        ):  # the record says it grades against a gold: a missing one is the dataset's fault
            verdict = Verdict.failure(
                Status.REFERENCE_ERROR, f"no reference (gold) given; {name!r} grades against one"
            )
        else:
            try:
                verdict = fn(response, reference, **options)
            except UnreadableReference as exc:
                verdict = Verdict.failure(Status.REFERENCE_ERROR, str(exc)[:500])
            except MemoryError:
                verdict = Verdict.failure(Status.ERROR, "verifier ran out of memory")
            except OptionsError:
                raise
            except Exception as exc:  # a verifier bug must not crash the batch
                tail = traceback.format_exception_only(type(exc), exc)[-1].strip()
                verdict = Verdict.failure(Status.ERROR, f"verifier {name!r} raised: {tail}")
        return dataclasses.replace(
            verdict, verifier=verdict.verifier or name, elapsed_s=time.perf_counter() - start
        )


default_registry = Registry.builtin()

_WORKER_REGISTRIES: dict[tuple[tuple[str, VerifierInfo], ...], Registry] = {}


def registry_for(entries: Mapping[str, VerifierInfo]) -> Registry:
    """In a worker: the default registry plus ``entries`` (a caller's ``custom_entries``).

    Cached per distinct set of entries, so two callers with different registries
    sharing one worker pool never see each other's verifiers.
    """
    if not entries:
        return default_registry
    key = tuple(sorted(entries.items(), key=lambda kv: kv[0]))
    registry = _WORKER_REGISTRIES.get(key)
    if registry is None:
        registry = Registry.builtin()
        registry.install(entries)
        _WORKER_REGISTRIES[key] = registry
    return registry


def register(
    name: str, *, options: type[VerifierOptions] | None = None, **facts: Any
) -> Callable[[VerifierFn], VerifierFn]:
    """``default_registry.register``."""
    return default_registry.register(name, options=options, **facts)


def register_path(
    name: str, target: str, *, options: type[VerifierOptions] | None = None, **facts: Any
) -> None:
    """``default_registry.register_path``."""
    default_registry.register_path(name, target, options=options, **facts)


def custom_entries() -> dict[str, VerifierInfo]:
    return default_registry.custom_entries()


def install(entries: Mapping[str, VerifierInfo]) -> None:
    default_registry.install(entries)


def available() -> list[str]:
    return default_registry.available()


def get_verifier(name: str) -> VerifierFn:
    return default_registry.get_verifier(name)


def get_info(name: str) -> VerifierInfo:
    return default_registry.info(name)


def verify(name: str, response: str, reference: Any = None, **options: Any) -> Verdict:
    """``default_registry.verify``: judge ``response`` with the verifier called ``name``."""
    return default_registry.verify(name, response, reference, **options)


__all__ = [
    "DEFAULT_TASK",
    "OptionsError",
    "Registry",
    "VerifierFn",
    "VerifierInfo",
    "available",
    "custom_entries",
    "default_registry",
    "get_info",
    "get_verifier",
    "install",
    "register",
    "register_path",
    "registry_for",
    "verify",
]
