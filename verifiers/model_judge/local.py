"""In-process transformers judge: write the check, then score P(Yes) at the verdict line.

GenRM's lesson is that the useful score of a generative verifier is the
probability of its "Yes" verdict token, not the sampled word. Here the model
first writes its check greedily (or not at all, ``think=False``); then the
text ``check + "\\nVerdict:"`` is fed back and the log-probabilities of the two
continuations " Yes" and " No" are compared, which is exact for any tokenizer
(a multi-token "Yes" sums its tokens). Used by ``rm-train eval``, by the
``rm-train serve`` endpoint and by the judge verifier's in-process mode.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from verifiers.model_judge.prompt import NO, VERDICT_PREFIX, YES, judge_messages, strip_verdict


@dataclass(frozen=True)
class JudgeOutput:
    """One judgement: P(Yes), the model's own text, and the verdict its text states."""

    p_yes: float
    text: str


def render_prompt(tokenizer: Any, messages: list[dict[str, str]]) -> str:
    """The model's input text: its chat template, or a plain layout for a base model."""
    if getattr(tokenizer, "chat_template", None):
        return str(
            tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        )
    return "\n\n".join(m["content"] for m in messages) + "\n"


def p_yes_from_logprobs(lp_yes: float, lp_no: float) -> float:
    """P(Yes) renormalised over the two verdicts (the rest of the vocabulary ignored)."""
    top = max(lp_yes, lp_no)
    e_yes, e_no = math.exp(lp_yes - top), math.exp(lp_no - top)
    return e_yes / (e_yes + e_no)


class LocalJudge:
    """A causal LM judge loaded from a local directory (CPU fp32, or GPU bf16 when present)."""

    def __init__(
        self,
        model_dir: str,
        *,
        think: bool = True,
        max_new_tokens: int = 128,
        batch_size: int = 8,
        max_prompt_tokens: int = 1024,
    ) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        gpu = torch.cuda.is_available()
        dtype = torch.bfloat16 if gpu and torch.cuda.is_bf16_supported() else torch.float32
        self.model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype)
        # transformers wraps PreTrainedModel.to in a decorator whose stub loses ``self``
        self.model.to("cuda" if gpu else "cpu").eval()  # type: ignore[arg-type]
        self.think, self.max_new_tokens = think, max_new_tokens
        self.batch_size, self.max_prompt_tokens = batch_size, max_prompt_tokens
        self.yes_ids = self._ids(" " + YES)
        self.no_ids = self._ids(" " + NO)

    def _ids(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _prompt_ids(self, question: str, reference: str, response: str) -> list[int]:
        text = render_prompt(self.tokenizer, judge_messages(question, reference, response))
        return self._ids(text)[-self.max_prompt_tokens :]

    def _generate(self, prompts: list[list[int]], temperature: float, seed: int) -> list[str]:
        torch, tok = self.torch, self.tokenizer
        width = max(len(p) for p in prompts)
        pad = tok.pad_token_id
        ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts])
        mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
        device = self.model.device
        sampling: dict[str, Any] = {"do_sample": temperature > 0}
        if temperature > 0:
            torch.manual_seed(seed)
            sampling["temperature"] = temperature
        with torch.no_grad():
            out = self.model.generate(
                input_ids=ids.to(device),
                attention_mask=mask.to(device),
                **sampling,
                max_new_tokens=self.max_new_tokens,
                pad_token_id=pad,
                eos_token_id=tok.eos_token_id,
            )
        return [
            strip_verdict(t) for t in tok.batch_decode(out[:, width:], skip_special_tokens=True)
        ]

    def _continuation_logprobs(
        self, prefixes: list[list[int]], tails: list[list[int]]
    ) -> list[float]:
        """Sum of log P(tail | prefix) for each pair, in one right-padded forward pass."""
        torch = self.torch
        seqs = [p + t for p, t in zip(prefixes, tails, strict=True)]
        width = max(len(s) for s in seqs)
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([s + [pad] * (width - len(s)) for s in seqs])
        mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in seqs])
        with torch.no_grad():
            logits = self.model(
                input_ids=ids.to(self.model.device), attention_mask=mask.to(self.model.device)
            ).logits.float()
        logprobs = torch.log_softmax(logits, dim=-1)
        out = []
        for row, (prefix, tail) in enumerate(zip(prefixes, tails, strict=True)):
            total = 0.0
            for j, token in enumerate(tail):
                total += float(logprobs[row, len(prefix) + j - 1, token])
            out.append(total)
        return out

    def judge(
        self, items: Sequence[tuple[str, str, str]], *, temperature: float = 0.0, seed: int = 0
    ) -> list[JudgeOutput]:
        """P(Yes) and the check for each (question, reference, response); greedy at 0."""
        results: list[JudgeOutput] = []
        for start in range(0, len(items), self.batch_size):
            batch = items[start : start + self.batch_size]
            prompts = [self._prompt_ids(*item) for item in batch]
            checks = self._generate(prompts, temperature, seed) if self.think else [""] * len(batch)
            prefixes = [
                p + self._ids((c.strip() + "\n" if c.strip() else "") + VERDICT_PREFIX)
                for p, c in zip(prompts, checks, strict=True)
            ]
            scores = self._continuation_logprobs(
                prefixes + prefixes, [self.yes_ids] * len(batch) + [self.no_ids] * len(batch)
            )
            n = len(batch)
            for i, check in enumerate(checks):
                p = p_yes_from_logprobs(scores[i], scores[n + i])
                line = f"{VERDICT_PREFIX} {YES if p >= 0.5 else NO}"
                results.append(JudgeOutput(p_yes=p, text=f"{check.strip()}\n{line}".strip()))
        return results
