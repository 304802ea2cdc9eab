"""Turn a response into a reward: run a spec's components and add them up."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from verifiers.core.length_penalty import length_penalty
from verifiers.core.registry import verify
from verifiers.core.spec import TASK_VERIFIER, ComponentSpec, RewardSpec, load_spec
from verifiers.core.verdict import Status, Verdict

# Worst first: the result's status is the worst status among its verdicts.
_SEVERITY = [
    Status.ERROR,
    Status.REFERENCE_ERROR,
    Status.TIMEOUT,
    Status.FORMAT_ERROR,
    Status.PARSE_ERROR,
    Status.NO_ANSWER,
]


@dataclasses.dataclass(frozen=True)
class RewardResult:
    """The reward of one response: ``total`` and the value of every component.

    ``verdicts`` keeps each component's full verdict so a surprising reward can
    be explained; ``status`` is the worst verdict status (``ok`` if none failed).
    """

    total: float
    components: dict[str, float]
    verdicts: dict[str, Verdict] = dataclasses.field(default_factory=dict)
    status: Status = Status.OK
    reason: str = ""

    @property
    def correct(self) -> bool | None:
        """The accuracy verdict's judgement, when the spec has an ``accuracy`` component."""
        verdict = self.verdicts.get("accuracy")
        return verdict.correct if verdict else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "components": dict(self.components),
            "verdicts": {k: v.to_dict() for k, v in self.verdicts.items()},
            "status": self.status.value,
            "reason": self.reason,
        }

    @classmethod
    def failed(cls, spec: RewardSpec, status: Status, reason: str) -> RewardResult:
        """The spec's failure score, for a response that could not be judged at all."""
        comps = {c.name: c.failure_value() for c in spec.components if c.enabled}
        return cls(total=spec.failure_total(), components=comps, status=status, reason=reason)


def _value(comp: ComponentSpec, verdict: Verdict) -> float:
    if comp.scores is None:
        return comp.weight * float(verdict.score)
    if verdict.correct is True:
        return comp.weight * comp.scores.correct
    if verdict.status == Status.OK and verdict.correct is False:
        return comp.weight * comp.scores.wrong
    return comp.weight * comp.scores.no_answer


def _worst(verdicts: Sequence[Verdict]) -> Status:
    statuses = {v.status for v in verdicts}
    return next((s for s in _SEVERITY if s in statuses), Status.OK)


def compute_reward(
    spec: str | Path | RewardSpec | dict[str, Any],
    response: str,
    reference: Any = None,
    *,
    task: str = "math",
    **context: Any,
) -> RewardResult:
    """The reward of ``response`` under ``spec`` (a preset name, a file, a dict or a spec).

    ``task`` names the verifier of components whose verifier is ``"task"``
    (the accuracy term of every preset). ``context`` (e.g. ``prompt``,
    ``target``, ``prefilled_think``) is passed to every verifier as options;
    a component's own options win. This runs in the calling process: use
    ``compute_rewards`` for a hard time limit.
    """
    spec = load_spec(spec)
    values: dict[str, float] = {}
    verdicts: dict[str, Verdict] = {}
    for comp in spec.components:
        if not comp.enabled:
            continue
        unmet = [r for r in comp.requires if not (r in verdicts and verdicts[r].correct)]
        if unmet:
            verdict = Verdict.failure(
                Status.FORMAT_ERROR, f"not graded: requires {', '.join(unmet)} to pass"
            )
        else:
            name = task if comp.verifier == TASK_VERIFIER else comp.verifier
            verdict = verify(name, response, reference, **{**context, **comp.options})
        verdicts[comp.name] = verdict
        values[comp.name] = _value(comp, verdict)
    failed = [f"{k}: {v.reason}" for k, v in verdicts.items() if v.status != Status.OK]
    return RewardResult(
        total=sum(values.values()),
        components=values,
        verdicts=verdicts,
        status=_worst(list(verdicts.values())),
        reason="; ".join(failed),
    )


def apply_length_penalty(
    spec: RewardSpec, group: Sequence[RewardResult], lengths: Sequence[int]
) -> list[RewardResult]:
    """Add Kimi's length term to every result of one prompt's group.

    Correctness comes from the component named by ``spec.length_penalty
    .correctness_from``; results without it count as wrong. A no-op when the
    spec's length penalty is off.
    """
    cfg = spec.length_penalty
    if not cfg.enabled:
        return list(group)
    source = cfg.correctness_from
    correct = [bool(r.verdicts.get(source) and r.verdicts[source].correct) for r in group]
    out = []
    for result, lam in zip(group, length_penalty(correct, lengths), strict=True):
        value = cfg.weight * lam
        comps = {**result.components, "length_penalty": value}
        out.append(dataclasses.replace(result, total=result.total + value, components=comps))
    return out


def compute_group_rewards(
    spec: str | Path | RewardSpec | dict[str, Any],
    responses: Sequence[str],
    reference: Any = None,
    *,
    task: str = "math",
    lengths: Sequence[int] | None = None,
    **context: Any,
) -> list[RewardResult]:
    """Rewards of all responses to one prompt, with the length penalty when enabled.

    ``lengths`` should be token counts (Kimi's definition); without them the
    character length of each response is used.
    """
    spec = load_spec(spec)
    results = [compute_reward(spec, r, reference, task=task, **context) for r in responses]
    sizes = list(lengths) if lengths is not None else [len(r) for r in responses]
    return apply_length_penalty(spec, results, sizes)
