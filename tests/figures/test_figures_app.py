"""Tests for sim.figures.app: the chart numbers the browser draws, and their PNG downloads."""

from __future__ import annotations

import io
import json

import matplotlib.image as mpimg
import numpy as np
import pytest

from sim import simulate, summarize
from sim.engine.model import OUTCOME_CLASSES
from sim.figures import app as figures
from sim.figures.compare import SCENARIO_COLOURS, SCENARIO_HATCHES
from sim.output.summary import kaplan_meier
from sim.scenario.offers import ACTORS
from sim.scenario.schema import load_scenario


@pytest.fixture(scope="module")
def runs():
    out = []
    for i, name in enumerate(("freeze", "refusal", "truce_30day")):
        s = load_scenario(f"scenarios/{name}.yaml")
        o = simulate(s, replications=300, seed=3)
        out.append(figures.Series(name, i, o, summarize(o, name)))
    return out


def _chart(data, name):
    return next(c for c in data["charts"] if c["name"] == name)


def test_chart_data_is_json_in_page_order(runs):
    data = figures.chart_data(runs)
    assert [c["name"] for c in data["charts"]] == list(figures.CHARTS)
    assert json.loads(json.dumps(data)) == data                       # plain JSON, nothing lost
    assert [r["label"] for r in data["runs"]] == ["freeze", "refusal", "truce_30day"]
    for c in data["charts"]:
        assert c["title"] and c["alt"] and c["ylabel"]


def test_bars_are_the_summaries_numbers(runs):
    data = figures.chart_data(runs)
    outcomes, accept = _chart(data, "outcomes"), _chart(data, "acceptance")
    for s, o, a in zip(runs, outcomes["runs"], accept["runs"]):
        assert o["values"] == [s.summary["outcome_probabilities"][k] for k in OUTCOME_CLASSES]
        assert o["intervals"] == [s.summary["outcome_intervals_95"][k] for k in OUTCOME_CLASSES]
        assert a["values"] == [s.summary["acceptance_probability"][k] for k in ACTORS]


def test_survival_steps_are_kaplan_meier_of_the_agreed_ceasefires(runs):
    surv = _chart(figures.chart_data(runs), "survival")
    for s, d in zip(runs, surv["runs"]):
        c = s.outcomes.columns
        had = c["ceasefire_start_week"] >= 0
        assert d["agreed"] == int(had.sum())
        if had.any():
            t, sv = kaplan_meier(c["ceasefire_duration_weeks"][had], c["ceasefire_censored"][had])
            assert d["t"] == list(t) and np.allclose(d["s"], sv, atol=1e-6)
    assert surv["runs"][1] == {"agreed": 0, "t": [], "s": []}          # refusal: no ceasefire


def test_territory_histograms_share_bins_and_integrate_to_one(runs):
    terr = _chart(figures.chart_data(runs), "territory")
    edges = np.asarray(terr["edges"])
    assert len(edges) == figures.TERRITORY_BINS + 1 and np.all(np.diff(edges) > 0)
    for s, d in zip(runs, terr["runs"]):
        x = s.outcomes.columns["territory_end_pct"]
        assert edges[0] <= x.min() and x.max() <= edges[-1] + 1e-9
        assert np.sum(np.asarray(d["density"]) * np.diff(edges)) == pytest.approx(1.0, abs=1e-4)
        assert d["median"] == pytest.approx(float(np.median(x)), abs=1e-4)


@pytest.mark.parametrize("n", [1, 3])
def test_every_chart_downloads_as_a_png(runs, n):
    data = figures.chart_data(runs[:n])
    for name in figures.CHARTS:
        png = figures.render_png(data, name)
        img = mpimg.imread(io.BytesIO(png), format="png")
        assert img.shape[1] == int(figures.FIGSIZE[0] * figures.DPI), name
        assert img.std() > 0.01, name        # not a blank canvas
        assert png == figures.render_png(data, name)     # same numbers, same bytes


def test_slots_match_the_compare_report_and_differ():
    slots = figures.slots()
    assert [s["colour"] for s in slots] == SCENARIO_COLOURS[:3]
    assert [s["hatch"] for s in slots] == SCENARIO_HATCHES[:3]
    assert len({s["dash"] for s in slots}) == 3
