"""The engine's shortcuts give the numbers of the general path, bit for bit (issue: speed).

A block where everyone fights (or everyone rests) skips the other branch of
:func:`sim.engine.war.block_step`; a keep-or-break decision draws its shocks only for the
replications deciding. Each is compared with the general computation on the same inputs.
"""

from __future__ import annotations

import numpy as np

from sim.engine import war
from sim.engine.model import CeasefireModel
from sim.scenario.schema import load_scenario

FREEZE = "scenarios/freeze.yaml"
FIELDS = ("territory", "ru_force", "ua_force", "ru_stock", "ua_stock", "ua_pool", "ru_casualties", "ua_casualties")


def _model(n=40):
    m = CeasefireModel(load_scenario(FREEZE).with_changes({"replications": n}))
    for _ in range(30):                 # move the state away from its start
        m.step()
    return m


def _block(m, fight):
    state = m.war.copy()
    ru_in, ua_in = m.inflows()
    flows = war.block_step(state, m.wp, 26, fight, ru_in, ua_in, m.rebuild_ru, m.rebuild_ua, 1.1)
    return state, flows


def test_uniform_blocks_equal_the_mixed_block_bit_for_bit():
    m = _model()
    mixed = np.tile([1.0, 0.0], m.n // 2)       # the general path (np.where of both branches)
    s_mix, f_mix = _block(m, mixed)
    for value in (1.0, 0.0):
        s_one, f_one = _block(m, np.full(m.n, value))
        pick = mixed == value
        for name in FIELDS:
            assert np.array_equal(getattr(s_one, name)[pick], getattr(s_mix, name)[pick]), (value, name)
        for name, rate in f_one.items():
            assert np.array_equal(rate[pick], f_mix[name][pick]), (value, name)


def test_block_constants_reused_equal_a_fresh_block():
    m = _model()
    ru_in, ua_in = m.inflows()
    k = war.block_constants(m.wp, 26, np.ones(m.n), ru_in, ua_in, m.rebuild_ru, m.rebuild_ua)
    fresh, reused = m.war.copy(), m.war.copy()
    for _ in range(3):
        war.block_step(fresh, m.wp, 26, np.ones(m.n), ru_in, ua_in, m.rebuild_ru, m.rebuild_ua)
        war.block_step(reused, m.wp, 26, None, None, None, None, None, constants=k)
    for name in FIELDS:
        assert np.array_equal(getattr(fresh, name), getattr(reused, name)), name


def test_breaking_on_a_subset_equals_breaking_everywhere():
    m = _model(60)
    offer = m.offers[0]
    gain = np.linspace(-3.0, 3.0, m.n)          # a spread of gains so that some break
    where = (np.arange(m.n) % 3) == 1
    for actor in (m.russia, m.ukraine):
        everywhere = actor.breaks_ceasefire(offer, 40, gain=gain)
        subset = actor.breaks_ceasefire(offer, 40, gain=gain, where=where)
        assert everywhere[where].any() and not everywhere[where].all()     # both outcomes occur
        assert np.array_equal(subset, everywhere & where), actor.key


# -- issue 18: memoized projection constants, cached discounts, decisions on views ----------------

def _same_bytes(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _assert_same_constants(got: dict, want: dict):
    assert got.keys() == want.keys()
    for key in want:
        assert _same_bytes(got[key], want[key]), key


def test_memoized_block_constants_equal_fresh_ones_and_miss_on_any_change():
    from dataclasses import replace

    from sim.engine import forecast

    m = _model()
    ru_in, ua_in = m.inflows()

    def fresh(wp, fight, ua):
        return war.block_constants(wp, 26, fight, ru_in, ua, m.rebuild_ru, m.rebuild_ua, war.mean_decay(wp.cover, 26))

    for fight in (1.0, 0.0):
        wp = replace(m.wp)                  # the same arrays, an empty memo
        first = forecast.block_constants(wp, fight, ru_in, ua_in, m.rebuild_ru, m.rebuild_ua)
        _assert_same_constants(first, fresh(wp, fight, ua_in))
        # equal values in other arrays: a hit
        hit = forecast.block_constants(wp, fight, ru_in.copy(), ua_in.copy(), m.rebuild_ru.copy(), m.rebuild_ua)
        assert hit is first
        # one inflow one ulp higher in one replication: a miss, and the fresh numbers
        bumped = ua_in.copy()
        bumped[3] = np.nextafter(bumped[3], np.inf)
        other = forecast.block_constants(wp, fight, ru_in, bumped, m.rebuild_ru, m.rebuild_ua)
        assert other is not first
        _assert_same_constants(other, fresh(wp, fight, bumped))
        # another fight, another parameter array: misses
        assert forecast.block_constants(wp, 1.0 - fight, ru_in, ua_in, m.rebuild_ru, m.rebuild_ua) is not first
        wp.cover = wp.cover.copy()
        moved = forecast.block_constants(wp, fight, ru_in, ua_in, m.rebuild_ru, m.rebuild_ua)
        assert moved is not first
        _assert_same_constants(moved, fresh(wp, fight, ua_in))
    # a caller changing its arrays afterwards does not change what is cached
    wp = replace(m.wp)
    mine, kept = ua_in.copy(), ua_in.copy()
    first = forecast.block_constants(wp, 1.0, ru_in, mine, m.rebuild_ru, m.rebuild_ua)
    mine *= 0.5
    again = forecast.block_constants(wp, 1.0, ru_in, kept, m.rebuild_ru, m.rebuild_ua)
    assert again is first
    _assert_same_constants(again, fresh(wp, 1.0, kept))


def test_projections_through_the_memo_equal_the_general_path_bit_for_bit():
    """A scalar ``fight`` goes through the memo; the same fight as an array takes the general path."""
    from sim.engine import forecast

    m = _model()
    ru_in, ua_in = m.inflows()
    for fight in (1.0, 0.0):
        for repeat in range(2):          # the second projection hits the memo
            memo = forecast.project(m.war, m.wp, m.horizon_plan, fight, ru_in, ua_in, m.rebuild_ru,
                                    m.rebuild_ua, 1.1, keep_states=True)
            general = forecast.project(m.war, m.wp, m.horizon_plan, np.full(m.n, fight), ru_in, ua_in,
                                       m.rebuild_ru, m.rebuild_ua, 1.1, keep_states=True)
            for key, value in general.items():
                if key == "states":
                    for a, b in zip(value, memo["states"]):
                        for name in FIELDS:
                            assert np.array_equal(getattr(a, name), getattr(b, name)), (fight, name)
                else:
                    assert _same_bytes(memo[key], value), (fight, repeat, key)


def test_cached_discounts_equal_the_power_on_the_model_and_on_a_view():
    from sim.engine import durability
    from sim.engine.subset import view

    m = _model()
    idx = np.array([1, 5, 6, 17, 30])
    v = view(m, idx, m._view_cache)
    for tau in (13.0, 39.0, 91.0):
        assert _same_bytes(durability.discount_at(m, tau), m.delta ** tau)
        assert _same_bytes(durability.discount_at(v, tau), m.delta[idx] ** tau)


def test_a_large_subset_decided_on_a_view_equals_the_full_model():
    """More than half the replications: still a view (issue 18), still the full model's numbers."""
    from sim.engine.model import accept_and_expect

    m = _model()
    mask = (np.arange(m.n) % 4) != 0           # three quarters
    offer, t = m.offers[0], m.week
    for key in ("russia", "ukraine", "united_states"):
        m.decision_round += 1
        flags, values = accept_and_expect(m.actors[key], offer, t)
        m.decision_round += 1
        on_flags, on_values = m.on_pair(mask, lambda v, key=key: accept_and_expect(v.actors[key], offer, t))
        assert _same_bytes(on_flags, flags & mask), key
        assert _same_bytes(on_values, np.where(mask, values, np.nan)), key
        assert flags[mask].any() and not flags[mask].all(), key     # both decisions occur
