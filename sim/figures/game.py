"""Figures of the game-theoretic analysis: the bargaining range and the belief gap over time.

Same style and Okabe-Ito colours as :mod:`sim.figures.run` (Russia vermillion, Ukraine blue).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.figures.style import ACTOR_COLOURS, save_png, style_axes, plt


def bargaining_range_figure(path_data, title: str, path: Path) -> Path:
    """Both reservation lines over time (median, interquartile band), the range shaded,
    and the share of replications at war in which a range exists."""
    wk = path_data.weekly()
    weeks = np.arange(len(wk["at_war"]))
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(8, 6.2), sharex=True, gridspec_kw={"height_ratios": [3, 1.3]})
    ru, ua = wk["russia_median"], wk["ukraine_median"]
    ax.fill_between(weeks, wk["russia_q25"], wk["russia_q75"], color=ACTOR_COLOURS["russia"], alpha=0.15, linewidth=0)
    ax.fill_between(weeks, wk["ukraine_q25"], wk["ukraine_q75"], color=ACTOR_COLOURS["ukraine"], alpha=0.15, linewidth=0)
    ax.plot(weeks, ru, color=ACTOR_COLOURS["russia"], linewidth=2,
            label="Russia's reservation line (accepts a line above it)")
    ax.plot(weeks, ua, color=ACTOR_COLOURS["ukraine"], linewidth=2,
            label="Ukraine's reservation line (accepts a line below it)")
    ax.fill_between(weeks, ru, ua, where=ua >= ru, color="#009E73", alpha=0.35, linewidth=0,
                    label="bargaining range (medians)")
    ax.plot(weeks, wk["territory_median"], color="black", linestyle="--", linewidth=1, label="current line (median)")
    ax.legend(loc="upper left", fontsize=8)
    style_axes(ax, f"{title}: the bargaining range over time", "", "% of Ukraine held by Russia")
    ax2.plot(weeks, wk["range_share"], color="#009E73", linewidth=2)
    ax2.set_ylim(0, 1.02)
    style_axes(ax2, "", "weeks from the start of the scenario", "share with a range")
    return save_png(fig, path)


def belief_gap_figure(beliefs: dict[str, np.ndarray] | None, title: str, path: Path) -> Path:
    """Russia's minus Ukraine's believed multiplier on Russia's relative power, over time."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    if not beliefs:
        ax.text(0.5, 0.5, "no belief trajectories recorded", ha="center", va="center", transform=ax.transAxes)
    else:
        gap = beliefs["russia"].astype(np.float64) - beliefs["ukraine"].astype(np.float64)
        weeks = np.arange(gap.shape[0])
        qs = np.quantile(gap, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
        ax.fill_between(weeks, qs[0], qs[4], color="#CC79A7", alpha=0.2, label="90% of replications")
        ax.fill_between(weeks, qs[1], qs[3], color="#CC79A7", alpha=0.4, label="50% of replications")
        ax.plot(weeks, qs[2], color="#CC79A7", linewidth=2, label="median")
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.legend(loc="upper right")
    style_axes(ax, f"{title}: belief gap (Russia's view minus Ukraine's)", "weeks from the start of the scenario",
           "gap in believed Russian relative power")
    return save_png(fig, path)
