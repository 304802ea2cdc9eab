"""``curate report``: one self-contained HTML page that shows what curation did.

Plots (matplotlib, embedded as PNG data URIs so the file can be mailed or
attached to a PR): pass-rate histogram per source, kept/dropped counts per
rule, and response lengths; plus the tables behind them. Input is any curate
output; its ``.dropped`` and ``.quarantine`` side files are found next to it.
"""

from __future__ import annotations

import base64
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from jinja2 import Environment

if TYPE_CHECKING:  # matplotlib is imported only when a report is drawn
    from matplotlib.figure import Figure

from curation.io import read_table, side_path

_PAGE = Path(__file__).with_name("report.html.j2")


def _png(fig: Figure) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _read_optional(path: Path) -> pl.DataFrame:
    return read_table(path)[0] if path.exists() else pl.DataFrame()


def _pass_rate_plot(rows: pl.DataFrame) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.5))
    sources = rows["source"].cast(pl.Utf8).fill_null("(none)") if "source" in rows.columns else None
    groups = (
        rows.with_columns(sources.alias("_src"))
        if sources is not None
        else rows.with_columns(pl.lit("all").alias("_src"))
    )
    for name, part in sorted(groups.group_by("_src"), key=lambda g: str(g[0])):
        ax.hist(
            part["pass_rate"].drop_nulls().to_list(),
            bins=20,
            range=(0, 1),
            alpha=0.5,
            label=str(name[0]),
        )
    ax.set_xlabel("pass rate")
    ax.set_ylabel("prompts")
    ax.legend(fontsize=7)
    return _png(fig)


def _bar_plot(counts: list[tuple[str, int]], xlabel: str) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.4 * len(counts) + 1))
    ax.barh([c[0] for c in counts], [c[1] for c in counts])
    ax.set_xlabel(xlabel)
    return _png(fig)


def _length_plot(rows: pl.DataFrame) -> str:
    import matplotlib.pyplot as plt

    lengths = rows.select(pl.col("responses").list.eval(pl.element().str.len_chars()).explode())
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.hist(lengths.to_series().drop_nulls().to_list(), bins=40)
    ax.set_xlabel("response length (characters)")
    ax.set_ylabel("responses")
    return _png(fig)


@dataclass(frozen=True)
class _Stage:
    """One command's output and its side files."""

    name: str
    kept: pl.DataFrame
    dropped: pl.DataFrame
    quarantined: pl.DataFrame

    @classmethod
    def load(cls, path: Path) -> _Stage:
        return cls(
            path.name,
            read_table(path)[0],
            _read_optional(side_path(path, "dropped")),
            _read_optional(side_path(path, "quarantine")),
        )

    def rows(self) -> pl.DataFrame:
        frames = [f for f in (self.kept, self.dropped) if f.width]
        return pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()


def reason_kind(reason: str) -> str:
    """The kind of a quarantine reason: its text before the first colon.

    Reasons carry row details (``bad JSON: Expecting value: line 1 column 5``,
    ``bad gold (reference_error): the gold answer could not be read``); grouping by
    kind turns one line per row into one line per problem.
    """
    return reason.split(":", 1)[0].strip() or reason


def _grouped_reasons(stages: Sequence[_Stage], many: bool) -> list[tuple[str, int, str]]:
    """(kind, rows, one example) per quarantine reason kind, most frequent first."""
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for stage in stages:
        if "quarantine_reason" not in stage.quarantined.columns:
            continue
        for reason in stage.quarantined["quarantine_reason"].cast(pl.Utf8).to_list():
            text = reason or "(no reason)"
            kind = f"{stage.name}: {reason_kind(text)}" if many else reason_kind(text)
            counts[kind] += 1
            examples.setdefault(kind, text[:300])
    return [(k, n, examples[k]) for k, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]


def _pipeline(stages: Sequence[_Stage]) -> list[tuple[str, int, int, int, int, str]]:
    """Per step: rows in, kept, dropped, quarantined and its drop rules."""
    table = []
    for stage in stages:
        rules = _count(stage.dropped, "drop_rule", "")
        n_in = stage.kept.height + stage.dropped.height + stage.quarantined.height
        by_rule = ", ".join(f"{rule} {n}" for rule, n in sorted(rules.items()))
        table.append(
            (
                stage.name,
                n_in,
                stage.kept.height,
                stage.dropped.height,
                stage.quarantined.height,
                by_rule,
            )
        )
    return table


