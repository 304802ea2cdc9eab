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
from pathlib import Path

import polars as pl
from jinja2 import Environment

from curation.io import read_table, side_path

_PAGE = Path(__file__).with_name("report.html.j2")


def _png(fig: object) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
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


def build_report(input_path: str | Path, output: str | Path, title: str | None = None) -> Path:
    """Write the HTML report of ``input_path`` (a curate output) to ``output``."""
    import matplotlib

    matplotlib.use("Agg")
    input_path = Path(input_path)
    kept, _ = read_table(input_path)
    dropped = _read_optional(side_path(input_path, "dropped"))
    quarantined = _read_optional(side_path(input_path, "quarantine"))
    rules = Counter(dropped["drop_rule"].to_list()) if "drop_rule" in dropped.columns else Counter()
    reasons = (
        Counter(quarantined["quarantine_reason"].to_list())
        if "quarantine_reason" in quarantined.columns
        else Counter()
    )
    everything = (
        pl.concat([f for f in (kept, dropped) if f.width], how="diagonal_relaxed")
        if kept.width or dropped.width
        else pl.DataFrame()
    )
    plots: list[tuple[str, str]] = []
    pass_table: list[tuple[str, int, float, float]] = []
    if "pass_rate" in everything.columns:
        plots.append(
            ("Pass-rate histogram per source (kept and dropped)", _pass_rate_plot(everything))
        )
        by = "source" if "source" in everything.columns else None
        grouped = everything.group_by(
            pl.col(by).cast(pl.Utf8).fill_null("(none)") if by else pl.lit("all").alias("source")
        )
        stats = grouped.agg(
            pl.len(),
            pl.col("pass_rate").mean(),
            pl.col("pass_at_k").mean() if "pass_at_k" in everything.columns else pl.lit(0.0),
        )
        pass_table = [tuple(r) for r in stats.sort(stats.columns[0]).iter_rows()]  # type: ignore[misc]
    counts_by_rule = [("kept", kept.height), *sorted(rules.items())]
    plots.append(("Kept and dropped per rule", _bar_plot(counts_by_rule, "rows")))
    if "responses" in everything.columns:
        plots.append(("Response lengths", _length_plot(everything)))
    page = (
        Environment(autoescape=True)
        .from_string(_PAGE.read_text(encoding="utf-8"))
        .render(
            title=title or f"curate report: {input_path.name}",
            counts=[
                ("kept", kept.height),
                ("dropped", dropped.height),
                ("quarantined", quarantined.height),
            ],
            rules=sorted(rules.items()),
            quarantine=sorted(reasons.items()),
            plots=plots,
            pass_table=pass_table,
        )
    )
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return output
