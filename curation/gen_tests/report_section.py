"""The strength section of ``curate report``, for outputs of ``gen_tests``.

Kept apart from ``curation/report.py`` (which only asks for the section): the
columns it reads are the ones ``step.py`` writes.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from jinja2 import Environment

from curation.gen_tests.step import STRENGTH_COLUMNS

_TEMPLATE = Path(__file__).with_name("strength.html.j2")
MAX_ROWS = 200


def _share(killed: int, wrong: int) -> str:
    return f"{killed} ({100 * killed / wrong:.1f}%)" if wrong else str(killed)


def strength_section(rows: pl.DataFrame) -> str | None:
    """HTML for the generated-tests strength table, or None when ``rows`` has no such columns."""
    if rows.height == 0 or not set(STRENGTH_COLUMNS) <= set(rows.columns):
        return None
    frame = rows.select(
        pl.col("id").cast(pl.Utf8) if "id" in rows.columns else pl.lit("?").alias("id"),
        pl.col("gen_tests_added").fill_null(0).alias("added"),
        pl.col("gen_wrong_total").fill_null(0).alias("wrong"),
        pl.col("gen_killed_original").fill_null(0).alias("original"),
        pl.col("gen_killed_all").fill_null(0).alias("extended"),
        (pl.col("gen_tests_refs") - pl.col("gen_tests_refs_passed")).fill_null(0).alias("failed"),
    )
    wrong = int(frame["wrong"].sum())
    per_row = [
        {
            **r,
            "original": _share(r["original"], r["wrong"]),
            "extended": _share(r["extended"], r["wrong"]),
        }
        for r in frame.head(MAX_ROWS).to_dicts()
    ]
    return (
        Environment(autoescape=True)
        .from_string(_TEMPLATE.read_text(encoding="utf-8"))
        .render(
            problems=frame.height,
            added=int(frame["added"].sum()),
            refs_failed=int(frame["failed"].sum()),
            wrong=wrong,
            original=_share(int(frame["original"].sum()), wrong),
            extended=_share(int(frame["extended"].sum()), wrong),
            rows=per_row,
        )
    )
