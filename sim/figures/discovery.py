"""Figures of scenario discovery (:mod:`sim.analysis.discovery`): the PRIM trade-off, the
chosen box against each parameter's range, the CART tree and the feature scores.

The functions take plain tables and lists (figures sit below the analyses in the layout).
Same conventions as the other figures: Okabe-Ito colours, Agg backend, PNG without a
timestamp.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from sim.figures.style import OKABE_ITO, save_png, style_axes, plt

BOX_COLOUR, RANGE_COLOUR = OKABE_ITO[4], "#D9D9D9"


def _title(condition: str) -> str:
    return "\n".join(textwrap.wrap(f"cases of interest: {condition}", 80))


def tradeoff(trajectory, chosen: int, condition: str, path: Path) -> Path:
    """Coverage against density of every step of the peeling trajectory; colour = restricted dimensions."""
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    res = trajectory["res_dim"].to_numpy()
    cmap = plt.get_cmap("viridis", max(int(res.max()) + 1, 2))
    ax.plot(trajectory["coverage"], trajectory["density"], color="#999999", lw=0.8, zorder=1)
    sc = ax.scatter(trajectory["coverage"], trajectory["density"], c=res, cmap=cmap, vmin=-0.5,
                    vmax=max(int(res.max()), 1) + 0.5, s=28, zorder=2, edgecolor="black", linewidth=0.3)
    top = max(int(res.max()), 1)
    cb = fig.colorbar(sc, ax=ax, ticks=range(0, top + 1, max(1, int(np.ceil((top + 1) / 10)))))
    cb.set_label("parameters restricted by the box")
    c, d = trajectory.loc[chosen, "coverage"], trajectory.loc[chosen, "density"]
    ax.scatter([c], [d], s=220, facecolor="none", edgecolor=OKABE_ITO[5], linewidth=2.2, zorder=3,
               label=f"chosen box (step {chosen}): coverage {100 * c:.0f}%, density {100 * d:.0f}%")
    ax.annotate("start: the whole table", (trajectory["coverage"].iloc[0], trajectory["density"].iloc[0]),
                textcoords="offset points", xytext=(-4, -16), ha="right", fontsize=8)
    ax.set_xlim(-0.02, 1.05)
    ax.set_ylim(0, 1.05)
    ax.legend(loc="lower left", fontsize=9, frameon=False)
    style_axes(ax, f"PRIM peeling trajectory\n{_title(condition)}",
               "coverage (share of the cases of interest inside the box)",
               "density (share of the box that are cases of interest)")
    return save_png(fig, path)


def box_limits(limits, box: dict[str, float], condition: str, path: Path) -> Path:
    """The chosen box along each restricted parameter, drawn inside the parameter's range.

    ``limits`` are :class:`sim.analysis.discovery.Limit` objects; each range is scaled to
    [0, 1] so parameters of different units share one axis; the numbers are written at the
    ends of the bars.
    """
    rows = [lim for lim in limits if lim.restricted]
    rows.sort(key=lambda lim: -(lim.quasi_p if lim.quasi_p is not None else 0.0))   # most significant on top
    others = len(limits) - len(rows)
    fig, ax = plt.subplots(figsize=(9.5, 1.6 + 0.62 * max(len(rows), 1)))
    for i, lim in enumerate(rows):
        d = lim.dimension
        if d.categorical:
            n = len(d.levels)
            for j, level in enumerate(d.levels):
                kept = level in lim.levels
                ax.barh(i, 1 / n, left=j / n, height=0.5, color=BOX_COLOUR if kept else RANGE_COLOUR,
                        edgecolor="white")
                ax.text((j + 0.5) / n, i, level, ha="center", va="center", fontsize=8,
                        color="white" if kept else "black")
        else:
            span = (d.high - d.low) or 1.0
            lo, hi = (lim.low - d.low) / span, (lim.high - d.low) / span
            ax.barh(i, 1, left=0, height=0.5, color=RANGE_COLOUR)
            ax.barh(i, hi - lo, left=lo, height=0.5, color=BOX_COLOUR)
            ax.text(lo, i + 0.34, f"{lim.low:.4g}", ha="center", va="bottom", fontsize=8)
            ax.text(hi, i + 0.34, f"{lim.high:.4g}", ha="center", va="bottom", fontsize=8)
            ax.text(-0.01, i - 0.34, f"{d.low:.4g}", ha="right", va="top", fontsize=7, color="#555555")
            ax.text(1.01, i - 0.34, f"{d.high:.4g}", ha="left", va="top", fontsize=7, color="#555555")
    labels = ["\n".join(textwrap.wrap(lim.dimension.label, 42))
              + (f"\nquasi-p {lim.quasi_p:.1g}" if lim.quasi_p is not None else "") for lim in rows]
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.set_ylim(-0.8, max(len(rows), 1) - 0.2)
    ax.set_xlim(-0.08, 1.08)
    ax.set_xticks([0, 0.5, 1], ["low end of the range", "middle", "high end"])
    if not rows:
        ax.text(0.5, 0, "the chosen box restricts no parameter", ha="center", va="center")
    note = f" ({others} other parameter(s) not restricted)" if others else ""
    style_axes(ax, f"PRIM box (coverage {100 * box['coverage']:.0f}%, density {100 * box['density']:.0f}%) "
                   f"against each parameter's range\n{_title(condition)}{note}", "", "")
    ax.grid(False)
    return save_png(fig, path)


def tree(model, feature_names: list[str], condition: str, path: Path) -> Path:
    """The CART tree (scikit-learn's ``plot_tree``): each node's split, rows and share meeting the condition."""
    from sklearn.tree import plot_tree

    depth = model.get_depth()
    leaves = model.get_n_leaves()
    fig, ax = plt.subplots(figsize=(min(22, 3.2 + 2.6 * leaves), 2.2 + 1.9 * max(depth, 1)))
    plot_tree(model, feature_names=feature_names, class_names=["no", "yes"], filled=True, impurity=False,
              proportion=True, rounded=True, precision=3, fontsize=8, ax=ax)
    ax.set_title(f"CART tree: does a row meet the condition? (value = [share not meeting, share meeting])\n"
                 f"{_title(condition)}", fontsize=11)
    return save_png(fig, path)


def feature_scores(scores, condition: str, path: Path, top: int = 25) -> Path:
    """Horizontal bars of the extra-trees importance of each parameter (spread across trees)."""
    df = scores.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.5, 1.4 + 0.36 * len(df)))
    y = np.arange(len(df))
    ax.barh(y, df["importance"], xerr=df["std"], color=BOX_COLOUR, capsize=2, error_kw={"lw": 0.8})
    ax.set_yticks(y, ["\n".join(textwrap.wrap(str(s), 60)) for s in df["label"]], fontsize=8)
    more = f" (top {top} of {len(scores)})" if len(scores) > top else ""
    style_axes(ax, f"Feature scores{more}\n{_title(condition)}",
               "extra-trees impurity importance (sums to 1; whisker = 1 standard deviation across trees)", "")
    return save_png(fig, path)
