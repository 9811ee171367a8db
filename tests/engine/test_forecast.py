"""Forecasts project the model's own war (issue 12): checked against the model's simulation."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import forecast, war
from sim.engine.model import CeasefireModel
from sim.scenario.schema import load_scenario

FREEZE = "scenarios/freeze.yaml"


@pytest.fixture(scope="module")
def war_only():
    """Unbiased beliefs, no offers: the projection against the simulated path, replication by replication."""
    s = forecast.unbiased_beliefs(load_scenario(FREEZE)).with_changes({"offers": [], "replications": 400})
    m = CeasefireModel(s)
    ru_in, ua_in = m.inflows()
    path = forecast.project(m.war, m.wp, m.horizon_plan, 1.0, ru_in, ua_in, m.rebuild_ru, m.rebuild_ua,
                            m.ukraine.current_bias(), keep_states=True)
    simulated = {}
    while m.week < 52:
        m.step()
        if m.week in (26, 52):
            simulated[m.week] = m.war.copy()
    return path, simulated


@pytest.mark.parametrize("block,week", [(1, 26), (2, 52)])
def test_projection_matches_the_simulated_mean_path(war_only, block, week):
    """Tolerance: mean territory within 0.1 pp, mean force ratio within 2%, each replication within 0.6 pp."""
    path, simulated = war_only
    proj, sim = path["states"][block], simulated[week]
    assert abs(proj.territory.mean() - sim.territory.mean()) < 0.1
    assert np.abs(proj.territory - sim.territory).max() < 0.6
    ratio_p, ratio_s = proj.ru_force / proj.ua_force, sim.ru_force / sim.ua_force
    assert abs(ratio_p.mean() / ratio_s.mean() - 1.0) < 0.02


def test_projection_foresees_the_drift(war_only):
    """The balance is not frozen: Russia's force ratio grows as Ukraine's pool empties."""
    path, _ = war_only
    ratio = [float(np.mean(st.ru_force / st.ua_force)) for st in path["states"]]
    assert all(b > a for a, b in zip(ratio, ratio[1:]))
    pace = path["advance"].mean(axis=1)
    assert pace[-1] > 1.5 * pace[0]                     # the front accelerates in year 3


def test_block_step_keeps_the_exact_stock_and_pool_recursions():
    s = forecast.unbiased_beliefs(load_scenario(FREEZE)).with_changes({"replications": 50})
    m = CeasefireModel(s)
    ru_in, ua_in = m.inflows()
    weekly, block = m.war.copy(), m.war.copy()
    for _ in range(26):
        war.step(weekly, m.wp, np.ones(50, bool), np.zeros(50, bool), ru_in, ua_in, m.rebuild_ru, m.rebuild_ua)
    war.block_step(block, m.wp, 26, 1.0, ru_in, ua_in, m.rebuild_ru, m.rebuild_ua)
    unclipped = weekly.ru_stock < m.wp.ru_need * m.wp.cover * m.wp.fmax
    assert np.allclose(block.ru_stock[unclipped], weekly.ru_stock[unclipped], rtol=1e-6)
    assert np.allclose(block.ua_pool, weekly.ua_pool, rtol=1e-3)


def test_casualties_are_continuous_where_the_front_stops():
    s = load_scenario(FREEZE).with_changes({"replications": 20})
    wp = CeasefireModel(s).wp
    eps = 1e-9
    ones = np.ones(20)
    ru_a, ua_a = war.casualties(eps * ones, ones, wp)
    ru_b, ua_b = war.casualties(-eps * ones, ones, wp)
    assert np.allclose(ru_a, ru_b, rtol=1e-6) and np.allclose(ua_a, ua_b, rtol=1e-6)
    # at the 2024 pace the calibration holds; the attacker's losses respond to the defender's power
    ru, _ = war.casualties(wp.advance0, ones, wp)
    assert np.allclose(ru, wp.ru_casualties)
    ru_strong, _ = war.casualties(wp.advance0, ones, wp, p_ua=1.5 * ones)
    assert np.all(ru_strong > ru)


def test_forecast_territory_stays_within_0_and_100_percent():
    """A rout projected for ten years (a huge or negative believed multiplier, a fast front, no
    collapse) ends at 100% or 0%, not beyond,
    and within every block the linear path stays inside 0-100% (issue 12)."""
    s = load_scenario(FREEZE).with_changes({"replications": 50, "attrition.max_advance_pp_per_year": 100,
                                            "attrition.advance_pp_per_year": 20, "attrition.collapse_share": 0})
    m = CeasefireModel(s)
    ru_in, ua_in = m.inflows()
    for bias in (100.0, -100.0):
        path = forecast.project(m.war, m.wp, 520, 1.0, ru_in, ua_in, m.rebuild_ru, m.rebuild_ua, bias)
        start, end = path["territory"], path["territory"] + path["advance"] * forecast.BLOCK_WEEKS
        assert np.all((start >= 0) & (start <= 100)) and np.all((end >= -1e-9) & (end <= 100 + 1e-9))
        assert np.allclose(end[-1], 100.0 if bias > 0 else 0.0)


def test_a_deal_line_beyond_100_percent_is_valued_as_100_percent():
    from sim.engine import durability

    s = load_scenario(FREEZE).with_changes({"replications": 20, "offers[0].terms.line": "proposer_optimal"})
    m = CeasefireModel(s)
    terms = m.offers[0].terms
    values = []
    for line in (100.0, 130.0):
        m.proposal_line = np.full(m.n, line)
        m.decision_round += 1
        values.append(durability.deal_value(m, m.russia, terms, m.russia.current_bias())[0])
    np.testing.assert_array_equal(values[0], values[1])


def test_block_step_at_rest_shortcut_is_the_general_step():
    """``war.block_step``'s all-rest branch (a ceasefire path) gives the bytes of the general
    equations with ``fight = 0`` everywhere."""
    import numpy as np

    from sim.engine import war
    from sim.engine.model import CeasefireModel
    from sim.scenario.schema import load_scenario

    m = CeasefireModel(load_scenario("scenarios/freeze.yaml"), replication_ids=list(range(200)), horizon_weeks=156)
    ru_in, ua_in = m.inflows()
    k = war.block_constants(m.wp, 26, 0.0, ru_in, ua_in, m.rebuild_ru * 1.3, m.rebuild_ua, None)
    assert k["all_rest"]
    general = dict(k, all_rest=False, fight=np.zeros(m.n))
    s_fast, s_slow = m.war.copy(), m.war.copy()
    s_fast.territory = s_slow.territory = np.linspace(-1.0, 101.0, m.n)      # the 0-100 clip too
    for _ in range(3):
        fast = war.block_step(s_fast, m.wp, 26, None, None, None, None, None, 1.1, constants=k)
        slow = war.block_step(s_slow, m.wp, 26, None, None, None, None, None, 1.1, constants=general)
        for key in slow:
            assert np.array_equal(fast[key], slow[key]), key
        for name in ("territory", "ru_force", "ua_force", "ru_stock", "ua_stock", "ua_pool",
                     "ru_casualties", "ua_casualties"):
            assert np.array_equal(getattr(s_fast, name), getattr(s_slow, name)), name
