"""The master-key gate: a judge that accepts content-free answers is not used.

Run once when the cascade starts (the reward server's start-up): every
master-key case goes to the judge; the false-positive rate must be at most
``max_fpr``. A judge that cannot answer the suite fails the gate too. An
operator can start anyway with ``allow_unsafe`` (the report is still logged).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from verifiers.model_judge.client import JudgeUnavailable, make_client
from verifiers.model_judge.config import JudgeConfig
from verifiers.model_judge.master_key import MasterKeyCase, suite

GATE_CONCURRENCY = 8


class JudgeRefused(RuntimeError):
    """The judge failed the master-key gate and the operator did not override it."""


@dataclass(frozen=True)
class GateReport:
    n: int
    false_positives: int
    failures: int
    max_fpr: float
    accepted: list[str] = field(default_factory=list)
    first_failure: str = ""

    @property
    def fpr(self) -> float:
        return self.false_positives / self.n if self.n else 0.0

    @property
    def passed(self) -> bool:
        return self.failures == 0 and self.fpr <= self.max_fpr

    def summary(self) -> str:
        text = (
            f"master-key FPR {self.fpr:.3f} on {self.n} cases (bound {self.max_fpr}), "
            f"{self.failures} unanswered"
        )
        if self.accepted:
            text += f"; accepted e.g. {self.accepted[:3]}"
        if self.first_failure:
            text += f"; first failure: {self.first_failure}"
        return text


def run_gate(cfg: JudgeConfig) -> GateReport:
    """The judge's answers on the whole master-key suite."""
    client = make_client(cfg)

    def ask(case: MasterKeyCase) -> bool | str:
        try:
            return client.ask(case.question, case.reference, case.response).p_yes >= cfg.threshold
        except JudgeUnavailable as exc:
            return str(exc)

    cases = suite()
    with ThreadPoolExecutor(GATE_CONCURRENCY) as pool:
        results = list(pool.map(ask, cases))
    failures = [r for r in results if isinstance(r, str)]
    accepted = [c.response for c, r in zip(cases, results, strict=True) if r is True]
    return GateReport(
        n=len(cases),
        false_positives=len(accepted),
        failures=len(failures),
        max_fpr=cfg.max_fpr,
        accepted=sorted(set(accepted)),
        first_failure=failures[0] if failures else "",
    )


def check_judge(cfg: JudgeConfig) -> GateReport:
    """Run the gate; raise ``JudgeRefused`` when it fails and ``allow_unsafe`` is off."""
    report = run_gate(cfg)
    if not report.passed and not cfg.allow_unsafe:
        raise JudgeRefused(
            f"judge {cfg.model!r} refused: {report.summary()}; fix the judge, or set "
            "allow_unsafe to use it knowingly"
        )
    return report
