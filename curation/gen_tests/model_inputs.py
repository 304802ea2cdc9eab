"""Source (a): ask a model for new inputs, given the problem and its existing tests.

The model writes inputs only, never expected outputs: the references decide
those, so a model that is wrong about the answer cannot poison a test. Calls
are read line by line (``f(1, [2, 3])`` with literal arguments); stdin inputs
are read from fenced blocks. Anything else in the answer is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from curation.gen_tests.problem import Candidate, Problem, call_arguments
from curation.templates import Rendered
from sandbox.testcases import TestKind

_FENCE = re.compile(r"```[a-zA-Z]*\n(.*?)```", re.DOTALL)
MAX_SHOWN = 5

CALL_PROMPT = """You write test inputs for a programming problem.

Problem:
{prompt}

Existing tests call the function like this:
{examples}

Write {count} NEW calls to `{entry}` that probe edge cases (empty inputs, single
elements, duplicates, boundaries, large values within the problem's limits). One call
per line, literal arguments only, no expected output, no explanations:
"""

STDIO_PROMPT = """You write test inputs for a programming problem read from stdin.

Problem:
{prompt}

Existing inputs:
{examples}

Write {count} NEW inputs that probe edge cases (smallest and largest sizes, boundaries,
duplicates). Put each input in its own ``` fenced block, nothing else:
"""


def build_prompt(problem: Problem, count: int) -> str:
    """The request for ``count`` new inputs, with a few existing ones as examples."""
    shown = problem.originals[:MAX_SHOWN]
    if problem.kind is TestKind.STDIO:
        examples = "\n".join(f"```\n{c.text.rstrip()}\n```" for c in shown)
        return STDIO_PROMPT.format(prompt=problem.prompt.strip(), examples=examples, count=count)
    entry = problem.entry or "f"
    examples = "\n".join(f"{entry}({c.text[1:-1]})" for c in shown)
    return CALL_PROMPT.format(
        prompt=problem.prompt.strip(), examples=examples, count=count, entry=entry
    )


def render(text: str, chat: bool) -> Rendered:
    return [{"role": "user", "content": text}] if chat else text


def parse_inputs(problem: Problem, completion: str) -> list[Candidate]:
    """The inputs a completion proposes (possibly none)."""
    if problem.kind is TestKind.STDIO:
        blocks = _FENCE.findall(completion)
        return [
            Candidate("model", b if b.endswith("\n") else b + "\n") for b in blocks if b.strip()
        ]
    names = {problem.entry or "", "candidate", "f"}
    texts: list[str] = []
    for line in completion.splitlines():
        texts += call_arguments(line.strip().removeprefix("assert "), names)
    return [Candidate("model", text) for text in dict.fromkeys(texts)]


def model_inputs(
    problems: Sequence[Problem], backend: Any, seeds: Sequence[int], *, count: int, chat: bool
) -> tuple[list[list[Candidate]], list[str | None]]:
    """Candidates per problem from one batched generation call, and per-problem errors."""
    prompts = [render(build_prompt(p, count), chat) for p in problems]
    samples = backend.generate(prompts, list(seeds))
    found: list[list[Candidate]] = []
    errors: list[str | None] = []
    for problem, result in zip(problems, samples, strict=True):
        if isinstance(result, list):
            found.append([c for text in result for c in parse_inputs(problem, text)])
            errors.append(None)
        else:
            found.append([])
            errors.append(getattr(result, "reason", str(result)))
    return found, errors
