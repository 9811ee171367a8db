"""The app's four charts: the numbers the browser draws, and the same charts as PNG downloads.

:func:`chart_data` turns up to three runs into plain numbers (JSON): outcome probabilities
and acceptance per actor with their 95% Wilson intervals (taken from the summaries, so the
bars are ``summary.json``'s numbers), Kaplan-Meier survival steps of the ceasefires, and
territory histograms on shared bins. The page draws them as SVG in the browser
(``sim/app/static/app.js``), with the titles, axis labels and alt texts given here, so no
figure is rendered on the server while a student explores. :func:`render_png` draws the
same data with matplotlib (object API, no ``pyplot`` state, safe in any thread) only when
a student downloads a PNG.

Each scenario keeps one colour *and* one line style / hatch in every chart and in the
page's tables (the Okabe-Ito palette of :mod:`sim.figures.style`, safe for colour-blind
readers and readable in grey), in the order the scenarios were chosen: the order, colours
and hatches of the compare report (:mod:`sim.figures.compare`) for the same command.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.engine.model import OUTCOME_CLASSES
from sim.engine.outcomes import Outcomes
from sim.output.labels import LABELS
from sim.output.summary import kaplan_meier
from sim.scenario.offers import ACTORS
from sim.figures.style import OKABE_ITO, fit_text

#: (colour, line style, hatch) per scenario slot: blue, orange, bluish green (as in
#: :data:`sim.figures.compare.SCENARIO_COLOURS` / ``SCENARIO_HATCHES``).
STYLES = [(OKABE_ITO[4], "-", ""), (OKABE_ITO[0], "--", "//"), (OKABE_ITO[2], ":", "..")]
#: The same line styles as SVG ``stroke-dasharray`` values (the browser's charts).
DASHES = ["", "7 4", "2 3"]
TERRITORY_BINS = 40
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


def slots() -> list[dict[str, str]]:
    """Colour, SVG dash and hatch of each scenario slot, in order (the page marks its choices)."""
    return [{"colour": c, "dash": d, "hatch": h} for (c, _line, h), d in zip(STYLES, DASHES)]


def _bars(series: list[Series], keys, values: str, intervals: str) -> list[dict[str, Any]]:
    return [{"values": [s.summary[values].get(k) for k in keys],
             "intervals": [s.summary[intervals].get(k) for k in keys]} for s in series]


def _survival(s: Series) -> dict[str, Any]:
    c = s.outcomes.columns
    had = c["ceasefire_start_week"] >= 0
    if not had.any():
        return {"agreed": 0, "t": [], "s": []}
    t, surv = kaplan_meier(c["ceasefire_duration_weeks"][had], c["ceasefire_censored"][had])
    return {"agreed": int(had.sum()), "t": [float(x) for x in t], "s": [round(float(x), 6) for x in surv]}


def _territory(series: list[Series]) -> dict[str, Any]:
    allx = np.concatenate([s.outcomes.columns["territory_end_pct"] for s in series])
    lo, hi = float(np.min(allx)), float(np.max(allx))
    if hi - lo < 0.5:
        lo, hi = lo - 0.25, hi + 0.25
    lo, hi = np.floor(lo * 1e6) / 1e6, np.ceil(hi * 1e6) / 1e6     # the 6-decimal edges still cover every value
    edges = np.linspace(lo, hi, TERRITORY_BINS + 1)
    runs = []
    for s in series:
        x = s.outcomes.columns["territory_end_pct"]
        density, _ = np.histogram(x, bins=edges, density=True)
        runs.append({"density": [round(float(d), 6) for d in density], "median": round(float(np.median(x)), 4)})
    return {"edges": [round(float(e), 6) for e in edges], "runs": runs}


def chart_data(series: list[Series]) -> dict[str, Any]:
    """The numbers of the four charts, in page order (plain JSON data).

    Every chart has ``title``, ``xlabel``, ``ylabel`` and ``alt``; ``runs`` lists
    ``{"label", "slot", "colour", "dash", "hatch"}`` once for all charts.
    """
    horizon = max(s.outcomes.horizon_weeks for s in series)
    return {
        "runs": [{"label": s.label, "slot": s.slot, "colour": s.colour, "dash": DASHES[s.slot],
                  "hatch": STYLES[s.slot][2]} for s in series],
        "charts": [
            {"name": "outcomes", "kind": "bars", "title": "Outcome at the horizon (95% intervals)",
             "xlabel": "", "ylabel": "probability",
             "alt": "Outcome probabilities with 95% intervals, one bar per scenario",
             "categories": [LABELS[c] for c in OUTCOME_CLASSES],
             "runs": _bars(series, OUTCOME_CLASSES, "outcome_probabilities", "outcome_intervals_95")},
            {"name": "survival", "kind": "steps", "title": "How long ceasefires last (Kaplan-Meier)",
             "xlabel": "weeks since the ceasefire began", "ylabel": "share still holding",
             "alt": "Kaplan-Meier survival curves of ceasefires, one line per scenario",
             "horizon": horizon, "runs": [_survival(s) for s in series]},
            {"name": "territory", "kind": "histogram", "title": "Territory held by Russia at the horizon",
             "xlabel": "% of Ukraine's territory", "ylabel": "density",
             "alt": "Distribution of territory held by Russia at the horizon, one outline per scenario; "
                    "vertical lines mark the medians",
             **_territory(series)},
            {"name": "acceptance", "kind": "bars", "title": "Who accepts the offer (95% intervals)",
             "xlabel": "", "ylabel": "probability of accepting",
             "alt": "Acceptance probability per actor with 95% intervals, one bar per scenario",
             "categories": [LABELS[a] for a in ACTORS],
             "runs": _bars(series, ACTORS, "acceptance_probability", "acceptance_intervals_95")},
        ],
    }


#: The charts' names in page order.
CHARTS = ("outcomes", "survival", "territory", "acceptance")


# -- PNG downloads (matplotlib) ---------------------------------------------------------------
def _figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def _legend(ax, n: int) -> None:
    ax.legend(fontsize=FONT - 1, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(n, 3),
              frameon=False, handlelength=2.4, columnspacing=1.2)


def _style(ax, chart: dict[str, Any]) -> None:
    ax.set_title(chart["title"], fontsize=FONT + 2, pad=30)
    ax.set_xlabel(chart["xlabel"], fontsize=FONT)
    ax.set_ylabel(chart["ylabel"], fontsize=FONT)
    ax.tick_params(labelsize=FONT - 1)
    ax.grid(alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _draw_bars(ax, chart, runs) -> None:
    n, keys = len(runs), chart["categories"]
    width = 0.8 / n
    x = np.arange(len(keys))
    for j, (run, data) in enumerate(zip(runs, chart["runs"])):
        vals = np.array([np.nan if v is None else v for v in data["values"]], dtype=float)
        err = np.array([[0.0, 0.0] if i is None else [v - i[0], i[1] - v]
                        for v, i in zip(np.nan_to_num(vals), data["intervals"])]).T
        pos = x - 0.4 + width * (j + 0.5)
        ax.bar(pos, np.nan_to_num(vals), width, color=run["colour"], hatch=run["hatch"], edgecolor="black",
               linewidth=0.6, label=run["label"])
        ax.errorbar(pos, np.nan_to_num(vals), yerr=np.maximum(err, 0), fmt="none", ecolor="black", capsize=3,
                    linewidth=1)
    ax.set_ylim(0, 1.05)
    ax.set_xticks(x, [k.replace(" ", "\n", 1) for k in keys], fontsize=FONT - 1)


def _draw_steps(ax, chart, runs) -> None:
    for run, data in zip(runs, chart["runs"]):
        line = STYLES[run["slot"]][1]
        if not data["agreed"]:
            ax.plot([], [], color=run["colour"], linestyle=line, label=f"{run['label']}: none agreed")
            continue
        t = np.append(data["t"], chart["horizon"])
        s = np.append(data["s"], data["s"][-1])
        ax.step(t, s, where="post", color=run["colour"], linestyle=line, linewidth=2.5,
                label=f"{run['label']}: {data['agreed']:,} agreed")
    ax.set_xlim(0, chart["horizon"])
    ax.set_ylim(0, 1.02)


def _draw_histogram(ax, chart, runs) -> None:
    edges = np.asarray(chart["edges"])
    for run, data in zip(runs, chart["runs"]):
        line = STYLES[run["slot"]][1]
        d = np.asarray(data["density"])
        ax.stairs(d, edges, fill=True, color=run["colour"], alpha=0.18)
        ax.stairs(d, edges, color=run["colour"], linestyle=line, linewidth=2.2,
                  label=f"{run['label']} (median {data['median']:.1f}%)")
        ax.axvline(data["median"], color=run["colour"], linestyle=line, linewidth=1.2)


_DRAW = {"bars": _draw_bars, "steps": _draw_steps, "histogram": _draw_histogram}


def render_png(data: dict[str, Any], name: str) -> bytes:
    """Chart ``name`` of :func:`chart_data` as PNG bytes (for the download links)."""
    chart = next(c for c in data["charts"] if c["name"] == name)
    fig, ax = _figure()
    _DRAW[chart["kind"]](ax, chart, data["runs"])
    _legend(ax, len(data["runs"]))
    _style(ax, chart)
    fit_text(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()
