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
