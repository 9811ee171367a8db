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


def _synthetic(values, r=10):
    """A game dict with per-replication payoffs {node: (russia, ukraine)}; a value is a
    number (the same in every world, plus a tiny spread) or an array of length ``r``."""
    offer = Offer(name="deal", proposer="russia", week=0, terms=Terms(monitoring="international"))
    tiny = np.linspace(0, 1e-3, r)
    nodes = {k: {"russia": np.broadcast_to(np.asarray(v[0], float), (r,)) + tiny,
                 "ukraine": np.broadcast_to(np.asarray(v[1], float), (r,)) + tiny} for k, v in values.items()}
    return {"proposer": "russia", "responder": "ukraine", "menu": [offer], "nodes": nodes,
            "vetoes": {"deal": {"russia": [], "ukraine": []}}, "violate_week": 52, "replications": r}


def _games(*pairs):
    """Stack 2x2 bimatrix games (A, B) into (R, 2, 2) arrays."""
    return np.array([p[0] for p in pairs], float), np.array([p[1] for p in pairs], float)


def test_compliance_equilibria_of_textbook_games():
    pd = np.array([[3.0, 0.0], [5.0, 1.0]])                     # prisoner's dilemma: defect
    pennies = np.array([[1.0, -1.0], [-1.0, 1.0]])              # matching pennies: 1/2 each
    stag = np.array([[4.0, 0.0], [3.0, 3.0]])                   # stag hunt: (stag, stag) dominates
    bos_a, bos_b = np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 2.0]])
    chicken = np.array([[0.0, -1.0], [1.0, -10.0]])             # chicken: asymmetric pure
    harmony = np.array([[4.0, 3.0], [2.0, 1.0]])                # comply strictly dominant
    hare_first = stag[::-1, ::-1]                                # stag hunt with "comply" = hare
    A, B = _games((pd, pd.T), (pennies, -pennies), (stag, stag.T), (bos_a, bos_b), (chicken, chicken.T),
                  (harmony, harmony.T), (hare_first, hare_first.T))
    p_ru, p_ua = game.compliance_equilibria(A, B)
    # battle of the sexes: neither pure equilibrium dominates and the joint payoffs tie (3 = 3):
    # the first in the order CC, CV, VC, VV; chicken: (C, V) and (V, C) tie, (C, V) comes first
    assert p_ru.tolist() == pytest.approx([0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 0.0])
    assert p_ua.tolist() == pytest.approx([0.0, 0.5, 1.0, 1.0, 0.0, 1.0, 0.0])


def test_compliance_equilibria_are_nash_equilibria_of_random_worlds():
    rng = np.random.default_rng(12)
    A, B = rng.normal(size=(500, 2, 2)), rng.normal(size=(500, 2, 2))
    p_ru, p_ua = game.compliance_equilibria(A, B)
    x = np.stack([p_ru, 1 - p_ru], 1)
    y = np.stack([p_ua, 1 - p_ua], 1)
    ay = np.einsum("rij,rj->ri", A, y)
    xb = np.einsum("ri,rij->rj", x, B)
    assert np.all(ay.max(1) <= (x * ay).sum(1) + 1e-9)       # no profitable deviation for Russia
    assert np.all(xb.max(1) <= (xb * y).sum(1) + 1e-9)       # nor for Ukraine
    mixed = (p_ru % 1 > 0) | (p_ua % 1 > 0)
    # a world plays a mixed equilibrium only when it has no pure one
    has_pure = np.zeros(500, dtype=bool)
    for i in range(2):
        for j in range(2):
            has_pure |= (A[:, i, j] >= A[:, 1 - i, j]) & (B[:, i, j] >= B[:, i, 1 - j])
    assert not np.any(mixed & has_pure) and np.all(mixed | has_pure) and 0 < mixed.sum() < 500


def test_backward_induction_on_a_textbook_tree():
    # Compliance subgame is a prisoners' dilemma: both violate; Ukraine still prefers the
    # deal-with-violations to war, Russia prefers it to no offer -> offer, accept, breakdown.
    g = _synthetic({"none": (0, 0), "deal|reject": (-1, -1),
                    "deal|CC": (3, 3), "deal|CV": (0, 5), "deal|VC": (5, 0), "deal|VV": (1, 1)})
    sol = game.solve_offer_game(g)
    w = sol["worlds"]
    assert w["proposer_offers"][0] == 1.0 and w["agreed"][0] == 1.0
    assert w["hold_given_agreed"][0] == 0.0
    assert w["paths"] == {"deal: agreed, both violate": [1.0, 0.0]}
    assert sol["offers"][0]["compliance"]["russia_complies"][0] == 0.0
    # the SPE path is a Nash equilibrium of the normal form (offer+violate, accept+violate)...
    nf = np.array(sol["offers"][0]["normal_form"]["pure_nash_share"])
    assert nf[2, 2] == 1.0
    # ...and the normal form also has the non-credible threat: no offer / reject
    assert nf[0, 0] == 1.0 and nf[1, 1] == 0.0


def test_backward_induction_no_offer_when_the_responder_would_reject():
    g = _synthetic({"none": (1, 0), "deal|reject": (-1, 2),
                    "deal|CC": (3, 1), "deal|CV": (0, 1), "deal|VC": (4, 0), "deal|VV": (1, 1)})
    sol = game.solve_offer_game(g)
    assert sol["offers"][0]["responder_accepts"][0] == 0.0
    assert sol["worlds"]["paths"] == {"no offer": [1.0, 0.0]} and sol["worlds"]["agreed"][0] == 0.0


