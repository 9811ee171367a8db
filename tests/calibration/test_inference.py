"""ABC-SMC on a synthetic problem whose truth is known, and its reproducibility.

The coverage check: targets are simulated from fixed "true" values of two parameters, the
calibration starts from their default ranges and must (a) put each true value inside the
central 95% interval of its weighted posterior and (b) learn: each posterior 95% interval is
narrower than 60% of the prior's. (a) alone would pass with a posterior equal to the prior.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyabc")

from sim.calibration import inference  # noqa: E402
from sim.calibration.spec import load_calibration  # noqa: E402
from sim.calibration.targets import simulate_targets  # noqa: E402
from sim.engine.rng import stream_key  # noqa: E402

TRUTH = {"attrition.advance_pp_per_year": 0.85, "attrition.exchange_ratio": 2.35}

SYNTHETIC = """\
name: synthetic
seed: 11
replications: 64
population: 30
generations: 4
predictive_draws: 6
parameters: [attrition.advance_pp_per_year, attrition.exchange_ratio]
targets:
  speed:
    scenario: refusal
    statistic: territory_gain
    weeks: [0, 52]
    horizon_weeks: 52
    observed: 0.0
    sd: 0.05
    source: "synthetic: simulated at the true values"
  ratio:
    scenario: refusal
    statistic: casualty_ratio
    horizon_weeks: 52
    observed: 0.0
    sd: 0.03
    source: "synthetic: simulated at the true values"
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    p = Path(tmp_path_factory.mktemp("cal")) / "synthetic.yaml"
    p.write_text(SYNTHETIC, encoding="utf-8")
    cal = load_calibration(p)
    seed = int(stream_key(cal.seed, "test:truth") % np.uint64(2**62))
    observed = simulate_targets(cal, TRUTH, seed)              # the data: one simulation at the truth
    cal.targets = [replace(t, observed=observed[t.key]) for t in cal.targets]
    return cal


@pytest.fixture(scope="module")
def posterior(synthetic):
    return inference.infer(synthetic, budget=300)


def test_the_posterior_covers_the_truth_and_learns(synthetic, posterior):
    prior = inference.prior_draws(synthetic, 4000)
    for j, path in enumerate(posterior.paths):
        lo, hi = inference.weighted_quantile(posterior.values[:, j], posterior.weights, [0.025, 0.975])
        plo, phi = np.quantile(prior[:, j], [0.025, 0.975])
        assert lo <= TRUTH[path] <= hi, (path, lo, hi)
        assert hi - lo < 0.6 * (phi - plo), (path, hi - lo, phi - plo)
    assert posterior.ess > 0.3 * synthetic.population
    eps = [g.epsilon for g in posterior.generations]
    assert eps == sorted(eps, reverse=True) and len(eps) >= 2


def _reversed_map(f, items):
    """Run the tasks last to first (as workers finishing out of order would) and return them in order."""
    items = list(items)
    return list(reversed([f(x) for x in reversed(items)]))


def test_same_seed_same_posterior_whatever_the_order_of_the_tasks(synthetic):
    small = replace(synthetic, population=12, generations=2)
    a = inference.infer(small, budget=40)
    b = inference.infer(small, budget=40, map_=_reversed_map)
    assert np.array_equal(a.values, b.values) and np.array_equal(a.weights, b.weights)
    c = inference.infer(replace(small, seed=12), budget=40)
    assert not np.array_equal(a.values, c.values)


def test_posterior_draws_follow_the_weights(posterior):
    rows = inference.posterior_rows(posterior, 20000)
    share = np.bincount(rows, minlength=len(posterior.weights)) / rows.size
    assert np.abs(share - posterior.weights).max() < 0.01
