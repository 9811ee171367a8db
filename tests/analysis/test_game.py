"""Reservation lines, the bargaining range, the offer game, and the theory checks.

Theory checks (REFERENCES.md, "Theory"):
* Fearon 1995: complete information, no reload advantage -> a range exists and an offer
  inside it is accepted.
* Slantchev 2003: with learning the belief gap shrinks and acceptance rises.
* Powell 2006: a large power shift during the ceasefire makes the deal unstable although
  a range exists.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim.analysis import game
from sim.api import simulate
from sim.analysis.equilibria import support_enumeration
from sim.engine.model import CeasefireModel
from sim.scenario.offers import Offer, Terms
from sim.scenario.schema import load_scenario
from theory_support import CURRENT_LINE_OFFER, theory_scenario


# -- reservation lines --------------------------------------------------------------------
def test_deal_value_is_linear_in_the_line_with_the_closed_form_slope(root):
    s = load_scenario(root / "scenarios" / "freeze.yaml").with_changes({"replications": 200})
    m = CeasefireModel(s)
    base = s.offers[0]
    for key in ("russia", "ukraine"):
        actor = m.actors[key]
        values = {}
        for line in ("current", "four_regions", "pre_2022"):
            offer = replace(base, terms=replace(base.terms, line=line))
            values[line] = (np.broadcast_to(m.line_of(offer.terms), (m.n,)), actor.evaluate(offer).v_deal)
        (l1, v1), (l2, v2), (l3, v3) = values["current"], values["four_regions"], values["pre_2022"]
        slope = (v2 - v1) / (l2 - l1)
        assert np.allclose(v3 - v1, slope * (l3 - l1), rtol=1e-6, atol=1e-6)
        assert np.all(actor.sign * slope > 0)


def test_reservation_lines_predict_every_acceptance(root):
    """With the weekly noise off, an actor accepts exactly the lines beyond its reservation."""
    s = load_scenario(root / "scenarios" / "freeze.yaml").with_changes(
        {"replications": 400, "ceasefire.weekly_noise_sd": 0})
    m = CeasefireModel(s)
    lines = game.reservation_lines(m, s.offers[0])
    current = m.war.territory.copy()
    m.step()
    assert np.array_equal(m.accepted["russia"], current > lines["russia"])
    assert np.array_equal(m.accepted["ukraine"], current < lines["ukraine"])
    assert 0 < m.accepted["ukraine"].mean() < 1          # both cases occur


def test_energy_strike_truce_has_no_reservation_line():
    s = theory_scenario(replications=5, offers=[{"preset": "custom", "terms": {"scope": "energy_strikes"}}])
    lines = game.reservation_lines(CeasefireModel(s), s.offers[0])
    assert np.isnan(lines["russia"]).all() and np.isnan(lines["ukraine"]).all()


# -- theory checks ------------------------------------------------------------------------
def test_fearon_complete_information_range_exists_and_offer_inside_is_accepted():
    s = theory_scenario(replications=300)
    m = CeasefireModel(s)
    lines = game.reservation_lines(m, s.offers[0])
    exists, width = game.bargaining_range(lines)
    assert exists.all() and (width > 0).all()                 # war is costly for both
    current = m.war.territory.copy()
    inside = (lines["russia"] < current) & (current < lines["ukraine"])
    assert inside.mean() > 0.5
    m.step()
    assert m.in_ceasefire[inside].all()                        # inside the range: a deal
    assert not m.in_ceasefire[~inside].any()                   # outside: no deal


def test_fearon_private_optimism_closes_the_range():
    full = theory_scenario(replications=300)
    optimistic = theory_scenario(replications=300, beliefs={"optimism": 1.0})
    share = {}
    for name, s in (("full", full), ("optimistic", optimistic)):
        ex, _ = game.bargaining_range(game.reservation_lines(CeasefireModel(s), s.offers[0]))
        share[name] = ex.mean()
    assert share["full"] == 1.0 and share["optimistic"] < 0.5


def _slantchev(learning):
    offer = dict(CURRENT_LINE_OFFER, week=52)
    s = theory_scenario(replications=300, offers=[offer],
                        beliefs={"optimism": 0.6, "prior_sd": 0.2, "learning": learning})
    return game.bargaining_path(s.with_changes({"beliefs.front_noise_pp_per_week": 0.02}))


def test_slantchev_learning_shrinks_the_belief_gap_and_acceptance_rises():
    learn, fixed = _slantchev(1), _slantchev(0)
    gap = learn.beliefs["russia"].astype(float) - learn.beliefs["ukraine"].astype(float)
    g = np.abs(gap).mean(axis=1)
    assert g[0] > 0.4 and g[13] < 0.5 * g[0] and g[52] < 0.25 * g[0] and g[52] < g[13]
    fixed_gap = fixed.beliefs["russia"].astype(float) - fixed.beliefs["ukraine"].astype(float)
    assert np.allclose(fixed_gap[52], fixed_gap[0])
    share_learn, share_fixed = learn.weekly()["range_share"], fixed.weekly()["range_share"]
    assert share_learn[0] == share_fixed[0] < 0.9
    assert share_learn[52] > share_fixed[52] + 0.1
    agreed = {k: (p.outcomes.columns["ceasefire_start_week"] >= 0).mean() for k, p in (("learn", learn), ("fixed", fixed))}
    assert agreed["learn"] > agreed["fixed"] + 0.2


def test_powell_power_shift_breaks_deals_although_a_range_exists():
    broken, share = {}, {}
    for name, ru in (("even", 0.0), ("shift", 2.0)):
        s = theory_scenario(replications=300, horizon=156, ceasefire={"russia_rebuild_share": ru})
        p = game.bargaining_path(s)
        share[name] = p.weekly()["range_share"][0]
        c = p.outcomes.columns
        had = c["ceasefire_start_week"] >= 0
        assert had.mean() > 0.5
        broken[name] = float((had & ~c["ceasefire_censored"]).sum() / had.sum())
        if name == "shift":
            assert set(c["broken_by"][had & ~c["ceasefire_censored"]]) == {"russia"}   # the rising side
    assert share["even"] == share["shift"] == 1.0
    assert broken["even"] == 0.0 and broken["shift"] > 0.3


# -- the offer game -----------------------------------------------------------------------
def test_forced_model_without_an_offer_is_the_plain_war():
    s = theory_scenario(replications=50, horizon=40, offers=[])
    plain = simulate(s)
    forced = game.play(s.with_changes({"offers": [CURRENT_LINE_OFFER]}), None, {}, {})
    for key in ("russia", "ukraine"):
        assert np.array_equal(plain.columns[f"utility_{key}"], forced[key])


def test_forced_violation_breaks_the_ceasefire_and_costs_the_violator():
    s = theory_scenario(replications=50, horizon=60)
    offer = s.offers[0]
    model = game.ForcedModel(s, offer, {"russia": True, "ukraine": True}, {"russia": 20, "ukraine": None})
    model.run()
    assert (model.first_start == 0).all() and (model.first_end == 20).all()
    assert (model.broken_by == 1).all()
    assert (model.penalty["russia"] > 0).all() and (model.penalty["ukraine"] == 0).all()


def _synthetic(values):
    """A game dict with constant per-replication payoffs {node: (russia, ukraine)}."""
    offer = Offer(name="deal", proposer="russia", week=0, terms=Terms(monitoring="international"))
    r = 10
    nodes = {k: {"russia": np.full(r, v[0]) + np.linspace(0, 1e-3, r),
                 "ukraine": np.full(r, v[1]) + np.linspace(0, 1e-3, r)} for k, v in values.items()}
    return {"proposer": "russia", "responder": "ukraine", "menu": [offer], "nodes": nodes,
            "vetoes": {"deal": {"russia": [], "ukraine": []}}, "violate_week": 52, "replications": r}


def test_backward_induction_on_a_textbook_tree():
    # Compliance subgame is a prisoners' dilemma: both violate; Ukraine still prefers the
    # deal-with-violations to war, Russia prefers it to no offer -> offer, accept, breakdown.
    g = _synthetic({"none": (0, 0), "deal|reject": (-1, -1),
                    "deal|CC": (3, 3), "deal|CV": (0, 5), "deal|VC": (5, 0), "deal|VV": (1, 1)})
    sol = game.solve_offer_game(g)
    assert sol["spe"]["offer"] == "deal" and sol["spe"]["accepted"]
    assert sol["spe"]["hold_probability"] == 0.0
    assert sol["offers"][0]["compliance"]["russia"] == "violate"
    # every SPE outcome is a Nash equilibrium of the normal form (offer+violate, accept+violate)
    nf = sol["offers"][0]["normal_form"]
    assert any(e["pure"] and e["proposer"][2] == 1 and e["responder"][2] == 1 for e in nf["equilibria"])
    # ...and the normal form also has the non-credible threat: no offer / reject
    assert any(e["pure"] and e["proposer"][0] == 1 and e["responder"][0] == 1 for e in nf["equilibria"])


def test_backward_induction_no_offer_when_the_responder_would_reject():
    g = _synthetic({"none": (1, 0), "deal|reject": (-1, 2),
                    "deal|CC": (3, 1), "deal|CV": (0, 1), "deal|VC": (4, 0), "deal|VV": (1, 1)})
    sol = game.solve_offer_game(g)
    assert not sol["offers"][0]["responder_accepts"]
    assert sol["spe"]["offer"] is None and not sol["spe"]["accepted"]


def test_payoff_standard_errors_are_reported_and_vetoes_force_rejection():
    g = _synthetic({"none": (0, 0), "deal|reject": (-1, -1),
                    "deal|CC": (3, 3), "deal|CV": (0, 5), "deal|VC": (5, 0), "deal|VV": (1, 1)})
    g["vetoes"]["deal"]["ukraine"] = ["no_recognition"]
    sol = game.solve_offer_game(g)
    assert not sol["offers"][0]["responder_accepts"] and sol["offers"][0]["vetoed_by"] == ["ukraine"]
    mean, se = sol["payoffs"]["deal|CC"]["russia"]
    assert mean == pytest.approx(3.0005) and 0 < se < 1e-3


def test_offer_game_on_a_shipped_scenario_is_consistent(root):
    s = load_scenario(root / "scenarios" / "freeze.yaml")
    played = game.game_payoffs(s, replications=150, horizon_weeks=80, violate_after=26)
    assert [m.terms.line for m in played["menu"]] == ["pre_2022", "current", "four_regions"]
    assert played["vetoes"]["freeze@four_regions"]["ukraine"] and played["vetoes"]["freeze@pre_2022"]["russia"]
    sol = game.solve_offer_game(played)
    for o in sol["offers"]:
        nf = o["normal_form"]
        P, R = np.array(nf["proposer_payoffs"]), np.array(nf["responder_payoffs"])
        assert len(support_enumeration(P, R)) == len(nf["equilibria"]) >= 1
    # Powell in the game: with a powerful Russian reload, Russia violates in the subgame
    for share, move in ((0.0, "comply"), (2.0, "violate")):
        s = theory_scenario(replications=150, horizon=156, ceasefire={"russia_rebuild_share": share})
        sol = game.solve_offer_game(game.game_payoffs(s, violate_after=26))
        current = next(o for o in sol["offers"] if o["line"] == "current")
        assert current["compliance"]["russia"] == move
        assert current["compliance"]["ukraine"] == "comply"
