"""The calibration's proposal (sim/calibration/sampler.py IndependentNormalTransition)."""

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyabc")
from scipy import stats  # noqa: E402

from sim.calibration.sampler import IndependentNormalTransition  # noqa: E402


def population(seed=3, n=400, d=5):
    rng = np.random.default_rng(seed)
    x = rng.normal(loc=np.arange(d), scale=np.linspace(0.2, 1.0, d), size=(n, d))
    w = rng.uniform(0.1, 1.0, size=n)
    return pd.DataFrame(x, columns=[f"p{i:03d}" for i in range(d)]), w


def test_it_fits_the_weighted_mean_and_variance_and_its_density_is_the_normal_one():
    X, w = population()
    k = IndependentNormalTransition(scaling=1.3)
    k.fit(X, w)
    x = X.to_numpy()
    wn = w / w.sum()
    mean = wn @ x
    sd = 1.3 * np.sqrt(wn @ (x - mean) ** 2)
    np.testing.assert_allclose(k.mean_, mean, rtol=1e-12)
    np.testing.assert_allclose(k.sd_, sd, rtol=1e-12)
    point = X.iloc[7] + 0.3
    expected = np.prod(stats.norm.pdf(point.to_numpy(), loc=mean, scale=sd))
    assert k.pdf(point) == pytest.approx(expected, rel=1e-10)
    frame = X.iloc[:5]
    np.testing.assert_allclose(k.pdf(frame), [np.prod(stats.norm.pdf(r, loc=mean, scale=sd))
                                              for r in frame.to_numpy()], rtol=1e-10)


def test_its_draws_follow_its_density():
    X, w = population()
    k = IndependentNormalTransition()
    k.fit(X, w)
    np.random.seed(11)
    z = np.array([[p[c] for c in X.columns] for p in (k.rvs_single() for _ in range(4000))])
    for j in range(z.shape[1]):
        assert stats.kstest(z[:, j], "norm", args=(k.mean_[j], k.sd_[j])).pvalue > 1e-3


def test_a_parameter_the_population_has_not_spread_keeps_the_unit_spread():
    X, w = population()
    X["p002"] = 0.25
    k = IndependentNormalTransition()
    k.fit(X, w)
    assert k.sd_[2] == pytest.approx(1.0)
    assert np.isfinite(k.pdf(X.iloc[0]))


def test_the_default_parameters_leave_out_what_the_model_ignores():
    """A parameter the model no longer reads has no effect on any target: the default set must not
    infer it (it would show as 'updated' by chance)."""
    from sim.calibration.spec import IGNORED_BY_MODEL, default_priors
    from sim.engine.simulate import simulate
    from sim.scenario.distributions import fixed
    from sim.scenario.schema import load_scenario
    from dataclasses import replace
    from pathlib import Path

    paths = {p.path for p in default_priors()}
    assert not paths & IGNORED_BY_MODEL
    s = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "freeze.yaml")
    for path in IGNORED_BY_MODEL:          # ignored indeed: its value changes no outcome
        runs = [simulate(replace(s, params={**s.params, path: fixed(v)}), replications=200, seed=5,
                         horizon_weeks=60).columns["ceasefire_start_week"] for v in (0.0, 0.4)]
        np.testing.assert_array_equal(*runs)
