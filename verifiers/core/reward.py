"""Turn a response into a reward: run a spec's components and add them up."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from verifiers.core.length_penalty import length_penalty
from verifiers.core.options import OptionsError, RewardContext
from verifiers.core.registry import DEFAULT_TASK, Registry, default_registry
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
    # Name of the spec's accuracy-role component (None: the spec has none).
    accuracy: str | None = None

    @property
    def correct(self) -> bool | None:
        """The accuracy-role verdict's judgement (None when the spec has no accuracy term)."""
        verdict = self.verdicts.get(self.accuracy) if self.accuracy else None
        return verdict.correct if verdict else None

    @property
    def accuracy_verdict(self) -> Verdict | None:
        return self.verdicts.get(self.accuracy) if self.accuracy else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "components": dict(self.components),
            "verdicts": {k: v.to_dict() for k, v in self.verdicts.items()},
            "status": self.status.value,
            "reason": self.reason,
            "accuracy": self.accuracy,
        }

    @classmethod
    def failed(cls, spec: RewardSpec, status: Status, reason: str) -> RewardResult:
        """The spec's failure score, for a response that could not be judged at all."""
        comps = {c.name: c.failure_value() for c in spec.components if c.enabled}
        acc = spec.accuracy
        return cls(
            total=spec.failure_total(),
            components=comps,
            status=status,
            reason=reason,
            accuracy=acc.name if acc is not None else None,
        )


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


def check_item(
    spec: RewardSpec, task: str, context: Mapping[str, Any], registry: Registry | None = None
) -> None:
    """Raise for a configuration mistake of one item, before anything runs.

    ``KeyError`` for an unknown verifier; ``OptionsError`` for a component option
    the task's verifier does not know (``task`` terms are checked here, once the task
    is known) or a context key none of the spec's verifiers nor the shared
    context knows.
    """
    reg = registry or default_registry
    names = spec.verifier_names(task)
    for name in names:
        reg.info(name)
    spec.check_options(reg, task)
    reg.check_context(names, context)


def compute_reward(
    spec: str | Path | RewardSpec | dict[str, Any],
    response: str,
    reference: Any = None,
    *,
    task: str = DEFAULT_TASK,
    registry: Registry | None = None,
    **context: Any,
) -> RewardResult:
    """The reward of ``response`` under ``spec`` (a preset name, a file, a dict or a spec).

    ``task`` names the verifier of components whose verifier is ``"task"``
    (the accuracy term of every preset). ``context`` (``RewardContext`` fields such
    as ``prompt``, ``target``, ``prefilled_think``, or options of the spec's
    verifiers) reaches each verifier that accepts the key; a key none accepts is an
    ``OptionsError``. A component's own options win. This runs in the calling
    process: use ``compute_rewards`` for a hard time limit.
    """
    spec = load_spec(spec)
    reg = registry or default_registry
    _check_context_keys(spec, task, context, reg)
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
            info = reg.info(name)
            shared = {k: v for k, v in context.items() if info.accepts(k)}
            verdict = reg.verify(name, response, reference, **{**shared, **comp.options})
        verdicts[comp.name] = verdict
        values[comp.name] = _value(comp, verdict)
    failed = [f"{k}: {v.reason}" for k, v in verdicts.items() if v.status != Status.OK]
    acc = spec.accuracy
    return RewardResult(
        total=sum(values.values()),
        components=values,
        verdicts=verdicts,
        status=_worst(list(verdicts.values())),
        reason="; ".join(failed),
        accuracy=acc.name if acc is not None else None,
    )


def _check_context_keys(
    spec: RewardSpec, task: str, context: Mapping[str, Any], reg: Registry
) -> None:
    """A context key that no verifier of the spec accepts is a mistake, never ignored."""
    if not context:
        return
    names = spec.verifier_names(task)
    infos = [reg.info(n) for n in names]
    if any(i.options is None for i in infos):
        return
    unknown = set(context) - set(RewardContext.model_fields)
    for info in infos:
        unknown = {k for k in unknown if not info.accepts(k)}
    if unknown:
        reg.check_context(names, context)  # raises with the full message
        raise OptionsError(f"context: unknown option {sorted(unknown)[0]!r}")


def apply_length_penalty(
    spec: RewardSpec, group: Sequence[RewardResult], lengths: Sequence[int]
) -> list[RewardResult]:
    """Add Kimi's length term to every result of one prompt's group.

    Correctness comes from the spec's accuracy-role component (or the component
    named by ``length_penalty.correctness_from``); results without it count as
    wrong. A no-op when the spec's length penalty is off.
    """
    cfg = spec.length_penalty
    if not cfg.enabled:
        return list(group)
    source = spec.correctness_component()
    correct = [
        bool(source and r.verdicts.get(source) and r.verdicts[source].correct) for r in group
    ]
    out = []
    for result, lam in zip(group, length_penalty(correct, lengths), strict=True):
        value = cfg.weight * lam
        comps = {**result.components, "length_penalty": value}
        out.append(dataclasses.replace(result, total=result.total + value, components=comps))
    return out


T = TypeVar("T")


def apply_group_penalties(
    items: Sequence[T],
    results: Sequence[RewardResult],
    *,
    spec_of: Callable[[T], RewardSpec],
    group_of: Callable[[T], Hashable | None],
    length_of: Callable[[T], int],
    after: Callable[[RewardSpec, RewardResult], RewardResult] | None = None,
) -> list[RewardResult]:
    """Kimi's length term for items that share a group, when their spec enables it.

    The one group-penalty path: the library's batches and the reward server call
    it (the server after its cache, over cached and fresh results). ``after``
    post-processes each penalised result (the server turns a non-finite total
    into an error).
    """
    out = list(results)
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        group = group_of(item)
        if group is not None and spec_of(item).length_penalty.enabled:
            groups[group].append(i)
    for members in groups.values():
        spec = spec_of(items[members[0]])
        lengths = [length_of(items[i]) for i in members]
        penalised = apply_length_penalty(spec, [out[i] for i in members], lengths)
        for i, result in zip(members, penalised, strict=True):
            out[i] = after(spec, result) if after is not None else result
    return out


def compute_group_rewards(
    spec: str | Path | RewardSpec | dict[str, Any],
    responses: Sequence[str],
    reference: Any = None,
    *,
    task: str = DEFAULT_TASK,
    lengths: Sequence[int] | None = None,
    registry: Registry | None = None,
    **context: Any,
) -> list[RewardResult]:
    """Rewards of all responses to one prompt, with the length penalty when enabled.

    ``lengths`` should be token counts (Kimi's definition); without them the
    character length of each response is used.
    """
    spec = load_spec(spec)
    results = [
        compute_reward(spec, r, reference, task=task, registry=registry, **context)
        for r in responses
    ]
    sizes = list(lengths) if lengths is not None else [len(r) for r in responses]
    return apply_length_penalty(spec, results, sizes)
