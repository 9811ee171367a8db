"""The shipped scenarios say what the model does with them (issue 19: the 'refusal' scenario,
described as "Russia refuses talks", showed "Russia accepts 100%")."""

from __future__ import annotations

from pathlib import Path

from sim.engine.simulate import simulate
from sim.output.summary import summarize
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_refusal_says_russia_accepts_its_own_demands_and_ukraine_vetoes_them():
    s = load_scenario(ROOT / "scenarios" / "refusal.yaml")
    text = " ".join(s.description.split())
    assert "refuses talks" not in text
    assert "Even Russia does not commit to them" in text and "would\nresume the war at once" not in text
    assert "Ukraine's red lines veto them" in text and "no ceasefire is agreed" in text
    summary = summarize(simulate(s, replications=300, horizon_weeks=60))
    assert summary["acceptance_probability"]["russia"] == 0.0              # what the description says
    assert summary["margins"][0]["actors"]["russia"]["would_break_at_once"] == 1.0   # ... and why
    assert summary["decisions"]["ukraine"]["vetoed"] == 1.0
    assert summary["ceasefire_duration"]["agreed_replications"] == 0
    header = (ROOT / "scenarios" / "refusal.yaml").read_text(encoding="utf-8")
    for red_line, words in (("recognition", "recognition"), ("cede_unoccupied", "ceding unoccupied land"),
                            ("demilitarization", "demilitarization")):
        assert summary["vetoes"]["ukraine"][red_line] == 1.0, red_line    # the red lines the header names
        assert words in header
    packaged = ROOT / "sim" / "scenario" / "data" / "scenarios" / "refusal.yaml"
    assert packaged.read_text(encoding="utf-8") == header                  # the app's copy says the same
