"""Time within the week (issue 13): truce lengths in hours and days, and extension at each term.

The model resolves a truce's term within the weekly step; the actors value a truce on the
same clock (sim.engine.timing.schedule). These tests hold the model to the terms, and the
valuation's clock to what the model realizes.
"""

import numpy as np
import pytest

from sim.analysis.game import ForcedModel
from sim.engine import timing
from sim.engine.actors.base import Actor
from sim.engine.model import CeasefireModel
from sim.scenario.schema import from_data


def scenario(terms, replications=60, horizon=12, **top):
    data = {"name": "t", "replications": replications, "seed": 5, "horizon_weeks": horizon,
            "offers": [{"preset": "custom", "proposer": "russia", "week": 0, "terms": terms}], **top}
    return from_data(data)


def forced(terms, **kw):
    """Both sides accept at week 0 and nobody breaks: the truce runs its terms."""
    s = scenario(terms, **kw)
    return ForcedModel(s, s.offers[0], {"russia": True, "ukraine": True}, {"russia": None, "ukraine": None})


def weekly(model):
    """Run to the horizon; per week the resting share and Ukraine's casualties."""
    rest, cas = [], []
    while model.week < model.horizon:
        model.step()
        rest.append(np.asarray(model.flows["resting"], dtype=np.float64))
        cas.append(model.flows["ua_casualties"].copy())
    return np.array(rest), np.array(cas)


@pytest.mark.parametrize("terms, days", [({"duration_days": 30}, 30.0), ({"duration_days": 28}, 28.0),
                                         ({"duration_hours": 30}, 1.25), ({"duration_days": 10}, 10.0)])
def test_a_truce_lasts_its_term_not_whole_weeks(terms, days):
    m = forced({**terms, "extension": False})
    rest, _ = weekly(m)
    assert np.allclose(m.ceasefire_time * 7.0, days)
    assert np.allclose(rest.sum(axis=0) * 7.0, days)
    assert np.all(m.ceasefires == 1) and np.all(m.first_end == int(days // 7))   # lapsed in the week of its term


def test_a_30_hour_truce_removes_30_of_168_hours_of_fighting():
    with_truce = forced({"duration_hours": 30, "extension": False}, horizon=1)
    _, cas = weekly(with_truce)
    none = CeasefireModel(from_data({"name": "t", "replications": 60, "seed": 5, "horizon_weeks": 1}))
    _, cas0 = weekly(none)
    assert np.allclose(cas[0], cas0[0] * (1.0 - 30.0 / 168.0), rtol=1e-12)


def test_non_extendable_truces_never_roll_over():
    # noisy decisions: many truces are agreed, again and again, and reach their term
    s = scenario({"duration_days": 30, "extension": False}, replications=200, horizon=40,
                 ceasefire={"weekly_noise_sd": 3.0})
    s = s.with_changes({"offers[0].repeat_every_weeks": 4})
    m = CeasefireModel(s).run()
    assert (m.ceasefires > 0).mean() > 0.5
    # every truce covers at most its 30 days
    assert np.all(m.ceasefire_time * 7.0 <= m.ceasefires * 30.0 + 1e-9)
    extendable = CeasefireModel(s.with_changes({"offers[0].terms.extension": True})).run()
    assert np.any(extendable.ceasefire_time * 7.0 > extendable.ceasefires * 30.0 + 1e-9)   # the check can fail


def test_extendable_truces_are_put_to_every_party_at_each_term(monkeypatch):
    asked = []
    real = Actor.decide

    def spy(self, offer, week, proposal=True):
        if not proposal:
            asked.append((self.key, week))
        return real(self, offer, week, proposal)
    monkeypatch.setattr(Actor, "decide", spy)
    weekly(forced({"duration_days": 30, "extension": True}, horizon=6))
    assert {("russia", 4), ("ukraine", 4)} <= set(asked)
    asked.clear()
    weekly(forced({"duration_days": 30, "extension": False}, horizon=6))
    assert asked == []


def _coin(model, week):
    """A fair coin per replication and week, keyed by id (the same in every chunk)."""
    return model.streams.uniform(f"test:extend:{week}") < 0.5


@pytest.mark.parametrize("terms", [{"duration_hours": 30}, {"duration_days": 30}, {"duration_days": 10}])
def test_the_valuation_clock_is_the_models(monkeypatch, terms):
    """Extended at each term with probability 1/2: the cover the model realizes week by week is
    the cover the actors expect (timing.weekly_cover with e = 1/2, terms inside one week
    decided once, as the model does)."""
    monkeypatch.setattr(CeasefireModel, "on", lambda self, mask, decide, dtype=bool:
                        mask & _coin(self, self.week) if dtype is bool else np.zeros(self.n, dtype))
    m = forced({**terms, "extension": True}, replications=4000, horizon=10)
    rest, _ = weekly(m)
    expected = timing.weekly_cover(m.offers[0].terms.duration_weeks, np.array([0.5]), 10)[:, 0]
    assert np.allclose(rest.mean(axis=1), expected, atol=0.03)
    if "duration_hours" in terms:       # per-term decisions would expect far less from week 1
        per_term = 0.5 ** (168 / 30)
        assert expected[1] > 10 * per_term


def test_schedule_parts_add_up():
    sch = timing.schedule(30 / 7, np.array([0.0, 0.3, 1.0]), 30)
    cover = sch["full"] + sch["tail"]
    assert np.allclose(cover[:4], 1.0) and np.allclose(cover[4], [2 / 7, 0.3 + 0.7 * 2 / 7, 1.0])
    assert np.allclose(cover[5:, 0], 0.0) and np.allclose(cover[:, 2], 1.0)
    # the probability of lapsing at some term, plus of never lapsing, is 1
    assert np.allclose(sch["lapse"].sum(axis=0) + sch["full"][-1], 1.0)
