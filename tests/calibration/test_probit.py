"""The probit scale is exact: z -> theta -> z round trips, and N(0, 1) pushed through the map is the
stated prior (the engine's own draw, clipped to the parameter's bounds)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.calibration import probit
from sim.calibration.spec import Prior
from sim.scenario.distributions import Param

PRIORS = [
    Prior("u", Param("uniform", (0.2, 1.4)), (0.0, 2.0), "assumption", ""),
    Prior("t", Param("triangular", (1.0, 1.3, 3.0)), (0.0, 5.0), "assumption", ""),
    Prior("t0", Param("triangular", (0.0, 0.0, 1.0)), (0.0, 1.0), "assumption", ""),
    Prior("t1", Param("triangular", (0.0, 1.0, 1.0)), (0.0, 1.0), "assumption", ""),
    Prior("n", Param("normal", (2.25, 0.15)), (-10.0, 10.0), "assumption", ""),
    Prior("ln", Param("lognormal", (0.8, 0.4)), (0.0, 100.0), "assumption", ""),
]


def scipy_dist(p: Prior):
    a = p.param.args
    return {"uniform": lambda: stats.uniform(a[0], a[1] - a[0]),
            "triangular": lambda: stats.triang((a[1] - a[0]) / (a[2] - a[0]), loc=a[0], scale=a[2] - a[0]),
            "normal": lambda: stats.norm(a[0], a[1]),
            "lognormal": lambda: stats.lognorm(a[1], scale=a[0])}[p.param.kind]()


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: p.path)
def test_round_trip(prior):
    z = np.linspace(-6.0, 6.0, 2001)
    back = probit.to_probit(prior, probit.to_value(prior, z))
    assert np.allclose(back, z, rtol=0, atol=1e-7), np.max(np.abs(back - z))
    theta = probit.to_value(prior, z)
    assert np.all(np.diff(theta) >= 0) and np.all(np.diff(theta[np.abs(z) < 4]) > 0)


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: p.path)
def test_a_standard_normal_pushed_through_is_the_prior(prior):
    z = np.random.default_rng(20240524).standard_normal(20000)
    theta = probit.to_value(prior, z)
    ks = stats.kstest(theta, scipy_dist(prior).cdf)
    assert ks.pvalue > 1e-3, ks
    # and the engine's own draw from the same uniforms (the same map, not only the same law)
    u = stats.norm.cdf(z[np.abs(z) < 5])
    assert np.allclose(prior.param.sample(u, prior.bounds), probit.to_value(prior, z[np.abs(z) < 5]),
                       rtol=1e-9, atol=1e-9)


def test_values_are_clipped_to_the_bounds_as_the_engine_clips():
    p = Prior("n", Param("normal", (0.5, 1.0)), (0.0, 1.0), "assumption", "")
    z = np.random.default_rng(3).standard_normal(20000)
    theta = probit.to_value(p, z)
    assert theta.min() == 0.0 and theta.max() == 1.0
    assert abs(np.mean(theta == 0.0) - stats.norm.cdf(-0.5)) < 0.015
    assert np.allclose(theta, p.param.sample(stats.norm.cdf(z), p.bounds), rtol=0, atol=1e-9)


def test_the_record_priors_map_every_real_vector_inside_their_bounds():
    from sim.calibration.spec import load_calibration

    cal = load_calibration("scenarios/calibration/record_2024_2025.yaml")
    z = np.random.default_rng(1).standard_normal((500, len(cal.priors))) * 3.0
    theta = probit.to_values(cal.priors, z)
    for j, p in enumerate(cal.priors):
        assert p.bounds[0] <= theta[:, j].min() and theta[:, j].max() <= p.bounds[1], p.path
        lo, hi = p.param.support()
        assert lo <= theta[:, j].min() and theta[:, j].max() <= hi, p.path


def test_the_fast_prior_is_pyabcs():
    pytest.importorskip("pyabc")
    import pyabc

    from sim.calibration.sampler import StandardNormalPrior

    names = [f"p{i:03d}" for i in range(12)]
    fast, slow = StandardNormalPrior(names), pyabc.Distribution(**{n: pyabc.RV("norm", 0, 1) for n in names})
    for s in range(5):
        np.random.seed(s)
        x = fast.rvs()
        assert sorted(x.keys()) == sorted(names)
        assert fast.pdf(x) == pytest.approx(slow.pdf(x), rel=1e-12)
