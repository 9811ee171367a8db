"""The margin waterfall: how each part of an actor's accept decision adds up (``ceasefire-sim why``).

Bars are the **means** across replications of the parts of ``V_deal - V_war - e - eps``
(:func:`sim.output.summary.margins`): means add up, so the last bar (the total) is the sum of
the bars before it; the total's sign is what the accept rule compares with 0. Whiskers show
each part's 5-95% range across replications. Unit: the pp-year (one percentage point of
Ukraine's territory held for a year).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from sim.figures.style import ACTOR_COLOURS, save_png, style_axes
from sim.output.labels import LABELS, part_label

GAIN, LOSS, TOTAL = "#009E73", "#D55E00", "#000000"


def waterfall(row: dict, actor: str, title: str, path: Path) -> Path:
    """Draw one actor's waterfall from a ``summary["margins"][i]["actors"][actor]`` row."""
    parts = row["parts"]
    names = list(parts)
    fig, ax = plt.subplots(figsize=(8.0, 0.5 * len(names) + 2.2))
    level = 0.0
    ys = list(range(len(names) + 1))[::-1]
    for y, name in zip(ys, names):
        q = parts[name]
        mean = q["mean"]
        ax.barh(y, mean, left=level, color=GAIN if mean >= 0 else LOSS, height=0.6)
        ax.plot([level + q["q05"], level + q["q95"]], [y, y],
                color="#555555", lw=1)
        level += mean
    total = row["total"]
    ax.barh(ys[-1], total["mean"], color=ACTOR_COLOURS.get(actor, TOTAL), height=0.6)
    ax.plot([total["q05"], total["q95"]], [ys[-1], ys[-1]], color="#555555", lw=1)
    ax.axvline(0.0, color="#333333", lw=0.8)
    ax.set_yticks(ys)
    ax.set_yticklabels([part_label(n) for n in names] + ["total (accepts if > 0)"])
    share = row.get("total_positive_share")
    style_axes(ax, f"{LABELS.get(actor, actor)}: {title}", "mean contribution (pp-years; whiskers 5-95%)"
               + ("" if share is None else f" - total > 0 in {share:.0%}"), "")
    return save_png(fig, path)
