"""The run figures say what they show: the spike of zero-casualty wars is explained on the
casualty histograms (issue 19)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from sim.engine.simulate import simulate
from sim.figures import run as figs
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def drawn(monkeypatch):
    texts: list[str] = []
    original = Figure.savefig

    def savefig(self, *args, **kwargs):
        texts.extend(t.get_text() for t in self.findobj(lambda a: hasattr(a, "get_text")) if t.get_text())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return texts


def test_zero_casualty_wars_are_the_freezes_agreed_at_once_and_held(drawn, tmp_path):
    out = simulate(load_scenario(ROOT / "scenarios" / "freeze.yaml"), replications=1000, record_trajectories=False)
    c = out.columns
    zero = (c["casualties_russia_k"] == 0) & (c["casualties_ukraine_k"] == 0)
    held_from_0 = (c["ceasefire_start_week"] == 0) & c["ceasefire_censored"]
    assert zero.sum() > 50                                 # the spike the issue saw (~155 of 1,000 at 0)
    assert np.array_equal(zero, held_from_0)               # the model's reason, row by row
    k, words = figs.zero_casualty_note(out)
    assert k == int(zero.sum())
    assert f"{k:,} of 1,000 wars ({k / 1000:.0%})" in words and "week 0" in words and "held" in words
    figs.casualties_and_cost(out, "freeze", tmp_path / "c.png")
    assert sum(words in t for t in drawn) == 2             # on both casualty panels
    assert any("Western aid" in t for t in drawn) and not any(t.endswith("casualties and cost over 156 weeks")
                                                              for t in drawn)


def test_no_note_when_every_war_has_casualties(drawn, tmp_path):
    out = simulate(load_scenario(ROOT / "scenarios" / "refusal.yaml"), replications=200, horizon_weeks=20,
                   record_trajectories=False)
    assert figs.zero_casualty_note(out) is None
    figs.casualties_and_cost(out, "refusal", tmp_path / "c.png")
    assert not any("bar at 0" in t for t in drawn)
