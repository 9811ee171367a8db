"""Which red line vetoed, in what share; otherwise what the valuation decided (issue 14)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from sim.api import simulate
from sim.output.summary import summarize
from sim.output.tables import format_summary, why_rows
from sim.pipeline.runner import run_scenario
from sim.scenario.schema import load_scenario, loads_scenario

ROOT = Path(__file__).resolve().parents[2]
FREEZE = ROOT / "scenarios" / "freeze.yaml"

TWO_OFFERS = """
name: two_offers
replications: 120
seed: 5
horizon_weeks: 30
offers:
  - preset: freeze              # no monitoring, open-ended: Ukraine's oversight red line
    week: 0
    terms: {monitoring: none}
  - preset: freeze              # the same line with international monitors
    week: 10
    terms: {monitoring: international}
"""


@pytest.fixture(scope="module")
def no_monitoring():
    s = load_scenario(FREEZE).with_changes({"offers[0].terms.monitoring": "none", "replications": 200,
                                            "horizon_weeks": 60})
    out = simulate(s)
    return s, out, summarize(out, s.name)


@pytest.fixture(scope="module")
def shipped_freeze():
    s = load_scenario(FREEZE).with_changes({"replications": 200, "horizon_weeks": 60})
    out = simulate(s)
    return s, out, summarize(out, s.name)


def test_oversight_vetoes_every_replication_without_monitoring(no_monitoring):
    _, out, sm = no_monitoring
    assert set(out.columns["vetoed_by_ukraine"]) == {"oversight"}
    assert sm["vetoes"]["ukraine"] == {"recognition": 0.0, "cede_unoccupied": 0.0, "oversight": 1.0,
                                       "demilitarization": 0.0}
    assert sm["decisions"]["ukraine"] == {"accepted": 0.0, "vetoed": 1.0, "refused_on_valuation": 0.0}
    assert sm["acceptance_probability"]["ukraine"] == 0.0
    # Russia crosses none of its red lines: it decides on the valuation alone
    assert set(out.columns["vetoed_by_russia"]) == {""}
    assert set(sm["vetoes"]["russia"].values()) == {0.0}
    assert sm["decisions"]["russia"]["accepted"] == sm["acceptance_probability"]["russia"]
    text = format_summary(sm)
    assert "oversight 100.0%" in text
    row = dict((r[0], r[1:]) for r in why_rows(sm))
    assert row["Ukraine"] == ("oversight 100.0%", "-")
    assert row["Russia"][0] == "none" and row["Russia"][1].startswith("accepted ")


def test_without_vetoes_every_decision_is_the_valuations(shipped_freeze):
    _, out, sm = shipped_freeze
    for a in ("russia", "ukraine", "united_states", "europe"):
        assert set(out.columns[f"vetoed_by_{a}"]) == {""}
        assert all(v == 0.0 for v in sm["vetoes"][a].values())
        d = sm["decisions"][a]
        assert d["vetoed"] == 0.0
        assert d["accepted"] == sm["acceptance_probability"][a]
        assert d["accepted"] + d["refused_on_valuation"] == pytest.approx(1.0)
    assert 0.0 < sm["decisions"]["ukraine"]["refused_on_valuation"] < 1.0   # the valuation splits
    assert "vetoes_by_offer" not in sm                                       # one offer only


def test_a_vetoed_replication_never_accepts(no_monitoring, shipped_freeze):
    for _, out, _ in (no_monitoring, shipped_freeze):
        c = out.columns
        for a in ("russia", "ukraine", "united_states", "europe"):
            vetoed = c[f"vetoed_by_{a}"] != ""
            assert not np.any(vetoed & ~c[f"offered_{a}"])      # a veto needs an offer put
            # one offer only: a vetoed actor accepted in no replication
            assert not np.any(vetoed & c[f"accepted_{a}"])


def test_several_offers_give_shares_per_offer():
    s = loads_scenario(TWO_OFFERS, "two_offers.yaml")
    out = simulate(s)
    sm = summarize(out, s.name)
    first, second = sm["vetoes_by_offer"]
    assert first["offer"] == 0 and first["offered_replications"] == 120
    assert first["vetoes"]["ukraine"]["oversight"] == 1.0
    assert 0 < second["offered_replications"] <= 120          # put where the war still goes on
    assert second["vetoes"]["ukraine"]["oversight"] == 0.0
    # the union: vetoed by oversight in every replication (offer 0 was put to all)
    assert sm["vetoes"]["ukraine"]["oversight"] == 1.0
    assert set(out.columns["vetoed_by_ukraine_offer_1"]) == {""}
    # Ukraine may accept the second offer, so it is not "vetoed" where it accepted
    d = sm["decisions"]["ukraine"]
    assert d["accepted"] + d["vetoed"] + d["refused_on_valuation"] == pytest.approx(1.0)
    assert d["accepted"] > 0 and d["vetoed"] < 1.0


def test_veto_columns_are_reproducible_bytes_for_any_chunking(tmp_path):
    s = load_scenario(FREEZE).with_changes({"offers[0].terms.monitoring": "none"})
    sha = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    runs = [run_scenario(s, out=tmp_path / f"c{c}", figures=False, replications=37, horizon_weeks=20,
                         seed=4, chunk_size=c) for c in (5, 37)]
    for name in ("outcomes.csv", "summary.json", "outcomes.parquet"):
        assert sha(runs[0].folder / name) == sha(runs[1].folder / name), name
    header = (runs[0].folder / "outcomes.csv").read_text().splitlines()[0].split(",")
    assert {f"vetoed_by_{a}" for a in ("russia", "ukraine", "united_states", "europe")} <= set(header)
    assert b'"oversight": 1.0' in (runs[0].folder / "summary.json").read_bytes()


def test_report_says_which_red_line_vetoed_and_in_what_share(no_monitoring, shipped_freeze):
    from sim.pipeline.report import ReportRun, render_report
    from sim.figures.compare import Figure

    fig = [Figure("x.png", "x", b"\x89PNG\r\n\x1a\n")]
    (s, out, sm), (s0, out0, sm0) = no_monitoring, shipped_freeze
    h = render_report([ReportRun(s, out, sm)], figures=fig)
    why = h[h.index('<section class="why">'):h.index("</section>", h.index('<section class="why">'))]
    assert "vetoed by oversight 100.0%" in why
    assert f"accepted {100 * sm['decisions']['russia']['accepted']:.1f}%" in why
    assert "vetoes freeze in 100.0% of the replications it was put to" in h
    h0 = render_report([ReportRun(s0, out0, sm0)], figures=fig)
    why0 = h0[h0.index('<section class="why">'):h0.index("</section>", h0.index('<section class="why">'))]
    assert "vetoed by" not in why0 and "on, not crossed" in h0