def test_worlds_are_solved_one_by_one_not_on_the_average():
    # In 7 of 10 worlds the deal costs Russia 1 against fighting on; in 3 it gains 4. The
    # average world gains 0.5 and would offer; solved world by world, Russia offers in 3.
    gain = np.array([-1.0] * 7 + [4.0] * 3)
    g = _synthetic({"none": (0, 0), "deal|reject": (0, -1),
                    "deal|CC": (gain, 1), "deal|CV": (-5, 0), "deal|VC": (-5, -5), "deal|VV": (-6, -2)})
    sol = game.solve_offer_game(g)
    w = sol["worlds"]
    assert w["proposer_offers"][0] == pytest.approx(0.3) and w["agreed"][0] == pytest.approx(0.3)
    assert w["paths"].keys() == {"no offer", "deal: agreed, both comply"}
    assert w["paths"]["no offer"][0] == pytest.approx(0.7)
    assert w["proposer_offers"][1] == pytest.approx(np.std(gain > 0, ddof=1) / np.sqrt(10))
    assert np.mean(gain) > 0                                # the averaged game would say "offer"
    # cross-tabulated against what the model did in the same worlds
    model_agreed = np.array([True] * 2 + [False] * 5 + [True, False, True])
    vs = game.solve_offer_game(g, simulated_agreed=model_agreed)["worlds"]["versus_simulation"]
    assert vs == pytest.approx({"both_agree": 0.2, "game_only": 0.1, "simulation_only": 0.2, "neither": 0.5})


def test_mixed_compliance_splits_a_world_across_the_profiles():
    # matching-pennies compliance subgame, both prefer the lottery (value 0) to war (-1)
    g = _synthetic({"none": (-1, -1), "deal|reject": (-1, -1),
                    "deal|CC": (1, -1), "deal|CV": (-1, 1), "deal|VC": (-1, 1), "deal|VV": (1, -1)}, r=4)
    g["nodes"] = {k: {a: np.round(v, 0) for a, v in pay.items()} for k, pay in g["nodes"].items()}
    w = game.solve_offer_game(g)["worlds"]
    assert w["agreed"][0] == 1.0 and w["hold_given_agreed"][0] == pytest.approx(0.25)
    for profile in ("both comply", "Russia violates", "Ukraine violates", "both violate"):
        assert w["paths"][f"deal: agreed, {profile}"][0] == pytest.approx(0.25)


def test_payoff_standard_errors_are_reported_and_vetoes_force_rejection():
    g = _synthetic({"none": (0, 0), "deal|reject": (-1, -1),
                    "deal|CC": (3, 3), "deal|CV": (0, 5), "deal|VC": (5, 0), "deal|VV": (1, 1)})
    g["vetoes"]["deal"]["ukraine"] = ["no_recognition"]
    sol = game.solve_offer_game(g)
    assert sol["offers"][0]["responder_accepts"][0] == 0.0 and sol["offers"][0]["vetoed_by"] == ["ukraine"]
    mean, se = sol["payoffs"]["deal|CC"]["russia"]
    assert mean == pytest.approx(3.0005) and 0 < se < 1e-3


def test_offer_game_on_a_shipped_scenario_is_consistent(root):
    s = load_scenario(root / "scenarios" / "freeze.yaml")
    played = game.game_payoffs(s, replications=150, horizon_weeks=80, violate_after=26)
    assert [m.terms.line for m in played["menu"]] == ["pre_2022", "current", "four_regions"]
    assert played["vetoes"]["freeze@four_regions"]["ukraine"] and played["vetoes"]["freeze@pre_2022"]["russia"]
    sol = game.solve_offer_game(played)
    w = sol["worlds"]
    assert sum(share for share, _ in w["paths"].values()) == pytest.approx(1.0)
    base = next(o for o in sol["offers"] if o["offer"] == "freeze")
    assert base["chosen"][0] == pytest.approx(w["proposer_offers"][0])     # the vetoed lines are never chosen
    # every subgame-perfect path is a Nash equilibrium of the normal form (Selten 1975)
    nf = np.array(base["normal_form"]["pure_nash_share"])
    assert nf[1, 1] >= w["paths"].get("freeze: agreed, both comply", [0.0])[0] - 1e-12
    assert nf[0, 0] >= w["paths"].get("no offer", [0.0])[0] - 1e-12
    # Powell in the game: with a powerful Russian reload Russia violates in many worlds'
    # compliance subgames (none without it); Ukraine, knowing its world, refuses there, so
    # fewer deals are made and those made hold: the commitment problem as deals not made
    worlds, comply = {}, {}
    for share in (0.0, 2.0):
        s = theory_scenario(replications=150, horizon=156, ceasefire={"russia_rebuild_share": share})
        sol = game.solve_offer_game(game.game_payoffs(s, violate_after=26))
        current = next(o for o in sol["offers"] if o["line"] == "current")
        comply[share] = current["compliance"]["russia_complies"][0]
        assert current["compliance"]["ukraine_complies"][0] == 1.0
        worlds[share] = sol["worlds"]
    assert comply[0.0] == 1.0 and comply[2.0] < 0.75
    assert worlds[2.0]["agreed"][0] < worlds[0.0]["agreed"][0] - 0.15
    assert worlds[2.0]["hold_given_agreed"][0] == worlds[0.0]["hold_given_agreed"][0] == 1.0
