"""Figures of the validation page: tornado charts, durability curves, calibration by year.

Same conventions as :mod:`sim.figures.run` (Okabe-Ito colours, Agg backend, PNG without a
timestamp so the files are reproducible).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.output.summary import kaplan_meier
from sim.figures.style import OKABE_ITO, save_png, style_axes, plt
from sim.output.labels import SENSITIVITY_OUTCOMES

LOW_COLOUR, HIGH_COLOUR = "#0072B2", "#E69F00"


def tornado(result, key: str, path: Path, top: int = 15) -> Path:
    """Horizontal bars from the baseline to the outcome at each factor's low and high end.

    ``result`` is a :class:`sim.analysis.sensitivity.Sensitivity` (not imported: figures sit
    below the analyses in the layout).
    """
    rows = [r for r in result.ranked(key)[:top]]
    rows = rows[::-1]                      # largest swing at the top
    base = result.baseline[key]
    pct = SENSITIVITY_OUTCOMES[key][1] == "p"
    scale = 100.0 if pct else 1.0
    fig, ax = plt.subplots(figsize=(9, 0.38 * max(len(rows), 3) + 1.6))
    y = np.arange(len(rows))
    lows = np.array([r.low[key] for r in rows]) * scale
    highs = np.array([r.high[key] for r in rows]) * scale
    b = base * scale
    ax.barh(y, lows - b, left=b, color=LOW_COLOUR, edgecolor="black", linewidth=0.4,
            label="factor at the low end of its range")
    ax.barh(y, highs - b, left=b, color=HIGH_COLOUR, edgecolor="black", linewidth=0.4, alpha=0.9,
            label="factor at the high end of its range")
    ax.axvline(b, color="black", linewidth=1)
    labels = [f"{r.factor.path.replace('actors.', '')}  [{r.factor.low:g} – {r.factor.high:g}]" for r in rows]
    ax.set_yticks(y, labels, fontsize=8)
    unit = "%" if pct else ""
    ax.legend(loc="best", fontsize=8)
    style_axes(ax, f"{result.title}\none-at-a-time sensitivity ({result.replications:,} replications per run)",
           f"{SENSITIVITY_OUTCOMES[key][0]} (baseline {b:.1f}{unit})", "")
    ax.grid(axis="y", alpha=0)
    return save_png(fig, path)


def durability_curves(curves: dict[str, tuple[np.ndarray, np.ndarray]], horizon: int, path: Path,
                      title: str) -> Path:
    """Kaplan-Meier survival of agreed ceasefires, one curve per agreement type."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for (label, (d, c)), colour in zip(curves.items(), [OKABE_ITO[5], OKABE_ITO[4], OKABE_ITO[2], OKABE_ITO[0]]):
        t, s = kaplan_meier(d, c)
        t = np.append(t, horizon)
        s = np.append(s, s[-1])
        ax.step(t, s, where="post", linewidth=2, color=colour, label=f"{label} ({len(d)} ceasefires)")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, horizon)
    ax.legend(loc="lower left", fontsize=9)
    style_axes(ax, title, "weeks since the ceasefire began", "share still holding (Kaplan-Meier)")
    return save_png(fig, path)


def hazard_bars(rates: dict[str, list], path: Path, title: str) -> Path:
    """Breakdowns per year by year of ceasefire age (95% intervals), one series per agreement."""
    fig, ax = plt.subplots(figsize=(8, 4))
    n_series = len(rates)
    width = 0.8 / max(n_series, 1)
    for i, ((label, rs), colour) in enumerate(zip(rates.items(), [OKABE_ITO[5], OKABE_ITO[4], OKABE_ITO[2]])):
        x = np.arange(len(rs)) + (i - (n_series - 1) / 2) * width
        vals = np.array([r.value for r in rs])
        lo = np.array([r.interval[0] for r in rs])
        hi = np.array([r.interval[1] for r in rs])
        ax.bar(x, vals, width, color=colour, edgecolor="black", linewidth=0.4, label=label)
        ax.errorbar(x, vals, yerr=[np.maximum(vals - lo, 0), np.maximum(hi - vals, 0)], fmt="none",
                    ecolor="black", capsize=3)
    first = next(iter(rates.values()))
    ax.set_xticks(np.arange(len(first)), [f"year {int(r.start_weeks // 52) + 1}" for r in first])
    ax.legend(loc="upper right", fontsize=9)
    style_axes(ax, title, "age of the ceasefire", "breakdowns per ceasefire-year")
    return save_png(fig, path)


def front_speed_by_year(gains: list[np.ndarray], band: tuple[float, float], path: Path, title: str) -> Path:
    """Territory gained by Russia in each year under refusal (box plots) against the record."""
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.axhspan(band[0], band[1], color=OKABE_ITO[2], alpha=0.25, label="2024 record (0.5-1 pp a year)")
    ax.boxplot(gains, whis=(5, 95), showfliers=False, medianprops={"color": "black"},
               patch_artist=True, boxprops={"facecolor": "#D55E00", "alpha": 0.6})
    ax.set_xticks(np.arange(1, len(gains) + 1), [f"year {i + 1}" for i in range(len(gains))])
    ax.legend(loc="upper left", fontsize=9)
    style_axes(ax, title, "box: quartiles and median; whiskers: 5% and 95% of replications",
           "pp of Ukraine gained by Russia")
    return save_png(fig, path)
