"""Learning from the battlefield: the conjugate update, its wiring into the model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import beliefs
from sim.api import simulate
from sim.engine.model import CeasefireModel
from sim.engine.outcomes import Outcomes
from sim.scenario.schema import load_scenario
from theory_support import theory_scenario


@settings(max_examples=40, deadline=None)
@given(prior_mean=st.floats(0.6, 1.6), prior_sd=st.floats(0.05, 0.4), noise=st.floats(0.005, 0.05),
       weight=st.floats(0.1, 1.0), seed=st.integers(0, 10_000))
def test_conjugate_update_equals_brute_force_grid_posterior(prior_mean, prior_sd, noise, weight, seed):
    rng = np.random.default_rng(seed)
    weeks = 12
    ks = rng.uniform(0.04, 0.14, weeks)
    cs = rng.uniform(-0.1, -0.01, weeks)
    ys = cs + ks * 1.0 + noise * rng.normal(size=weeks)
    mean, prec = np.array([prior_mean]), np.array([1 / prior_sd**2])
    for y, c, k in zip(ys, cs, ks):
        mean, prec = beliefs.update(mean, prec, y, c, k, noise, weight, np.array([True]))
    grid = beliefs.grid_posterior_mean(prior_mean, prior_sd, ys, cs, ks, noise, weight,
                                       grid=np.linspace(-3.0, 5.0, 800_001))
    assert mean[0] == pytest.approx(grid, abs=1e-5)   # grid step 1e-5


def test_weight_zero_keeps_the_prior_and_mask_skips_weeks():
    mean, prec = np.array([1.3, 1.3]), np.array([25.0, 25.0])
    m1, p1 = beliefs.update(mean, prec, 0.02, -0.05, 0.07, 0.02, np.array([0.0, 1.0]), np.array([True, True]))
    assert m1[0] == 1.3 and p1[0] == 25.0 and m1[1] != 1.3
    m2, p2 = beliefs.update(mean, prec, 0.02, -0.05, 0.07, 0.02, 1.0, np.array([False, True]))
    assert m2[0] == 1.3 and p2[0] == 25.0


def test_perfect_observation_reveals_the_truth():
    mean, prec = np.array([1.3]), np.array([25.0])
    c, k = -0.05, 0.07
    mean, prec = beliefs.update(mean, prec, c + k * 1.0, c, k, 0.0, 1.0, np.array([True]))
    assert mean[0] == pytest.approx(1.0, abs=1e-6)


def test_weeks_at_the_cap_of_the_front_are_not_observations():
    s = theory_scenario(replications=5)
    wp = CeasefireModel(s).wp
    rho = np.array([1.0, 50.0, 1.0, 1.0, 1.0])
    fighting = np.array([True, True, False, True, True])
    mask = beliefs.informative(rho, wp, fighting)
    assert mask.tolist() == [True, False, False, True, True]


def test_prior_mean_is_the_optimistic_bias_so_week0_decisions_do_not_change():
    on = theory_scenario(beliefs={"optimism": 0.25, "prior_sd": 0.2, "learning": 1}, resolve_sd=0.5)
    off = theory_scenario(beliefs={"optimism": 0.25, "prior_sd": 0.2, "learning": 0}, resolve_sd=0.5)
    m_on, m_off = CeasefireModel(on), CeasefireModel(off)
    assert m_on.beliefs is not None and m_off.beliefs is None
    assert np.array_equal(m_on.russia.current_bias(), np.full(on.replications, 1.25))
    assert np.allclose(m_on.ukraine.current_bias(), 1 / 1.25)
    m_on.step()
    m_off.step()
    for key in ("russia", "ukraine"):
        assert np.array_equal(m_on.accepted[key], m_off.accepted[key])


def test_learning_moves_beliefs_towards_the_truth_and_paths_are_recorded():
    s = theory_scenario(replications=200, beliefs={"optimism": 0.3, "prior_sd": 0.2, "learning": 1}, offers=[])
    out = simulate(s, horizon_weeks=52)
    paths = out.extra["belief_path"]
    assert paths["russia"].shape == (53, 200) and paths["russia"].dtype == np.float32
    ru, ua = paths["russia"].astype(float), paths["ukraine"].astype(float)
    assert np.allclose(ru[0], 1.3) and np.allclose(ua[0], 1 / 1.3)
    assert np.abs(ru[52] - 1).mean() < 0.25 * np.abs(ru[0] - 1).mean()
    assert np.abs(ua[52] - 1).mean() < 0.25 * np.abs(ua[0] - 1).mean()


def test_conservative_learning_is_slower():
    gaps = {}
    for w in (1.0, 0.1):
        s = theory_scenario(replications=200, beliefs={"optimism": 0.3, "prior_sd": 0.2, "learning": w}, offers=[])
        p = simulate(s, horizon_weeks=26).extra["belief_path"]
        gaps[w] = float(np.abs(p["russia"][26] - p["ukraine"][26]).mean())
    assert gaps[1.0] < gaps[0.1]


def test_oracle_holds_with_learning_belief_paths_included(root):
    s = load_scenario(root / "scenarios" / "freeze.yaml")
    r = 30
    batch = simulate(s, replications=r, horizon_weeks=80)
    singles = Outcomes.concat([simulate(s, replications=1, first_replication=i, horizon_weeks=80) for i in range(r)])
    chunked = simulate(s, replications=r, horizon_weeks=80, chunk_size=7)
    for other in (singles, chunked):
        for key in ("russia", "ukraine"):
            assert np.array_equal(batch.extra["belief_path"][key], other.extra["belief_path"][key])
        for k, v in batch.columns.items():
            assert np.array_equal(v, other.columns[k], equal_nan=v.dtype.kind == "f"), k


def test_learning_is_configurable_per_actor():
    s = theory_scenario(replications=50, beliefs={"optimism": 0.3, "prior_sd": 0.2, "learning": 1}, offers=[])
    s = s.with_changes({"actors.ukraine.beliefs.learning": 0})
    m = CeasefireModel(s).run()
    assert "russia" in m.beliefs and "ukraine" not in m.beliefs
    assert np.allclose(m.belief_path["ukraine"], 1 / 1.3)
    assert not np.allclose(m.belief_path["russia"][-1], 1.3)


def test_each_side_judges_the_cap_with_its_own_belief_not_the_truth():
    """Whether a week was a rout (at the cap) is judged with the side's belief: it does not know b."""
    s = theory_scenario(replications=2)
    wp = CeasefireModel(s).wp
    a0, st_, cap = wp.advance0[0], wp.stalemate[0], wp.max_advance[0]
    raw = lambda b, rho: a0 * (b * rho - st_) / (1 - st_)          # noqa: E731  the front equation
    # replication 0: the truth (b = 1) is below the cap, Russia's belief (b = 3) is above it;
    # replication 1: the truth is above the cap, Ukraine's belief (b = 0.2) below it
    rho = np.array([(0.5 * cap * (1 - st_) / a0 + st_), 1.2 * (cap * (1 - st_) / a0 + st_)])
    assert abs(raw(1, rho[0])) < cap < raw(3, rho[0]) and raw(1, rho[1]) > cap > abs(raw(0.2, rho[1]))
    state = beliefs.BeliefState({"russia": (np.array([3.0, 3.0]), np.array([0.3, 0.3]), np.ones(2)),
                                 "ukraine": (np.array([0.2, 0.2]), np.array([0.3, 0.3]), np.ones(2))},
                                np.full(2, 0.02))
    before = {k: state.mean(k).copy() for k in ("russia", "ukraine")}
    wp2 = type(wp)(**{f: getattr(wp, f)[:2] for f in wp.__dataclass_fields__})
    y = np.minimum(raw(1, rho), cap)
    state.observe(y, rho, wp2, np.array([True, True]))
    ru, ua = state.mean("russia"), state.mean("ukraine")
    assert ru[0] == before["russia"][0]          # Russia sees week 0 as a rout: no observation
    assert ua[0] != before["ukraine"][0]          # Ukraine does not
    assert ua[1] != before["ukraine"][1]          # week 1 was a rout in truth, not in Ukraine's eyes
    assert ru[1] == before["russia"][1]
