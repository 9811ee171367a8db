"""No accepting a ceasefire one means to break at once (sim/engine/commitment.py)."""

from pathlib import Path

import numpy as np

from sim.engine.model import CeasefireModel
from sim.engine.simulate import simulate
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def broken_at_once(columns):
    """Agreed ceasefires broken at the first keep-or-break decision (one week after agreement)."""
    agreed = columns["ceasefires"] > 0
    once = agreed & (columns["ceasefire_end_week"] >= 0) & (columns["ceasefire_duration_weeks"] <= 1) \
        & (columns["broken_by"] != "none")
    return agreed, once


def test_long_horizon_freeze_is_not_accepted_to_be_broken():
    """Over a 10-year horizon Russia's gain from resuming beats the violation cost at once: before
    the check it accepted the freeze in 27% of replications and broke it the next week."""
    s = load_scenario(ROOT / "scenarios" / "freeze.yaml").with_changes(
        {"decision.planning_horizon_weeks": 520, "replications": 400, "seed": 1})
    agreed, once = broken_at_once(simulate(s, record_trajectories=False).columns)
    assert agreed.sum() > 0
    assert once.sum() <= 0.01 * agreed.sum() + 1, (once.sum(), agreed.sum())


def test_acceptance_implies_keeping_in_the_week_of_agreement():
    """Where a belligerent accepts a full ceasefire, its own keep-or-break rule, evaluated in
    that week from the deal's start, does not fire."""
    from sim.engine import durability

    s = load_scenario(ROOT / "scenarios" / "freeze.yaml").with_changes(
        {"decision.planning_horizon_weeks": 520, "replications": 300, "seed": 2})
    m = CeasefireModel(s)
    offer = m.offers[0]
    for key in ("russia", "ukraine"):
        actor = m.actors[key]
        accept, _ = actor.decide(offer, 0)
        gain = durability.gain_at_start(m, actor, offer.terms)
        breaks = gain - m.violation_cost_at(offer.terms, 0) > -actor.resolve + m.weekly_noise(f"break:{key}", 0)
        assert not np.any(accept & breaks)
    # and the rule has bite here: valued alone, Russia would accept deals it breaks at once
    from sim.engine.actors.base import Actor

    plain, _ = Actor.decide(m.russia, offer, 0)
    gain = durability.gain_at_start(m, m.russia, offer.terms)
    breaks = gain - m.violation_cost_at(offer.terms, 0) > -m.russia.resolve + m.weekly_noise("break:russia", 0)
    assert np.any(plain & breaks)


def test_the_gain_at_start_is_the_gain_the_model_uses_a_week_later():
    """The acceptance check's G (from the deal's projection) is the keep-or-break rule's G."""
    s = load_scenario(ROOT / "scenarios" / "freeze.yaml").with_changes({"replications": 200, "seed": 4})
    m = CeasefireModel(s)
    from sim.engine import durability

    g0 = {k: durability.gain_at_start(m, m.actors[k], m.offers[0].terms) for k in ("russia", "ukraine")}
    m.step()
    held = m.in_ceasefire
    assert held.sum() > 20
    for key in ("russia", "ukraine"):
        g1 = m.actors[key].gain_from_resuming(m.offers[0].terms)
        scale = np.abs(g0[key][held]).mean()
        assert np.abs(g1[held] - g0[key][held]).mean() < 0.05 * scale + 0.05


def test_no_break_in_the_week_a_truce_is_extended(monkeypatch):
    """Extending is accepting: the week's keep-or-break decision was part of it, so a stale
    cached gain cannot break the truce in the week it is extended."""
    from sim.engine.actors.russia import Russia
    from sim.engine.actors.ukraine import Ukraine

    s = load_scenario(ROOT / "scenarios" / "truce_30day.yaml").with_changes({"replications": 400, "seed": 1})
    m = CeasefireModel(s)
    m.step()
    held = m.in_ceasefire.copy()
    assert held.any()
    t = m.week
    m.term_end = np.where(held, t, m.term_end)                   # every truce expires this week
    for key in ("russia", "ukraine"):
        m.keep_gain[key] = np.full(m.n, 1e6)                     # a (stale) gain that would break it
    m.gain_week = np.full(m.n, t)                                # cached: not recomputed this week
    for cls in (Russia, Ukraine):
        monkeypatch.setattr(cls, "decide", lambda self, offer, week, proposal=True: (np.ones(self.model.n, bool), None))
    m.keep_or_break(t)
    assert np.all(m.in_ceasefire[held])                          # extended, and not broken
    m.keep_or_break(t + 1)                                       # the next week the rule applies again
    assert not np.any(m.in_ceasefire[held])
