"""The backend interface and the factory that picks an engine by name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from curation.config import BackendName, GenerationConfig
from curation.templates import Rendered


@dataclass(frozen=True)
class GenerationError:
    """Why no samples came back for one prompt (kept as the quarantine reason)."""

    reason: str


Samples = list[str] | GenerationError


class Backend(Protocol):
    """Turns rendered prompts into ``n`` samples each, reproducibly for a given seed."""

    def generate(self, prompts: Sequence[Rendered], seeds: Sequence[int]) -> list[Samples]: ...

    def close(self) -> None: ...


def make_backend(cfg: GenerationConfig) -> Backend:
    """The backend ``cfg.backend`` names; heavy imports happen only here."""
    if cfg.backend == BackendName.TRANSFORMERS:
        from curation.backends.transformers import TransformersBackend

        return TransformersBackend(cfg)
    if cfg.backend == BackendName.VLLM:
        from curation.backends.vllm import VllmBackend

        return VllmBackend(cfg)
    from curation.backends.openai import OpenAIBackend

    return OpenAIBackend(cfg)
