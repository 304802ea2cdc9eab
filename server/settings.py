"""Typed server configuration: defaults < YAML file (``--config``) < ``RLVR_*`` env < CLI flags.

The defaults are the embedded, nothing-external set-up: the math, format and
language verifiers run in a local pool of worker processes and a request's
items get the ``r1_zero`` preset unless they name another spec. Every knob
that bounds resource use (body size, batch size, queue length, per-item time)
has a safe default, because a reward server that accepts unbounded work is
the first thing an RL job at scale knocks over.
"""

from __future__ import annotations

import contextvars
import json
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from verifiers.core.registry import DEFAULT_TASK, Registry, default_registry, import_record
from verifiers.core.spec import PRESETS, RewardSpec, load_spec
from verifiers.model_judge.config import JudgeConfig
from verifiers.model_judge.registration import register_judge

# The YAML file of the settings being built; a context variable so that two
# apps with different files (tests) never see each other's file.
_CONFIG_FILE: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "rlvr_server_config", default=None
)


def default_blocked_options() -> list[str]:
    """Options every verifier record declares operator-only (the sandbox backend, limits)."""
    return sorted(default_registry.operator_only())


def default_preload() -> list[str]:
    """Modules the verifier records ask workers to import up front."""
    return list(default_registry.preload_modules())


DEFAULT_STRIP_TOKENS = (
    "<|im_end|>",
    "<|endoftext|>",
    "<|eot_id|>",
    "<|end_of_text|>",
    "</s>",
    "<｜end▁of▁sentence｜>",
    "<end_of_turn>",
    "<eos>",
    "<|end|>",
    "<|return|>",
)


