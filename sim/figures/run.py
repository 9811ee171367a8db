"""Figures of one run's outcome distributions (PNG; palette and style in :mod:`sim.figures.style`).

Importing this module imports matplotlib but not the engine (Mesa): the figure worker
(:mod:`sim.figures.worker`) is ready to draw as soon as matplotlib is imported. An ``out``
is anything with the :class:`sim.engine.outcomes.Outcomes` attributes the figures read
(``columns``, ``n``, ``horizon_weeks``, ``territory_path``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

from sim.scenario.offers import ACTORS
from sim.output.survival import kaplan_meier
from sim.output.labels import LABELS
from sim.figures.palette import OUTCOME_CLASSES, RUN_FIGURE_COLUMNS, RUN_FIGURES  # noqa: F401 (re-exported)
from sim.figures.style import ACTOR_COLOURS, CLASS_COLOURS, OKABE_ITO, plt, save_png, style_axes

if TYPE_CHECKING:                     # the engine (and Mesa) only for type checkers: the figure
    from sim.engine.outcomes import Outcomes  # worker draws from the columns alone


def outcome_bars(summary: dict, title: str, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(8, 4.2))
    probs = summary["outcome_probabilities"]
    ints = summary["outcome_intervals_95"]
    x = np.arange(len(OUTCOME_CLASSES))
    vals = [probs[c] for c in OUTCOME_CLASSES]
    err = np.array([[probs[c] - ints[c][0], ints[c][1] - probs[c]] for c in OUTCOME_CLASSES]).T
    ax.bar(x, vals, color=[CLASS_COLOURS[c] for c in OUTCOME_CLASSES], edgecolor="black", linewidth=0.5)
    ax.errorbar(x, vals, yerr=np.maximum(err, 0), fmt="none", ecolor="black", capsize=4)
    ax.set_xticks(x, [LABELS[c] for c in OUTCOME_CLASSES], rotation=20, ha="right")
    ax.set_ylim(0, 1)
    style_axes(ax, f"{title}: outcome at {summary['horizon_weeks']} weeks (95% intervals)", "", "probability")
    return save_png(fig, path)


def acceptance_bars(summary: dict, title: str, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 3.8))
    acc = summary["acceptance_probability"]
    ints = summary["acceptance_intervals_95"]
    actors = [a for a in ACTORS if acc.get(a) is not None]
    if not actors:
        ax.text(0.5, 0.5, "no offer was made in this scenario", ha="center", va="center", transform=ax.transAxes)
    else:
        x = np.arange(len(actors))
        vals = [acc[a] for a in actors]
        err = np.array([[acc[a] - ints[a][0], ints[a][1] - acc[a]] for a in actors]).T
        ax.bar(x, vals, color=[ACTOR_COLOURS[a] for a in actors], edgecolor="black", linewidth=0.5)
        ax.errorbar(x, vals, yerr=np.maximum(err, 0), fmt="none", ecolor="black", capsize=4)
        ax.set_xticks(x, [LABELS[a] for a in actors])
    ax.set_ylim(0, 1)
    style_axes(ax, f"{title}: who accepts an offer (95% intervals)", "", "probability of accepting")
    return save_png(fig, path)


def survival_curve(out: Outcomes, title: str, path: Path) -> Path:
    c = out.columns
    had = c["ceasefire_start_week"] >= 0
    fig, ax = plt.subplots(figsize=(7, 4))
    if had.any():
        t, s = kaplan_meier(c["ceasefire_duration_weeks"][had], c["ceasefire_censored"][had])
        t = np.append(t, out.horizon_weeks)
        s = np.append(s, s[-1])
        ax.step(t, s, where="post", color="#0072B2", linewidth=2,
                label=f"{int(had.sum())} ceasefires ({int(c['ceasefire_censored'][had].sum())} still holding)")
        ax.legend(loc="lower left")
    else:
        ax.text(0.5, 0.5, "no ceasefire was agreed in any replication", ha="center", va="center",
                transform=ax.transAxes)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, out.horizon_weeks)
    style_axes(ax, f"{title}: how long ceasefires last (Kaplan-Meier)", "weeks since the ceasefire began",
           "share still holding")
    return save_png(fig, path)


def territory_fan(out: Outcomes, title: str, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(8, 4.2))
    paths = out.territory_path
    weeks = np.arange(paths.shape[0])
    qs = np.quantile(paths, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
    ax.fill_between(weeks, qs[0], qs[4], color="#D55E00", alpha=0.2, label="90% of replications")
    ax.fill_between(weeks, qs[1], qs[3], color="#D55E00", alpha=0.4, label="50% of replications")
    ax.plot(weeks, qs[2], color="#D55E00", linewidth=2, label="median")
    ax.legend(loc="upper left")
    style_axes(ax, f"{title}: territory held by Russia", "weeks from the start of the scenario",
           "% of Ukraine's territory")
    return save_png(fig, path)


def zero_casualty_note(out: Outcomes) -> tuple[int, str] | None:
    """Why some wars have no casualties at all: ``(count, words)``, or None if none has.

    A war without a single casualty is one where a ceasefire was agreed in week 0 and held
    to the horizon (the freeze accepted at once); any other is counted apart.
    """
    c = out.columns
    zero = (c["casualties_russia_k"] == 0) & (c["casualties_ukraine_k"] == 0)
    k = int(np.count_nonzero(zero))
    if not k:
        return None
    held = zero & (c["ceasefire_start_week"] == 0) & c["ceasefire_censored"]
    h = int(np.count_nonzero(held))
    share = f"{k:,} of {out.n:,} wars ({k / out.n:.0%})"
    if h == k:
        return k, f"bar at 0: {share}\nwith no casualties: a ceasefire\nagreed in week 0 held to the end"
    return k, f"bar at 0: {share}\nwith no casualties; {h:,} of them:\na ceasefire agreed in week 0\nheld to the end"


def casualties_and_cost(out: Outcomes, title: str, path: Path) -> Path:
    c = out.columns
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.2))
    note = zero_casualty_note(out)
    panels = [
        (c["casualties_russia_k"], "Russian casualties", "thousand killed and wounded", ACTOR_COLOURS["russia"], True),
        (c["casualties_ukraine_k"], "Ukrainian casualties", "thousand killed and wounded", ACTOR_COLOURS["ukraine"],
         True),
        (c["aid_us_bn"] + c["aid_europe_bn"], "Western military aid (US and Europe)", "EUR billion",
         ACTOR_COLOURS["europe"], False),
    ]
    for ax, (x, name, unit, colour, casualties) in zip(axes, panels):
        counts, edges, _ = ax.hist(x, bins=40, color=colour, alpha=0.85, edgecolor="white")
        ax.axvline(np.median(x), color="black", linestyle="--", linewidth=1, label=f"median {np.median(x):,.0f}")
        ax.legend(loc="center right" if casualties and note is not None else "upper right", fontsize=8)
        if casualties and note is not None:
            ax.set_ylim(0, counts.max() * 1.55)        # room above the bars for the note
            ax.annotate(note[1], xy=((edges[0] + edges[1]) / 2, counts[0]), xytext=(0.03, 0.97),
                        textcoords="axes fraction", ha="left", va="top", fontsize=8,
                        arrowprops={"arrowstyle": "->", "color": "#333333", "lw": 0.8})
        style_axes(ax, name, unit, "replications")
    fig.suptitle(f"{title}: casualties and Western aid over {out.horizon_weeks} weeks", fontsize=12)
    return save_png(fig, path)


def figure_jobs(out: Outcomes, summary: dict | None, title: str) -> list[tuple[str, Callable[[Path], Path]]]:
    """The figures of a run, in the order of :data:`RUN_FIGURES`: ``(file name, draw(path))``.

    The territory fan chart needs the weekly trajectories and is left out without them.
    Each ``draw`` is independent of the others (the figure worker may draw them in two
    processes).
    """
    if not summary:
        from sim.output.summary import summarize

        summary = summarize(out)
    draw = {
        "outcomes.png": lambda p: outcome_bars(summary, title, p),
        "acceptance.png": lambda p: acceptance_bars(summary, title, p),
        "ceasefire_survival.png": lambda p: survival_curve(out, title, p),
        "territory_fan.png": (lambda p: territory_fan(out, title, p)) if out.territory_path is not None else None,
        "casualties_cost.png": lambda p: casualties_and_cost(out, title, p),
    }
    return [(name, draw[name]) for name, _ in RUN_FIGURES if draw[name] is not None]


def all_figures(out: Outcomes, summary: dict | None, title: str, folder: Path) -> list[Path]:
    """Write every figure of a run into ``folder`` (each drawn once); return their paths.

    The territory fan chart needs the weekly trajectories and is skipped without them.
    """
    folder.mkdir(parents=True, exist_ok=True)
    return [draw(folder / name) for name, draw in figure_jobs(out, summary, title)]
