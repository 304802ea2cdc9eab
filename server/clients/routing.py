"""Which verifier a trainer sample goes to, from its ``data_source``.

verl (and datasets prepared for it) name each row's origin in ``data_source``
(``openai/gsm8k``, ``countdown``, ``kk_logic``, ``likaixin/TACO-verified``). A
verifier claims the sources it grades; a source nobody claims goes to the
server's default task (math).
"""

from __future__ import annotations

# Interim: the claims are facts about each verifier and move into its registry
# record (``VerifierInfo.data_sources``) when that lands; this module then reads them.
_CLAIMS: dict[str, tuple[str, ...]] = {
    "countdown": ("countdown",),
    "knights_knaves": ("knights_knaves", "kk_logic", "knights-and-knaves", "kk"),
    "code": ("code", "apps", "taco", "leetcode", "livecodebench", "primeintellect"),
}


def source_claims() -> dict[str, tuple[str, ...]]:
    """verifier name -> the (lower-case) ``data_source`` markers it claims."""
    return dict(_CLAIMS)


def task_for_data_source(data_source: str | None) -> str | None:
    """The verifier claiming ``data_source`` (longest matching marker wins), else None.

    A marker matches the whole source, its last path part (``org/name``), or a
    substring of it, so ``deepmind/code_contests`` is code and ``countdown_3to4``
    is countdown.
    """
    source = (data_source or "").strip().lower()
    if not source:
        return None
    best: tuple[int, str] | None = None
    for name, markers in source_claims().items():
        for marker in markers:
            if _matches(marker, source) and (best is None or len(marker) > best[0]):
                best = (len(marker), name)
    return best[1] if best else None


def _matches(marker: str, source: str) -> bool:
    if len(marker) <= 2:  # short markers ("kk") only as a whole name, never as a substring
        return marker in (source, source.rsplit("/", 1)[-1]) or source.startswith(marker + "_")
    return marker in source
