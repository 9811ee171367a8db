"""Limited truces (issue 13): an energy moratorium and a Black Sea truce act, can break, and are
valued by what they change; unilateral truces and reciprocation."""

import numpy as np

from sim.analysis.game import ForcedModel
from sim.engine.model import CeasefireModel
from sim.engine.simulate import simulate
from sim.output.summary import summarize
from sim.scenario.schema import from_data


def data(offers, replications=80, horizon=20, **top):
    return {"name": "s", "replications": replications, "seed": 9, "horizon_weeks": horizon,
            "offers": offers, **top}


def agreed(scope, **top):
    """Both sides accept the limited truce at week 0; nobody breaks it (ForcedModel)."""
    s = from_data(data([{"preset": "custom", "proposer": "russia", "terms": {"scope": scope}}], **top))
    m = ForcedModel(s, s.offers[0], {"russia": True, "ukraine": True}, {"russia": None, "ukraine": None})
    fighting = []
    while m.week < m.horizon:
        m.step()
        fighting.append(np.asarray(m.flows["resting"], dtype=np.float64).max() == 0.0
                        and bool(np.all(m.flows["ru_casualties"] > 0)))
    return m, fighting


def no_offer(**top):
    return CeasefireModel(from_data(data([], **top))).run()


def test_an_energy_moratorium_changes_the_war_and_the_utilities_on_the_same_draws():
    m, fighting = agreed("energy_strikes")
    m0 = no_offer()
    assert np.all(m.in_ceasefire) and all(fighting)                  # in force, and the front fights
    for key in ("russia", "ukraine"):
        assert np.all(m.utility[key] != m0.utility[key])
    # Ukraine's own output recovers: where the assumed production loss is > 0 the war differs
    loss = m.p["attrition.energy_strike_production_loss"] > 1e-3
    assert loss.any()
    assert np.all(m.war.ua_stock[loss] > m0.war.ua_stock[loss])
    assert np.any(m.war.ua_casualties[loss] != m0.war.ua_casualties[loss])
    assert np.any(m.war.territory[loss] != m0.war.territory[loss])
    # no saving, no output effect: the same war and the same utilities, replication by replication
    off = {"attrition": {"energy_strike_cost_share": 1.0, "russia_energy_strike_cost_share": 1.0,
                         "energy_strike_production_loss": 0.0}}
    m1, _ = agreed("energy_strikes", **off)
    base = no_offer(**off)
    assert np.allclose(m1.war.territory, base.war.territory, rtol=0, atol=1e-12)
    assert np.allclose(m1.utility["ukraine"], base.utility["ukraine"], rtol=0, atol=1e-9)


def test_a_black_sea_truce_changes_utilities_not_the_front():
    m, fighting = agreed("maritime")
    m0 = no_offer()
    assert all(fighting)
    assert np.array_equal(m.war.territory, m0.war.territory)
    assert np.array_equal(m.war.ua_casualties, m0.war.ua_casualties)
    assert np.all(m.utility["ukraine"] > m0.utility["ukraine"])
    gain = m.p["attrition.black_sea_russia_value_bn_per_year"] > 0
    assert np.all(m.utility["russia"][gain] > m0.utility["russia"][gain])


def test_limited_truces_can_be_broken():
    for scope in ("energy_strikes", "maritime"):
        s = from_data(data([{"preset": "custom", "proposer": "russia", "repeat_every_weeks": 4,
                             "terms": {"scope": scope, "monitoring": "international"}}], replications=200, horizon=40,
                           ceasefire={"weekly_noise_sd": 3.0, "violation_cost": 0.0}))
        m = CeasefireModel(s).run()
        assert (m.ceasefires > 0).any()
        assert (m.broken_by > 0).any(), scope


def test_a_limited_truce_is_valued_by_what_it_changes():
    offer = [{"preset": "custom", "proposer": "russia", "terms": {"scope": "energy_strikes"}}]
    off = {"attrition": {"energy_strike_cost_share": 1.0, "russia_energy_strike_cost_share": 1.0,
                         "energy_strike_production_loss": 0.0}}
    nothing = CeasefireModel(from_data(data(offer, **off)))
    for key, actor in nothing.actors.items():
        ev = actor.evaluate(nothing.offers[0])
        assert np.allclose(ev.margin, actor.lump(nothing.offers[0]), atol=1e-9), key   # changes nothing
    saving = CeasefireModel(from_data(data(offer, attrition={"energy_strike_cost_share": 0.5,
                                                             "energy_strike_production_loss": 0.0,
                                                             "russia_energy_strike_cost_share": 1.0})))
    ua = saving.ukraine.evaluate(saving.offers[0])
    assert np.all(ua.margin > saving.ukraine.lump(saving.offers[0]))
    assert ua.survival_52 is not None and np.all((ua.survival_52 >= 0) & (ua.survival_52 <= 1))


def unilateral(declarer, terms, replications=200, horizon=20, noise=3.0):
    return from_data(data([{"preset": "custom", "proposer": declarer, "unilateral": True,
                            "parties": [declarer], "terms": terms}], replications=replications,
                          horizon=horizon, ceasefire={"weekly_noise_sd": noise}))


def test_where_the_other_side_does_not_reciprocate_the_front_keeps_moving():
    # an open-ended truce without monitoring crosses Ukraine's 'oversight' red line: Ukraine
    # never reciprocates Russia's declaration; Russia holds its fire, Ukraine fights on
    m = CeasefireModel(unilateral("russia", {}))
    adv, cas = [], []
    while m.week < m.horizon:
        m.step()
        adv.append(m.flows["advance"].copy())
        cas.append(m.flows["ua_casualties"].copy())
    declared = m.unilateral_declared
    assert declared.any() and np.all(m.reciprocated_week == -1)
    adv, cas = np.array(adv), np.array(cas)
    assert np.all(adv[:, declared] <= 0.0)                      # the declarer does not advance
    assert np.all(cas[:, declared] > 0.0)                       # the front is not at rest
    # Ukraine declares: in the weeks Russia has not joined, Russia keeps advancing
    m = CeasefireModel(unilateral("ukraine", {"duration_days": None, "monitoring": "international"}))
    moved = []
    while m.week < m.horizon:
        m.step()
        moved.append(m.flows["advance"][m.unilateral_pending & ~m.ended])
    moved = np.concatenate(moved)
    assert moved.size > 0 and np.mean(moved > 0) > 0.5


def test_reciprocation_is_recorded():
    s = unilateral("russia", {"duration_hours": 30, "extension": False}, replications=300, noise=0.25)
    out = simulate(s)
    c = out.columns
    declared = c["unilateral_declared"]
    joined = c["reciprocated_week"] >= 0
    assert declared.any() and joined.any() and (declared & ~joined).any()
    assert np.all(declared[joined])
    assert np.all(c["reciprocated_week"][joined] >= c["ceasefire_start_week"][joined])
    u = summarize(out)["unilateral"]
    assert 0.0 < u["reciprocated_share"] < 1.0
    assert u["declared_replications"] == int(declared.sum())
