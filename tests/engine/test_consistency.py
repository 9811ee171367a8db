"""Mechanisms the actors must foresee and the model must apply (issue 12 mutants)."""

from __future__ import annotations

import numpy as np

from sim.engine.model import CeasefireModel
from sim.engine.simulate import simulate
from sim.scenario.schema import load_scenario

TRUCE = "scenarios/truce_30day.yaml"
FREEZE = "scenarios/freeze.yaml"


def test_realized_utility_is_discounted():
    """More discounting shrinks the (negative) realized utility of Ukraine in the same war."""
    s = load_scenario(FREEZE).with_changes({"offers": []})
    low = simulate(s.with_changes({"decision.weekly_discount": 0.99}), replications=50, horizon_weeks=52,
                   record_trajectories=False)
    high = simulate(s.with_changes({"decision.weekly_discount": 0.999}), replications=50, horizon_weeks=52,
                    record_trajectories=False)
    assert np.all(np.abs(low.columns["utility_ukraine"]) < np.abs(high.columns["utility_ukraine"]))


def test_russia_anticipates_the_us_sanctions_threat():
    """Refusing a US-brokered truce is worth less to Russia when the threat is credible."""
    values = {}
    for cred in (0.0, 0.6):
        s = load_scenario(TRUCE).with_changes({"replications": 100, "united_states.threat_credibility": cred})
        m = CeasefireModel(s)
        values[cred] = m.russia.evaluate(s.offers[0], proposal=True).v_war
    assert np.all(values[0.6] < values[0.0])


def test_sanctions_relief_takes_effect_in_a_ceasefire():
    """Relief raises Russia's supply while the deal holds, and Russia values the deal more for it:
    its weekly cost while the deal holds falls everywhere, the whole deal is worth more on average (since issue 13 relief has no lump
    sum; a Russia rebuilt faster is also more tempted to resume, so the survival may fall)."""
    stocks, deal, econ = {}, {}, {}
    for relief in ("none", "full"):
        s = load_scenario(FREEZE).with_changes({"replications": 100, "offers[0].terms.sanctions_relief": relief,
                                                "offers[0].repeat_every_weeks": 0})
        m = CeasefireModel(s, horizon_weeks=27)
        deal[relief] = m.russia.evaluate(s.offers[0]).v_deal
        econ[relief] = m.russia.econ(m, peace=True, relief=1.0 if relief == "full" else 0.0)
        m.in_ceasefire[:] = True              # hold the deal for 26 weeks, as agreed
        m.start_ceasefire(np.ones(m.n, dtype=bool), 0, 0)
        for t in range(26):
            m.fight(t)
            m.week += 1
        stocks[relief] = m.war.ru_stock.copy()
    assert np.all(stocks["full"] > stocks["none"])
    assert np.all(econ["full"] < econ["none"])        # the weekly cost while the deal holds
    assert np.mean(deal["full"]) > np.mean(deal["none"])
