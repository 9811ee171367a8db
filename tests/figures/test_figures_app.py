"""Tests for sim.figures.app: one PNG per figure, for one to three runs, edge cases included."""

from __future__ import annotations

import io

import matplotlib.image as mpimg
import pytest

from sim import simulate, summarize
from sim.figures import app as figures
from sim.scenario.schema import load_scenario


@pytest.fixture(scope="module")
def runs():
    out = []
    for i, name in enumerate(("freeze", "refusal", "truce_30day")):
        s = load_scenario(f"scenarios/{name}.yaml")
        o = simulate(s, replications=200, seed=3)
        out.append(figures.Series(name, i, o, summarize(o, name)))
    return out


@pytest.mark.parametrize("n", [1, 3])
def test_every_figure_is_a_png(runs, n):
    images = figures.render_all(runs[:n])
    assert list(images) == list(figures.FIGURES)
    for name, png in images.items():
        img = mpimg.imread(io.BytesIO(png), format="png")
        assert img.shape[1] == int(figures.FIGSIZE[0] * figures.DPI), name
        assert img.std() > 0.01, name        # not a blank canvas


def test_refusal_has_no_ceasefire_and_still_draws(runs):
    refusal = runs[1]
    assert (refusal.outcomes.columns["ceasefire_start_week"] < 0).all()
    png = figures.survival_curves([refusal])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_styles_distinct_per_slot():
    assert len({s[0] for s in figures.STYLES}) == 3 and len({s[1] for s in figures.STYLES}) == 3


def test_same_input_same_bytes(runs):
    assert figures.outcome_bars(runs) == figures.outcome_bars(runs)
