"""Particles simulated in batches give the bytes of particles simulated one by one (issue 16).

Three levels: (1) a particle's statistics in a batch equal its statistics alone, and equal
the fixed-value simulation the calibration used before batches (the model's own ``simulate``
of its block of replications); (2) the record/replay sampler gives pyabc exactly what a
sequential evaluation would; (3) neither the batch size nor the number of groups changes the
posterior or the number of evaluations counted.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyabc")

from sim.calibration import inference  # noqa: E402
from sim.calibration.spec import load_calibration  # noqa: E402
from sim.calibration.targets import (measure, replication_ids, simulate_batch, simulate_targets,  # noqa: E402
                                     with_values)
from sim.engine.simulate import simulate  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

SMALL = """\
name: small
seed: 3
replications: 16
population: 12
generations: 3
predictive_draws: 4
parameters: [attrition.advance_pp_per_year, attrition.exchange_ratio, actors.russia.resolve_sd]
targets:
  speed:
    scenario: refusal
    statistic: territory_gain
    weeks: [0, 26]
    horizon_weeks: 26
    observed: 0.35
    sd: 0.1
    source: "synthetic"
  ratio:
    scenario: refusal
    statistic: casualty_ratio
    horizon_weeks: 26
    band: [2.0, 2.5]
    source: "synthetic"
  russia_yes:
    scenario: freeze
    statistic: acceptance
    actor: russia
    horizon_weeks: 26
    band: [0.5, 1.0]
    source: "synthetic"
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    p = Path(tmp_path_factory.mktemp("batch")) / "small.yaml"
    p.write_text(SMALL, encoding="utf-8")
    return load_calibration(p)


def _particles(cal, n, stream="test:batch"):
    paths = [p.path for p in cal.priors]
    draws = inference.prior_draws(cal, n, stream)
    seeds = [int(s) for s in np.random.default_rng(7).integers(0, 2**62, size=n)]
    return [(dict(zip(paths, map(float, row))), s) for row, s in zip(draws, seeds)]


def _old_way(cal, theta, seed):
    """Each scenario with the particle's values fixed, simulated alone on its block of replications."""
    base = int(replication_ids(seed, cal.replications)[0])
    out = {}
    for t in cal.targets:
        scenario, _ = with_values(cal.scenarios[t.scenario], theta)
        run = simulate(scenario, replications=cal.replications, seed=cal.seed, first_replication=base,
                       horizon_weeks=t.horizon_weeks or scenario.horizon_weeks)
        out[t.key] = measure(t, run)
    return out


def test_a_particle_in_a_batch_is_the_particle_alone_and_the_fixed_value_run(small):
    parts = _particles(small, 6)
    batch = simulate_batch(small, parts)
    alone = [simulate_targets(small, *p) for p in parts]
    assert batch == alone
    assert batch[2] == _old_way(small, *parts[2]) and batch[5] == _old_way(small, *parts[5])
    assert simulate_batch(small, parts[3:] + parts[:3]) == batch[3:] + batch[:3]      # order does not matter
    assert len({tuple(b.values()) for b in batch}) == len(batch)                      # and they differ
    same_block = [(parts[0][0], 5), (parts[1][0], 6)]        # seeds 5 and 6 share a block of ids
    assert (replication_ids(5, 16) == replication_ids(6, 16)).all()
    assert simulate_batch(small, same_block) == [simulate_targets(small, *p) for p in same_block]


def test_the_record_batches_keep_each_scenarios_own_settings():
    """Every scenario of the worked example (history files that set parameters themselves included),
    with the example's 75 parameters: batch = alone = the fixed-value run."""
    cal = load_calibration(ROOT / "scenarios" / "calibration" / "record_2024_2025.yaml")
    cal = replace(cal, replications=3)
    parts = _particles(cal, 3)
    batch = simulate_batch(cal, parts)
    assert batch[1] == simulate_targets(cal, *parts[1])
    assert batch[1] == _old_way(cal, *parts[1])


def test_a_scenario_with_its_own_posterior_keeps_drawing_from_it(small, tmp_path):
    """A calibration scenario with ``priors: posterior.parquet``: the inferred parameters are the
    particle's, the posterior's other columns are still drawn per replication, as the engine does."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    post = tmp_path / "posterior.parquet"
    pq.write_table(pa.table({"weight": [0.2, 0.3, 0.5], "attrition.advance_pp_per_year": [0.5, 0.6, 0.7],
                             "attrition.stalemate_threshold": [0.72, 0.8, 0.88]}), post)
    f = tmp_path / "own.yaml"
    f.write_text((ROOT / "scenarios" / "refusal.yaml").read_text(encoding="utf-8") + f"\npriors: {post}\n",
                 encoding="utf-8")
    cal = replace(small, scenarios={**small.scenarios, "refusal": _load(f)}, targets=small.targets[:2])
    parts = _particles(cal, 4)
    batch = simulate_batch(cal, parts)
    assert batch == [simulate_targets(cal, *p) for p in parts]
    assert batch[0] == _old_way(cal, *parts[0])


def _load(path):
    from sim.scenario.schema import load_scenario

    return load_scenario(path)


def _sequential(cal, budget):
    """The reference: pyabc's proposals evaluated one by one (no record, no replay, no batch)."""
    from sim.calibration import sampler as mod

    class Sequential(mod.KeyedSampler):
        def keyed_group(self, simulate_one, keys):
            import random

            simulate_one = self.unpickle(simulate_one)
            out = []
            for key in keys:
                s = inference.task_seed(self.seed, *key)
                np.random.seed(s)
                random.seed(s)
                nr, sample = 0, self._create_empty_sample()
                while True:
                    new = simulate_one()
                    nr += 1
                    sample.append(new)
                    if new.accepted:
                        break
                out.append((sample, nr))
            return out, 0, 0

    original = mod.KeyedSampler
    mod.KeyedSampler = Sequential
    try:
        return inference.infer(cal, budget)
    finally:
        mod.KeyedSampler = original


def _same(a, b):
    assert np.array_equal(a.values, b.values) and np.array_equal(a.weights, b.weights)
    assert np.array_equal(a.distances, b.distances)
    assert a.simulations == b.simulations
    assert [(g.epsilon, g.simulations) for g in a.generations] == [(g.epsilon, g.simulations) for g in b.generations]


def test_record_and_replay_give_pyabc_what_a_sequential_evaluation_gives(small):
    ref = _sequential(small, 60)
    assert len(ref.generations) >= 2
    runs = {}
    for batch, workers in ((1, 1), (64, 1), (7, 3)):
        runs[batch] = got = inference.infer(small, 60, batch=batch, workers=workers)
        _same(got, ref)
        assert got.simulated >= got.simulations        # look-ahead: simulated, discarded, never counted
    assert runs[64].rounds < runs[1].rounds
    from sim.calibration import sampler as mod

    fast = mod.replaying
    mod.replaying = lambda simulate_one, proposals: None        # replay by re-running pyabc's proposals
    try:
        _same(inference.infer(small, 60, batch=7, workers=2), ref)
    finally:
        mod.replaying = fast


def test_predictive_checks_do_not_depend_on_the_groups(small):
    values = inference.prior_draws(small, 5)
    a = inference.predictive(small, values, "prior_predictive", groups=1)
    b = inference.predictive(small, values, "prior_predictive", groups=3)
    assert np.array_equal(a, b, equal_nan=True) and a.shape == (5, len(small.targets))
