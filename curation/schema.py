"""The normalised row every curation step works on, and the checks that guard it.

Datasets name their fields differently (``question``/``problem``, ``solution``
/``answer``), so a ``ColumnMap`` renames them to ``id, prompt, answer, source,
task, metadata`` on the way in and back on the way out: outputs keep the
user's column names. Rows that cannot be processed are not dropped silently:
``split_valid`` returns them with a ``quarantine_reason``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import polars as pl

from curation.config import ColumnMap
from verifiers.core.registry import default_registry

CANONICAL = ("id", "prompt", "answer", "responses", "source", "task", "metadata")
DROP_RULE, DROP_REASON = "drop_rule", "drop_reason"
QUARANTINE_REASON = "quarantine_reason"


@dataclass(frozen=True)
class StepResult:
    """A frame cut into rows a step keeps, rows it drops (with a rule) and quarantined rows."""

    kept: pl.DataFrame
    dropped: pl.DataFrame
    quarantined: pl.DataFrame

    @staticmethod
    def keep_all(df: pl.DataFrame) -> StepResult:
        return StepResult(df, df.clear(), pl.DataFrame())


# verl's parquet schema: read without flags when the default column names are absent.
VERL_GOLD = "reward_model.ground_truth"
VERL_SOURCE = "data_source"


def _has_path(df: pl.DataFrame, path: str) -> bool:
    top, _, rest = path.partition(".")
    if top not in df.columns:
        return False
    dtype: Any = df.schema[top]
    for part in rest.split(".") if rest else []:
        if not isinstance(dtype, pl.Struct):
            return dtype == pl.Utf8  # JSON text (a mixed-type column): checked per row
        fields = {f.name: f.dtype for f in dtype.fields}
        if part not in fields:
            return False
        dtype = fields[part]
    return True


def resolve_columns(df: pl.DataFrame, columns: ColumnMap) -> ColumnMap:
    """``columns`` completed for ``df``: verl's schema found, derived columns listed.

    - the gold: ``reward_model.ground_truth`` when there is no ``answer`` column;
    - the source: ``data_source`` when there is no ``source`` column;
    - the task: when there is no task column, each row's source picks the verifier
      that claims it (``countdown``, ``kk_logic``, code sets), else the default task.
    Canonical columns read from a dotted path or computed are ``derived``: dropped
    on output, so every input column comes back as it was.
    """
    updates: dict[str, Any] = {}
    defaults = ColumnMap()
    no_answer = columns.answer == defaults.answer and "answer" not in df.columns
    if no_answer and _has_path(df, VERL_GOLD):
        updates["answer"] = VERL_GOLD
    no_source = columns.source == defaults.source and "source" not in df.columns
    if no_source and VERL_SOURCE in df.columns:
        updates["source"] = VERL_SOURCE
    resolved = columns.model_copy(update=updates)
    derived = [name for name in CANONICAL if "." in getattr(resolved, name)]
    if resolved.task not in df.columns and "task" not in df.columns:
        derived.append("task")
    return resolved.model_copy(update={"derived": tuple(dict.fromkeys(derived))})


def _walk(value: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return None
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _read_path(df: pl.DataFrame, path: str) -> pl.Series:
    """The values at ``path`` (``column.field.field``) of every row, never stringified."""
    top, *parts = path.split(".")
    if top not in df.columns:
        raise ValueError(f"column path {path!r}: no column {top!r}; columns are {df.columns}")
    if isinstance(df.schema[top], pl.Struct):
        expr = pl.col(top)
        for part in parts:
            expr = expr.struct.field(part)
        try:
            return df.select(expr).to_series()
        except pl.exceptions.PolarsError as exc:
            raise ValueError(f"column path {path!r}: {exc}".splitlines()[0]) from exc
    if df.schema[top] != pl.Utf8:
        raise ValueError(f"column path {path!r}: {top!r} is {df.schema[top]}, not a struct")
    # A mixed-type column read from JSON lines is JSON text: walk each row's value.
    values = [_walk(v, parts) for v in df[top].to_list()]
    if all(v is None or isinstance(v, str) for v in values):
        return pl.Series(values, dtype=pl.Utf8)
    try:
        return pl.Series(values, strict=True)
    except (pl.exceptions.PolarsError, TypeError, ValueError):
        text = [v if v is None or isinstance(v, str) else json.dumps(v) for v in values]
        return pl.Series(text, dtype=pl.Utf8)


def gold_value(gold: Any, answer_only: bool) -> Any:
    """The reference a verifier gets for a stored gold: structures stay structures.

    Numbers become text for answer-only verifiers (``42`` and ``"42"`` are one gold),
    a structured gold stored as JSON text (a mixed math + countdown column) is
    decoded for the other verifiers, and a missing gold stays ``None`` so the
    verifier reports ``reference_error`` instead of grading against ``"None"``.
    """
    if gold is None or isinstance(gold, dict | list):
        return gold
    text = str(gold)
    if not answer_only and text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def to_canonical(df: pl.DataFrame, columns: ColumnMap) -> pl.DataFrame:
    """Rename mapped columns to the canonical names and add a row id if missing.

    Dotted paths are read into their canonical column (the struct stays); with no
    task column, the task comes from each row's source (see ``resolve_columns``).
    A generated id is the row number as text: stable across runs of the same
    input, which resuming and joining depend on.
    """
    paths = {name: getattr(columns, name) for name in CANONICAL if "." in getattr(columns, name)}
    for name, path in paths.items():
        if name in df.columns:
            raise ValueError(f"column {name!r} exists and is also read from {path!r}")
        df = df.with_columns(_read_path(df, path).alias(name))
    mapping = {getattr(columns, name): name for name in CANONICAL if name not in paths}
    renames = {src: dst for src, dst in mapping.items() if src in df.columns and src != dst}
    clashes = [dst for dst in renames.values() if dst in df.columns]
    if clashes:
        raise ValueError(
            f"columns {clashes} exist and are also mapping targets; rename or map them explicitly"
        )
    df = df.rename(renames)
    if "task" in columns.derived and "task" not in df.columns and "source" in df.columns:
        sources = df["source"].cast(pl.Utf8, strict=False).to_list()
        tasks = [default_registry.for_data_source(s) for s in sources]
        df = df.with_columns(pl.Series("task", tasks, dtype=pl.Utf8))
    if "id" not in df.columns:
        df = df.with_row_index("id").with_columns(pl.col("id").cast(pl.Utf8))
    return df


def from_canonical(df: pl.DataFrame, columns: ColumnMap) -> pl.DataFrame:
    """Undo ``to_canonical``: derived columns dropped, renames undone (the user's names)."""
    df = df.drop([c for c in columns.derived if c in df.columns])
    renames = {
        name: getattr(columns, name)
        for name in CANONICAL
        if name in df.columns and getattr(columns, name) != name
    }
    return df.rename(renames)


def _text_ok(col: str) -> pl.Expr:
    return pl.col(col).is_not_null() & (pl.col(col).cast(pl.Utf8).str.strip_chars() != "")


def split_valid(
    df: pl.DataFrame, *, need_answer: bool = True, need_prompt: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows a step can process, and the others with a ``quarantine_reason``.

    Numeric gold columns are cast to strings (``42`` and ``"42"`` are the same
    gold for the math verifier); structured golds (code tests, countdown
    targets) pass through as they are.
    """
    checks: list[tuple[str, pl.Expr]] = []
    if need_prompt:
        if "prompt" not in df.columns:
            raise ValueError(
                f"no prompt column; columns are {df.columns} (map one with --prompt-col)"
            )
        ptype = df.schema["prompt"]
        if ptype == pl.Utf8:
            checks.append(("missing or empty prompt", _text_ok("prompt")))
        elif isinstance(ptype, pl.List):
            checks.append(("missing or empty prompt", pl.col("prompt").list.len().fill_null(0) > 0))
        else:
            checks.append(
                (f"prompt has type {ptype}, expected text or chat messages", pl.lit(False))
            )
    if need_answer:
        if "answer" not in df.columns:
            raise ValueError(
                f"no answer column; columns are {df.columns} (map one with --answer-col)"
            )
        atype: Any = df.schema["answer"]
        if atype.is_numeric() or atype == pl.Boolean:
            df = df.with_columns(pl.col("answer").cast(pl.Utf8))
            atype = pl.Utf8
        if atype in (pl.Utf8, pl.Null):
            checks.append(("missing or empty answer", _text_ok("answer")))
        elif isinstance(atype, pl.Struct | pl.List):  # structured references (tests, targets)
            checks.append(("missing answer", pl.col("answer").is_not_null()))
        else:
            df = df.with_columns(pl.lit(None, pl.Utf8).alias("answer"))
            checks.append((f"answer has type {atype}, expected text or a structure", pl.lit(False)))
    if "responses" in df.columns:
        df = _responses_as_text(df)
        rtype = df.schema["responses"]
        if not (isinstance(rtype, pl.List) and rtype.inner in (pl.Utf8, pl.Null)):
            checks.append((f"responses has type {rtype}, expected a list of text", pl.lit(False)))
    if not checks:
        return df, pl.DataFrame()
    reason = pl.lit(None, pl.Utf8)
    for text, ok in reversed(checks):
        reason = pl.when(~ok.fill_null(False)).then(pl.lit(text)).otherwise(reason)
    return split_quarantined(df.with_columns(reason.alias(QUARANTINE_REASON)))


def split_quarantined(tagged: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows of a frame with a ``quarantine_reason`` column: those without one (the column
    dropped), and those with one (kept, as the quarantine file shows it)."""
    bad = tagged.filter(pl.col(QUARANTINE_REASON).is_not_null())
    good = tagged.filter(pl.col(QUARANTINE_REASON).is_null()).drop(QUARANTINE_REASON)
    return good, bad


def _responses_as_text(df: pl.DataFrame) -> pl.DataFrame:
    """Responses given as message or completion objects (``{"content": ...}`` or
    ``{"text": ...}``, as chat and completion APIs return them) become plain text."""
    rtype = df.schema["responses"]
    if not (isinstance(rtype, pl.List) and isinstance(rtype.inner, pl.Struct)):
        return df
    fields = {f.name for f in rtype.inner.fields}
    key = next((k for k in ("content", "text", "response", "completion") if k in fields), None)
    if key is None:
        return df
    return df.with_columns(pl.col("responses").list.eval(pl.element().struct.field(key)))


def with_drop(df: pl.DataFrame, rule: str, reason: str | pl.Expr) -> pl.DataFrame:
    """Tag dropped rows with the rule that dropped them and a human reason."""
    reason_expr = reason if isinstance(reason, pl.Expr) else pl.lit(reason)
    return df.with_columns(
        pl.lit(rule).alias(DROP_RULE), reason_expr.cast(pl.Utf8).alias(DROP_REASON)
    )


def split_by_rule(
    df: pl.DataFrame,
    found: list[tuple[str, str] | None],
    quarantined: pl.DataFrame | None = None,
) -> StepResult:
    """Rows whose entry in ``found`` is ``(rule, reason)`` are dropped with it; the rest kept."""
    tagged = df.with_columns(
        pl.Series(DROP_RULE, [f[0] if f else None for f in found], dtype=pl.Utf8),
        pl.Series(DROP_REASON, [f[1] if f else None for f in found], dtype=pl.Utf8),
    )
    kept = tagged.filter(pl.col(DROP_RULE).is_null()).drop(DROP_RULE, DROP_REASON)
    dropped = tagged.filter(pl.col(DROP_RULE).is_not_null())
    return StepResult(kept, dropped, quarantined if quarantined is not None else pl.DataFrame())