def _rows_with_rates(stages: Sequence[_Stage]) -> pl.DataFrame | None:
    """Every prompt that got a pass rate: the last scored step's kept rows plus the rows
    any step dropped with a pass rate (a filter's drops stay in the histogram even when
    later steps ran)."""
    last = next((st for st in reversed(stages) if "pass_rate" in st.kept.columns), None)
    frames = [st.dropped for st in stages if "pass_rate" in st.dropped.columns]
    if last is not None:
        frames.append(last.kept)
    frames = [f for f in frames if f.height]
    return pl.concat(frames, how="diagonal_relaxed") if frames else None


def _count(frame: pl.DataFrame, column: str, prefix: str) -> Counter[str]:
    if column not in frame.columns:
        return Counter()
    return Counter(f"{prefix}{v}" for v in frame[column].to_list())


def _pass_table(rows: pl.DataFrame) -> list[tuple[str, int, float, float]]:
    source = (
        pl.col("source").cast(pl.Utf8).fill_null("(none)")
        if "source" in rows.columns
        else pl.lit("all")
    )
    stats = rows.group_by(source.alias("source")).agg(
        pl.len(),
        pl.col("pass_rate").mean(),
        pl.col("pass_at_k").mean() if "pass_at_k" in rows.columns else pl.lit(0.0),
    )
    return [tuple(r) for r in stats.sort("source").iter_rows()]


def build_report(
    inputs: str | Path | Sequence[str | Path], output: str | Path, title: str | None = None
) -> Path:
    """Write the HTML report of one curate output, or of a pipeline's outputs in order.

    For a pipeline, a table shows every step's rows in, kept, dropped (by rule)
    and quarantined; drops are counted per step (``step: rule``), the final kept
    count is the last output's, the pass-rate plots use every prompt that got a
    pass rate (kept or dropped by any step), and quarantine reasons are grouped
    by kind with a count and an example.
    """
    import matplotlib

    matplotlib.use("Agg")
    paths = [Path(inputs)] if isinstance(inputs, str | Path) else [Path(p) for p in inputs]
    stages = [_Stage.load(p) for p in paths]
    many = len(stages) > 1
    rules: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for stage in stages:
        rules += _count(stage.dropped, "drop_rule", f"{stage.name}: " if many else "")
        reasons += _count(stage.quarantined, "quarantine_reason", f"{stage.name}: " if many else "")
    final = stages[-1]
    scored = _rows_with_rates(stages)
    plots: list[tuple[str, str]] = []
    pass_table: list[tuple[str, int, float, float]] = []
    if scored is not None and scored.height:
        plots.append(
            (
                "Pass-rate histogram per source (kept, and dropped by any step)",
                _pass_rate_plot(scored),
            )
        )
        pass_table = _pass_table(scored)
    plots.append(
        (
            "Kept and dropped per rule",
            _bar_plot([("kept", final.kept.height), *sorted(rules.items())], "rows"),
        )
    )
    with_responses = (
        scored if scored is not None and "responses" in scored.columns else final.rows()
    )
    if "responses" in with_responses.columns and with_responses.height:
        plots.append(("Response lengths", _length_plot(with_responses)))
    from curation.gen_tests.report_section import strength_section

    section = next((h for st in reversed(stages) if (h := strength_section(st.rows()))), None)
    sections = [section] if section else []
    page = (
        Environment(autoescape=True)
        .from_string(_PAGE.read_text(encoding="utf-8"))
        .render(
            title=title or f"curate report: {', '.join(st.name for st in stages)}",
            counts=[
                ("kept (final)", final.kept.height),
                ("dropped (all steps)", sum(rules.values())),
                ("quarantined (all steps)", sum(reasons.values())),
            ],
            rules=sorted(rules.items()),
            quarantine=_grouped_reasons(stages, many),
            pipeline=_pipeline(stages),
            plots=plots,
            pass_table=pass_table,
            sections=sections,
        )
    )
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return output
