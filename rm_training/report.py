"""The eval report: one self-contained HTML page, plots as PNG data URIs (``curate report``)."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment

_PAGE = Path(__file__).with_name("report.html.j2")


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _reliability(bins: list[dict[str, float]]) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    filled = [b for b in bins if b["count"]]
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot(
        [b["mean_p"] for b in filled], [b["frac_positive"] for b in filled], "o-", label="judge"
    )
    ax.set_xlabel("mean P(Yes) in bin")
    ax.set_ylabel("fraction correct")
    ax.legend(fontsize=7)
    return _png(fig)


def _histogram(rows: Sequence[dict[str, Any]]) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3))
    for label, name in ((True, "correct responses"), (False, "wrong responses")):
        ax.hist(
            [r["p_yes"] for r in rows if bool(r["label"]) == label],
            bins=20,
            range=(0, 1),
            alpha=0.5,
            label=name,
        )
    ax.set_xlabel("P(Yes)")
    ax.set_ylabel("responses")
    ax.legend(fontsize=7)
    return _png(fig)


def _category_bars(by_category: dict[str, Any]) -> str:
    import matplotlib.pyplot as plt

    names = list(by_category)
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(names) + 1))
    ys = range(len(names))
    ax.barh(
        [y + 0.2 for y in ys],
        [by_category[n]["judge"]["accuracy"] for n in names],
        0.4,
        label="judge",
    )
    ax.barh(
        [y - 0.2 for y in ys],
        [by_category[n]["rules"]["accuracy"] for n in names],
        0.4,
        label="rules",
    )
    ax.set_yticks(list(ys), names)
    ax.set_xlabel("accuracy")
    ax.set_xlim(0, 1)
    ax.legend(fontsize=7)
    return _png(fig)


def write_report(summary: dict[str, Any], rows: Sequence[dict[str, Any]], output: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    plots = [("Accuracy per category: judge vs rules", _category_bars(summary["by_category"]))]
    if rows:
        plots.append(("P(Yes) by true label", _histogram(rows)))
    plots.append(("Reliability of P(Yes)", _reliability(summary["calibration"]["bins"])))
    headline = [
        (name, summary[key])
        for name, key in (("judge", "judge"), ("rules", "rules"), ("majority class", "majority"))
    ]
    page = (
        Environment(autoescape=True)
        .from_string(_PAGE.read_text(encoding="utf-8"))
        .render(
            title=f"rm-train eval: {summary['config']['model']}",
            summary=summary,
            headline=headline,
            plots=plots,
            examples=[r for r in rows if bool(r["predicted"]) != bool(r["label"])][:15],
        )
    )
    output.write_text(page, encoding="utf-8")
    return output
