"""Side-by-side figures of up to three runs, as PNG bytes (matplotlib, object API).

Each scenario keeps one colour *and* one line style / hatch in every figure and in the
page's tables (Okabe-Ito palette, safe for colour-blind readers and readable in grey).
Only the object-oriented API is used (no ``pyplot`` state), so drawing in the worker
thread never touches global figure state.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.engine.model import OUTCOME_CLASSES
from sim.scenario.offers import ACTORS
from sim.engine.outcomes import Outcomes
from sim.output.summary import kaplan_meier
from sim.output.labels import LABELS
from sim.figures.style import OKABE_ITO

#: (colour, line style, hatch) per scenario slot: blue, orange, bluish green.
STYLES = [(OKABE_ITO[4], "-", ""), (OKABE_ITO[0], "--", "//"), (OKABE_ITO[2], ":", "..")]
FIGSIZE = (6.4, 4.1)
DPI = 150
FONT = 11


@dataclass
class Series:
    """One run to draw: its label, slot (colour/style) and results."""

    label: str
    slot: int
    outcomes: Outcomes
    summary: dict

    @property
    def colour(self) -> str:
        return STYLES[self.slot][0]

    @property
    def line(self) -> str:
        return STYLES[self.slot][1]

    @property
    def hatch(self) -> str:
        return STYLES[self.slot][2]


def _figure() -> tuple[Figure, object]:
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def _legend(ax, n: int) -> None:
    """Legend in one row above the plot, never over the data."""
    ax.legend(fontsize=FONT - 1, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(n, 3),
              frameon=False, handlelength=2.4, columnspacing=1.2)


def _style(ax, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=FONT + 2, pad=30)
    ax.set_xlabel(xlabel, fontsize=FONT)
    ax.set_ylabel(ylabel, fontsize=FONT)
    ax.tick_params(labelsize=FONT - 1)
    ax.grid(alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _png(fig: Figure) -> bytes:
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _grouped_bars(ax, series: list[Series], keys: list[str], values, intervals) -> None:
    n = len(series)
    width = 0.8 / n
    x = np.arange(len(keys))
    for j, s in enumerate(series):
        vals = np.array([np.nan if values(s).get(k) is None else values(s)[k] for k in keys], dtype=float)
        ints = [intervals(s).get(k) for k in keys]
        err = np.array([[0.0, 0.0] if i is None else [v - i[0], i[1] - v] for v, i in zip(vals, ints)]).T
        pos = x - 0.4 + width * (j + 0.5)
        ax.bar(pos, np.nan_to_num(vals), width, color=s.colour, hatch=s.hatch, edgecolor="black",
               linewidth=0.6, label=s.label)
        ax.errorbar(pos, np.nan_to_num(vals), yerr=np.maximum(np.nan_to_num(err), 0), fmt="none",
                    ecolor="black", capsize=3, linewidth=1)
    ax.set_ylim(0, 1.05)
    _legend(ax, n)


def outcome_bars(series: list[Series]) -> bytes:
    """Probability of each outcome class at the horizon, with 95% Wilson intervals."""
    fig, ax = _figure()
    _grouped_bars(ax, series, list(OUTCOME_CLASSES),
                  lambda s: s.summary["outcome_probabilities"], lambda s: s.summary["outcome_intervals_95"])
    ax.set_xticks(np.arange(len(OUTCOME_CLASSES)),
                  [LABELS[c].replace(" ", "\n", 1) for c in OUTCOME_CLASSES], fontsize=FONT - 1)
    _style(ax, "Outcome at the horizon (95% intervals)", "", "probability")
    return _png(fig)


def acceptance_bars(series: list[Series]) -> bytes:
    """Share of offers each actor accepts, with 95% Wilson intervals."""
    fig, ax = _figure()
    _grouped_bars(ax, series, list(ACTORS),
                  lambda s: s.summary["acceptance_probability"], lambda s: s.summary["acceptance_intervals_95"])
    ax.set_xticks(np.arange(len(ACTORS)), [LABELS[a] for a in ACTORS], fontsize=FONT)
    _style(ax, "Who accepts the offer (95% intervals)", "", "probability of accepting")
    return _png(fig)


def survival_curves(series: list[Series]) -> bytes:
    """Kaplan-Meier curves of how long agreed ceasefires last."""
    fig, ax = _figure()
    horizon = max(s.outcomes.horizon_weeks for s in series)
    for s in series:
        c = s.outcomes.columns
        had = c["ceasefire_start_week"] >= 0
        if not had.any():
            ax.plot([], [], color=s.colour, linestyle=s.line, label=f"{s.label}: none agreed")
            continue
        t, surv = kaplan_meier(c["ceasefire_duration_weeks"][had], c["ceasefire_censored"][had])
        ax.step(np.append(t, s.outcomes.horizon_weeks), np.append(surv, surv[-1]), where="post",
                color=s.colour, linestyle=s.line, linewidth=2.5,
                label=f"{s.label}: {int(had.sum()):,}")
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 1.02)
    _legend(ax, len(series))
    _style(ax, "How long ceasefires last (Kaplan-Meier; n agreed)", "weeks since the ceasefire began",
           "share still holding")
    return _png(fig)


def territory_histograms(series: list[Series]) -> bytes:
    """Distribution of the territory Russia holds at the horizon, one outline per scenario."""
    fig, ax = _figure()
    allx = np.concatenate([s.outcomes.columns["territory_end_pct"] for s in series])
    lo, hi = float(np.min(allx)), float(np.max(allx))
    if hi - lo < 0.5:
        lo, hi = lo - 0.25, hi + 0.25
    bins = np.linspace(lo, hi, 41)
    for s in series:
        x = s.outcomes.columns["territory_end_pct"]
        ax.hist(x, bins=bins, density=True, histtype="stepfilled", color=s.colour, alpha=0.18)
        ax.hist(x, bins=bins, density=True, histtype="step", color=s.colour, linestyle=s.line,
                linewidth=2.2, label=f"{s.label} ({np.median(x):.1f}%)")
        ax.axvline(float(np.median(x)), color=s.colour, linestyle=s.line, linewidth=1.2)
    _legend(ax, len(series))
    _style(ax, "Territory held by Russia at the horizon (median)", "% of Ukraine's territory", "density")
    return _png(fig)


#: The figures of a run, in page order: name -> (function, alt text).
FIGURES = {
    "outcomes": (outcome_bars, "Outcome probabilities with 95% intervals, one bar per scenario"),
    "survival": (survival_curves, "Kaplan-Meier survival curves of ceasefires, one line per scenario"),
    "territory": (territory_histograms, "Distribution of territory held by Russia at the horizon"),
    "acceptance": (acceptance_bars, "Acceptance probability per actor, one bar per scenario"),
}


def render_all(series: list[Series]) -> dict[str, bytes]:
    """Every figure of the comparison: name -> PNG bytes."""
    return {name: fn(series) for name, (fn, _alt) in FIGURES.items()}
