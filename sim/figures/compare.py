"""Figures that put several scenarios side by side (matplotlib, Agg backend, PNG).

Made to be read projected in a classroom: large type, labelled axes with units, titles
that say what is compared. Each scenario keeps one colour (and one hatch, for grey-scale
print-outs) in every figure: the Okabe-Ito palette (Okabe & Ito 2008), safe for
colour-blind readers. Every function takes the scenario labels and their
:class:`~sim.output.summary.Outcomes` (paired runs from :mod:`sim.analysis.compare`) and a destination
(a path or a binary file object) and returns it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402

from sim.engine.model import OUTCOME_CLASSES  # noqa: E402
from sim.scenario.offers import ACTORS  # noqa: E402
from sim.engine.outcomes import Outcomes  # noqa: E402
from sim.output.summary import kaplan_meier, wilson  # noqa: E402
from sim.figures.style import ACTOR_COLOURS, DPI, fit_text  # noqa: E402
from sim.figures.palette import (Figure, SCENARIO_COLOURS, SCENARIO_HATCHES, SCENARIO_LINES,  # noqa: E402,F401
                                 scenario_colour, scenario_hatch)
from sim.output.labels import LABELS  # noqa: E402

RC = {"font.size": 12, "axes.titlesize": 14, "axes.labelsize": 12.5, "xtick.labelsize": 12,
      "ytick.labelsize": 11.5, "legend.fontsize": 11}

Dest = Path | BinaryIO


def _style(ax, title, xlabel, ylabel):
    ax.set_title(title, loc="left", fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3, axis="y")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _save(fig, dest: Dest) -> Dest:
    fit_text(fig)
    fig.savefig(dest, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return dest


def _grouped_bars(ax, labels, groups, values, intervals, group_colours=None):
    """Bars: one group per x position, one bar per scenario inside it.

    ``group_colours`` (one scenario only) colours each bar by its group, e.g. by actor.
    """
    k = len(labels)
    width = 0.8 / k
    x = np.arange(len(groups))
    for i, label in enumerate(labels):
        pos = x - 0.4 + width * (i + 0.5)
        vals = np.array([values[i][g] for g in range(len(groups))])
        err = np.array([[vals[g] - intervals[i][g][0], intervals[i][g][1] - vals[g]] for g in range(len(groups))]).T
        colour = group_colours if group_colours is not None and k == 1 else scenario_colour(i)
        ax.bar(pos, vals, width, color=colour, hatch=scenario_hatch(i), edgecolor="black",
               linewidth=0.6, label=label)
        ax.errorbar(pos, vals, yerr=np.maximum(err, 0), fmt="none", ecolor="black", capsize=3, linewidth=1)
    ax.set_xticks(x, groups)
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))


def outcome_bars(labels: list[str], outcomes: list[Outcomes], dest: Dest) -> Dest:
    """Probability of each outcome class at the horizon, one bar per scenario (Wilson 95%)."""
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(10, 5))
        vals, ints = [], []
        for out in outcomes:
            est = [wilson(int(np.count_nonzero(out.columns["outcome"] == c)), out.n) for c in OUTCOME_CLASSES]
            vals.append([e[0] for e in est])
            ints.append([(e[1], e[2]) for e in est])
        _grouped_bars(ax, labels, [LABELS[c].replace(" ", "\n", 1) for c in OUTCOME_CLASSES], vals, ints)
        ax.legend(title="scenario", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        _style(ax, f"Outcome after {outcomes[0].horizon_weeks} weeks, by scenario (95% intervals)",
               "outcome at the end of the simulated period", "share of replications")
        return _save(fig, dest)


def acceptance_bars(labels: list[str], outcomes: list[Outcomes], dest: Dest) -> Dest:
    """Share of replications in which each actor accepts an offer, one bar per scenario."""
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(10, 4.8))
        vals, ints = [], []
        for out in outcomes:
            c = out.columns
            est = [wilson(int(np.count_nonzero(c[f"accepted_{a}"] & c[f"offered_{a}"])), out.n) for a in ACTORS]
            vals.append([e[0] for e in est])
            ints.append([(e[1], e[2]) for e in est])
        _grouped_bars(ax, labels, [LABELS[a] for a in ACTORS], vals, ints, [ACTOR_COLOURS[a] for a in ACTORS])
        if len(labels) > 1:
            ax.legend(title="scenario", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        _style(ax, "Who accepts an offer, by actor and scenario (95% intervals)", "actor",
               "share of replications accepting")
        return _save(fig, dest)


def survival_curves(labels: list[str], outcomes: list[Outcomes], dest: Dest) -> Dest:
    """Kaplan-Meier curves of ceasefire duration, one per scenario (censored at the horizon)."""
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(10, 5.2 + 0.3 * len(labels)))
        horizon = outcomes[0].horizon_weeks
        for i, (label, out) in enumerate(zip(labels, outcomes)):
            c = out.columns
            had = c["ceasefire_start_week"] >= 0
            if not had.any():
                ax.plot([], [], color=scenario_colour(i), linestyle=SCENARIO_LINES[i % len(SCENARIO_LINES)],
                        linewidth=2.5, label=f"{label}: no ceasefire agreed")
                continue
            t, s = kaplan_meier(c["ceasefire_duration_weeks"][had], c["ceasefire_censored"][had])
            t = np.append(t, horizon)
            s = np.append(s, s[-1])
            ax.step(t, s, where="post", color=scenario_colour(i), linestyle=SCENARIO_LINES[i % len(SCENARIO_LINES)],
                    linewidth=2.5, label=f"{label}: {int(had.sum()):,} ceasefires, "
                                         f"{int(c['ceasefire_censored'][had].sum()):,} still holding")
        ax.set_ylim(0, 1.03)
        ax.set_xlim(0, horizon)
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1 if len(labels) > 2 else 2, frameon=False)
        _style(ax, "How long ceasefires last, by scenario (Kaplan-Meier)", "weeks since the ceasefire began",
               "share of ceasefires still holding")
        ax.grid(alpha=0.3, axis="x")
        return _save(fig, dest)


def _violins(ax, labels, data, unit, digits=0):
    pos = np.arange(1, len(labels) + 1)
    spread = [i for i, x in enumerate(data) if x.size > 1 and np.ptp(x) > 0]
    if spread:
        parts = ax.violinplot([data[i] for i in spread], positions=pos[spread], widths=0.8, showextrema=False)
        for i, body in zip(spread, parts["bodies"]):
            body.set_facecolor(scenario_colour(i))
            body.set_edgecolor("black")
            body.set_alpha(0.75)
            body.set_hatch(scenario_hatch(i))
    box = ax.boxplot(data, positions=pos, widths=0.14, whis=(5, 95), showfliers=False, patch_artist=True,
                     medianprops={"color": "black", "linewidth": 2})
    for patch in box["boxes"]:
        patch.set_facecolor("white")
    ax.set_xticks(pos, [f"{label}\nmedian {np.median(x):,.{digits}f}" for label, x in zip(labels, data)])
    ax.set_ylabel(unit)


def territory_violins(labels: list[str], outcomes: list[Outcomes], dest: Dest) -> Dest:
    """Distribution of territory held by Russia at the horizon, per scenario."""
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(10, 4.8))
        _violins(ax, labels, [np.asarray(o.columns["territory_end_pct"], float) for o in outcomes],
                 "% of Ukraine's territory held by Russia", digits=1)
        _style(ax, f"Territory held by Russia after {outcomes[0].horizon_weeks} weeks, by scenario",
               "scenario (violin: all replications; box: 25-75%, whiskers: 5-95%)",
               "% of Ukraine's territory held by Russia")
        return _save(fig, dest)


def casualty_violins(labels: list[str], outcomes: list[Outcomes], dest: Dest) -> Dest:
    """Distribution of casualties per side over the horizon, per scenario."""
    with plt.rc_context(RC):
        fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), sharey=True)
        for ax, key, side in zip(axes, ("casualties_russia_k", "casualties_ukraine_k"), ("Russian", "Ukrainian")):
            _violins(ax, labels, [np.asarray(o.columns[key], float) for o in outcomes], "")
            _style(ax, f"{side} casualties", "scenario", "thousand killed and wounded" if side == "Russian" else "")
            if len(labels) > 3:
                ax.tick_params(axis="x", labelrotation=15)
        fig.suptitle(f"Casualties over {outcomes[0].horizon_weeks} weeks, by scenario "
                     "(box: 25-75%, whiskers: 5-95%)", fontsize=14, fontweight="bold", x=0.01, ha="left")
        return _save(fig, dest)


def _render(fn, labels, outcomes) -> bytes:
    buf = io.BytesIO()
    fn(labels, outcomes, buf)
    return buf.getvalue()


#: (file name, function, caption) of the comparison figures, in report order.
COMPARISON_FIGURES = [
    ("outcomes.png", outcome_bars,
     "Share of replications ending in each outcome, per scenario. Black bars: 95% Wilson intervals."),
    ("ceasefire_survival.png", survival_curves,
     "Of the ceasefires agreed in each scenario, the share still holding after a given number of weeks "
     "(Kaplan-Meier; ceasefires still holding at the horizon are censored)."),
    ("territory.png", territory_violins,
     "Territory held by Russia at the end of the simulated period: the spread over all replications."),
    ("casualties.png", casualty_violins, "Casualties of each side over the simulated period."),
    ("acceptance.png", acceptance_bars,
     "Share of all replications in which each actor accepts an offer at least once (an actor is asked "
     "whenever an offer falls due while the war is on)."),
]


def comparison_figures(labels: list[str], outcomes: list[Outcomes], folder: Path | None = None) -> list[Figure]:
    """Render every comparison figure; also write them as PNG files into ``folder`` if given."""
    figs = []
    for name, fn, caption in COMPARISON_FIGURES:
        png = _render(fn, labels, outcomes)
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(png)
        figs.append(Figure(name, caption, png))
    return figs