class ServerSettings(BaseSettings):
    """Everything the reward server can be told; each field is also ``RLVR_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="RLVR_", extra="forbid", frozen=True)

    host: str = Field("127.0.0.1", description="interface to bind (0.0.0.0 in containers)")
    port: int = Field(
        8100,
        ge=0,
        le=65535,
        description="TCP port (0 picks a free one); 8100, not vLLM's 8000, so both run on a host",
    )
    workers: int | None = Field(
        None,
        ge=1,
        description="verification worker processes (default: one per CPU core); the HTTP "
        "side is one async process, scale it out with replicas behind a load balancer",
    )
    http_workers: int = Field(
        1,
        ge=1,
        description="HTTP server processes (uvicorn workers) on the one port, each with its "
        "own pool of `workers` verification processes; raise it when many small requests "
        "(one sample each, as OpenRLHF and slime send) keep one event loop busy",
    )
    memory_mb: int | None = Field(4096, ge=64, description="address-space cap per worker process")
    max_tasks_per_worker: int = Field(
        2000, ge=1, description="recycle a worker after this many jobs"
    )
    preload: list[str] = Field(
        default_factory=default_preload,
        description="modules imported once in the fork server so workers start warm "
        "(default: what the verifier records ask for; a module that is not installed is "
        "skipped)",
    )
    timeout_s: float = Field(10.0, gt=0, description="default hard time limit per item")
    max_timeout_s: float = Field(60.0, gt=0, description="largest per-item limit a request may ask")
    default_spec: str = Field("r1_zero", description="spec of items that name none")
    default_task: str = Field(DEFAULT_TASK, description="task verifier of items that name none")
    specs: dict[str, Any] = Field(
        default_factory=dict,
        description="extra named specs (name -> inline spec or a .yaml/.json path) that "
        "requests may select by name besides the presets",
    )
    verifiers: dict[str, str] = Field(
        default_factory=dict,
        description="extra verifiers to register: name -> 'module:function' (untyped: "
        "their options are passed through unchecked; see verifier_records)",
    )
    verifier_records: list[str] = Field(
        default_factory=list,
        description="extra verifiers as their records, 'module:ATTR' naming a VerifierInfo "
        "(e.g. a model judge): options typed and checked at load, their operator-only "
        "options (an endpoint) blocked in requests, needs_reference, data_sources",
    )
    blocked_options: list[str] = Field(
        default_factory=default_blocked_options,
        description="verifier options a request may not set (in an item's context or an "
        "inline spec); default: every option this server's verifiers (built-ins and "
        "verifier_records) declare operator-only (the sandbox backend and resource limits, "
        "a judge's endpoint), set them in the server's named specs",
    )
    max_body_bytes: int = Field(16 * 1024 * 1024, ge=1024, description="413 above this body size")
    max_batch_items: int = Field(4096, ge=1, description="413 above this many items per request")
    max_pending_items: int = Field(
        8192,
        ge=1,
        description="items admitted but not finished, over all requests; beyond it requests "
        "get 429 with Retry-After instead of growing memory without bound",
    )
    retry_after_s: int = Field(1, ge=1, description="Retry-After seconds sent with 429")
    cache_size: int = Field(
        100_000, ge=0, description="verdicts kept by content hash (0 turns the cache off)"
    )
    api_token: SecretStr | None = Field(
        None,
        description="when set, every route except /healthz and /readyz needs this bearer token",
    )
    strip_tokens: list[str] = Field(
        default_factory=lambda: list(DEFAULT_STRIP_TOKENS),
        description="special tokens removed from the end of OpenRLHF queries",
    )
    graceful_timeout_s: float = Field(
        30.0, gt=0, description="on SIGTERM, how long in-flight requests may take to finish"
    )
    keep_alive_s: float = Field(
        75.0,
        gt=0,
        description="how long an idle keep-alive connection stays open; longer than the "
        "idle timeout of clients and load balancers (60 s is common), so the server never "
        "closes a connection a client is about to reuse (that race reads as 'server "
        "disconnected' to the client)",
    )
    reap_interval_s: float = Field(
        30.0,
        ge=0,
        description="how often the sandbox containers of dead verification workers are "
        "removed (a worker killed at a time limit cannot remove its own); 0 = only at shutdown",
    )
    log_level: str = Field("info", description="uvicorn log level")
    # -- fairness, deadlines and readiness (issue 17) --
    request_deadline_s: float | None = Field(
        300.0,
        gt=0,
        description="a request's items that cannot start within this many seconds of its "
        "arrival answer 'timeout' (queued past the deadline), and none runs past it; a "
        "request may ask for less with deadline_s; null: no deadline",
    )
    max_queue_s: float = Field(
        120.0,
        gt=0,
        description="admission by expected work: refuse (429) a request whose items would "
        "make the queue's expected work exceed this many seconds per worker",
    )
    start_timeout_s: float = Field(
        20.0, gt=0, description="bound on starting a verification worker (forkserver included)"
    )
    canary_timeout_s: float = Field(
        5.0, gt=0, description="/readyz runs a trivial job when idle; 503 when it takes longer"
    )
    header_timeout_s: float = Field(
        10.0, gt=0, description="close a connection whose request headers take longer"
    )
    body_timeout_s: float = Field(
        30.0, gt=0, description="408 for a request body that takes longer to arrive"
    )
    max_slow_bodies: int = Field(
        64, ge=1, description="request bodies being received or parsed at once; more get 503"
    )
    judge: JudgeConfig | None = Field(
        None,
        description="the model judge behind the `judge` and `cascade` verifiers (endpoint, "
        "model, timeouts, master-key FPR bound, disagreement log); operator-only: requests "
        "cannot name an endpoint. Unset: neither verifier exists on this server",
    )

    @field_validator("api_token")
    @classmethod
    def _empty_token_is_none(cls, token: SecretStr | None) -> SecretStr | None:
        return token if token is not None and token.get_secret_value() else None

    @field_validator("specs")
    @classmethod
    def _spec_names(cls, specs: dict[str, Any]) -> dict[str, Any]:
        for name in specs:
            if name in PRESETS:
                raise ValueError(f"spec name {name!r} shadows a preset; pick another name")
        return specs

    @field_validator("verifier_records")
    @classmethod
    def _records_import(cls, paths: list[str]) -> list[str]:
        for path in paths:
            try:
                import_record(path)
            except (ImportError, AttributeError, TypeError, ValueError) as exc:
                raise ValueError(f"{path!r} is not an importable VerifierInfo: {exc}") from None
        return paths

    @model_validator(mode="after")
    def _blocked_from_this_servers_records(self) -> ServerSettings:
        # The default covers the built-ins; a record added here may declare more (a judge's
        # endpoint). An operator's explicit list is kept as given.
        if "blocked_options" not in self.model_fields_set and self.verifier_records:
            derived = sorted(self.registry().operator_only())
            object.__setattr__(self, "blocked_options", derived)  # frozen: set once, here
        return self

    @model_validator(mode="after")
    def _specs_load(self) -> ServerSettings:
        # Against this server's registry (its extra verifiers included): a misspelt
        # option fails at start-up, naming the spec, the component and the key.
        registry = self.registry()
        for name, spec in self.specs.items():
            try:
                loaded = load_spec(spec, registry=registry)
                loaded.check_options(registry, None)
            except ValueError as exc:
                raise ValueError(f"specs.{name}: {exc}") from None
        return self

    def registry(self) -> Registry:
        """The built-in verifiers plus this server's ``verifiers``, in a registry of its own."""
        registry = default_registry.copy()
        for name, target in self.verifiers.items():
            registry.register_path(name, target)
        for path in self.verifier_records:
            registry.add(import_record(path))
        if self.judge is not None:  # `judge` and `cascade` exist only with an operator's judge
            register_judge(registry, self.judge)
        return registry

    @model_validator(mode="after")
    def _default_spec_is_named(self) -> ServerSettings:
        if self.default_spec not in PRESETS and self.default_spec not in self.specs:
            raise ValueError(
                f"default_spec {self.default_spec!r} is neither a preset "
                f"({', '.join(PRESETS)}) nor a name in specs"
            )
        return self

    def named_specs(self) -> dict[str, RewardSpec]:
        """Presets plus this server's own named specs, the only specs a request may name."""
        registry = self.registry()
        named = {name: load_spec(spec, registry=registry) for name, spec in self.specs.items()}
        return {**PRESETS, **named}

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = _CONFIG_FILE.get()
        if config_file is not None:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=config_file))
        return tuple(sources)

    def to_env(self) -> str:
        """These settings as JSON, secrets included, for child processes (``from_env``)."""
        data = self.model_dump(mode="json")
        data["api_token"] = self.api_token.get_secret_value() if self.api_token else None
        if self.judge is not None and self.judge.api_key is not None:
            data["judge"]["api_key"] = self.judge.api_key.get_secret_value()
        return json.dumps(data)

    @classmethod
    def from_env(cls, payload: str) -> ServerSettings:
        """The settings a parent serialised with ``to_env`` (nothing re-read from env or file)."""
        return cls.model_validate(json.loads(payload))

    @classmethod
    def describe_error(cls, exc: ValidationError, config: str | Path | None = None) -> str:
        """``exc`` as one line a user can act on: where, each bad key, what is wrong.

        pydantic's own message spans several lines per error plus a docs URL; the
        CLI prints this instead of a traceback. The key may come from the file, an
        ``RLVR_*`` variable or a flag, so all three are named.
        """
        where = f"{config}, RLVR_* env or flags" if config is not None else "RLVR_* env or flags"
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(settings)"
            if err["type"] == "extra_forbidden":
                problems.append(
                    f"{key}: unknown key (valid: {', '.join(sorted(cls.model_fields))})"
                )
            else:
                problems.append(f"{key}: {err['msg']}" if err["loc"] else err["msg"])
        text = "; ".join(" ".join(p.removeprefix("Value error, ").split()) for p in problems)
        return f"server settings ({where}): {text}"

    @classmethod
    def load(cls, config: str | Path | None = None, **overrides: Any) -> ServerSettings:
        """Settings from ``config`` (YAML), then ``RLVR_*`` env vars, then ``overrides``.

        ``overrides`` whose value is None are ignored, so CLI flags that were
        not given do not mask the file or the environment.
        """
        path = Path(config) if config is not None else None
        if path is not None and not path.is_file():
            raise FileNotFoundError(f"server config file not found: {path}")
        token = _CONFIG_FILE.set(path)
        try:
            return cls(**{k: v for k, v in overrides.items() if v is not None})
        finally:
            _CONFIG_FILE.reset(token)
