"""Unit tests of the attrition equations (sim/engine/war.py)."""

import numpy as np
import pytest

from sim.engine import war
from sim.engine.model import draw_parameters
from sim.engine.rng import KeyedStreams
from sim.scenario.schema import from_data


@pytest.fixture
def wp():
    s = from_data({"name": "w"})
    p = draw_parameters(s, KeyedStreams(1, np.arange(200)))
    return war.WarParams.from_draws(p), p


def test_effectiveness_is_one_with_2024_stocks_and_capped(wp):
    wp, _ = wp
    assert np.allclose(war.effectiveness(wp.ru_need * wp.cover, wp.ru_need, wp.cover, wp.fmax), 1.0)
    assert np.allclose(war.effectiveness(wp.ru_need * wp.cover * 10, wp.ru_need, wp.cover, wp.fmax), wp.fmax)
    assert np.all(war.effectiveness(np.zeros_like(wp.cover), wp.ru_need, wp.cover, wp.fmax) == 0)


def test_front_moves_at_2024_pace_at_reference_balance(wp):
    wp, _ = wp
    rho, fire = war.balance(wp.ru_force0, wp.ua_force0, np.ones_like(wp.cover), np.ones_like(wp.cover), wp)
    assert np.allclose(rho, 1.0) and np.allclose(fire, 1.0)
    assert np.allclose(war.advance(rho, wp), wp.advance0)
    assert np.allclose(war.advance(wp.stalemate, wp), 0.0)
    assert np.all(war.advance(wp.stalemate * 0.5, wp) < 0)
    assert np.all(war.advance(rho * 100, wp) == wp.max_advance)


def test_lanchester_square_law_weighs_numbers_more(wp):
    wp, _ = wp
    ones = np.ones_like(wp.cover)
    rho, _ = war.balance(wp.ru_force0 * 1.1, wp.ua_force0, ones, ones, wp)
    assert np.allclose(rho, 1.1 ** wp.lanchester)


def test_casualties_follow_exchange_ratio_and_attacker_penalty(wp):
    wp, _ = wp
    ones = np.ones_like(wp.cover)
    ru, ua = war.casualties(ones, ones, wp)
    assert np.allclose(ru / ua, wp.exchange_ratio)
    # less Ukrainian fire (fire ratio > 1 for Russia): Ukraine loses relatively more
    ru2, ua2 = war.casualties(ones, ones * 2, wp)
    assert np.all(ru2 / ua2 < ru / ua)
    # Ukraine attacking: it loses attacker_ratio soldiers per Russian loss
    ru3, ua3 = war.casualties(-ones, ones, wp)
    assert np.allclose(ua3 / ru3, wp.attacker_ratio)


def test_step_fighting_versus_resting(wp):
    wp, p = wp
    s = war.WarState.initial(wp, p["attrition.territory_start_pct"])
    fighting = np.arange(len(wp.cover)) % 2 == 0
    resting = ~fighting
    ru_in = wp.ru_need * 1.0
    ua_in = wp.ua_need * 1.0
    before = s.copy()
    flows = war.step(s, wp, fighting, resting, ru_in, ua_in, 1.0, 0.5)
    assert np.all(flows["ru_casualties"][resting] == 0) and np.all(flows["ru_casualties"][fighting] > 0)
    assert np.all(s.territory[resting] == before.territory[resting])
    assert np.all(s.territory[fighting] > before.territory[fighting])
    # a ceasefire refills stocks (no use), fighting at f=1 with inflow = need keeps them
    assert np.all(s.ru_stock[resting] > before.ru_stock[resting])
    assert np.allclose(s.ru_stock[fighting], before.ru_stock[fighting])
    # Ukraine mobilizes half as fast while resting (rebuild share 0.5)
    drawn = before.ua_pool - s.ua_pool
    mob = wp.ua_mobilization
    assert np.allclose(drawn[fighting], mob[fighting]) and np.allclose(drawn[resting], 0.5 * mob[resting])


def test_demographic_limit_slows_mobilization(wp):
    wp, p = wp
    s = war.WarState.initial(wp, p["attrition.territory_start_pct"])
    s.ua_pool = wp.ua_pool0 * 0.25
    before = s.ua_pool.copy()
    war.step(s, wp, np.ones(len(wp.cover), bool), np.zeros(len(wp.cover), bool), wp.ru_need, wp.ua_need, 1, 1)
    assert np.allclose(before - s.ua_pool, 0.25 * wp.ua_mobilization)


def test_collapse_threshold(wp):
    wp, p = wp
    s = war.WarState.initial(wp, p["attrition.territory_start_pct"])
    s.ua_force = wp.ua_force0 * (wp.collapse - 0.01)
    ru, ua = war.collapsed(s, wp)
    assert ua.all() and not ru.any()


def test_mean_decay_matches_a_loop():
    cover = np.array([4.0, 9.0])
    horizon = np.array([52.0, 100.0])
    a = 1 - 1 / cover
    loop = np.array([np.mean(a[i] ** np.arange(int(horizon[i]))) for i in range(2)])
    assert np.allclose(war.mean_decay(cover, horizon), loop)


def test_combat_equals_balance_and_power_index(wp):
    """The fused hot-path form gives the reference functions' numbers over a wide state range."""
    wp, _ = wp
    rng = np.random.default_rng(3)
    n = len(wp.cover)
    ru_n, ua_n = wp.ru_force0 * rng.uniform(0.05, 3, n), wp.ua_force0 * rng.uniform(0.05, 3, n)
    f_ru, f_ua = rng.uniform(0.01, 1.5, n), rng.uniform(0.01, 1.5, n)
    rho, fire, p_ru, p_ua = war.combat(ru_n, ua_n, f_ru, f_ua, wp)
    rho_ref, fire_ref = war.balance(ru_n, ua_n, f_ru, f_ua, wp)
    assert np.allclose(rho, rho_ref, rtol=1e-12) and np.allclose(fire, fire_ref, rtol=1e-12)
    assert np.allclose(p_ru, war.power_index(ru_n, wp.ru_force0, f_ru, wp), rtol=1e-12)
    assert np.allclose(p_ua, war.power_index(ua_n, wp.ua_force0, f_ua, wp), rtol=1e-12)
    # an empty stock leaves (almost) no power, and no NaN
    _, _, p0, _ = war.combat(ru_n, ua_n, np.zeros(n), f_ua, wp)
    assert np.all(np.isfinite(p0)) and np.all(p0 < 1e-6)
