"""Samplers: sizes, unit coordinates, values, determinism."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.sweeps import samplers
from sim.sweeps.spec import SweepParameter, load_sweep
from sweep_support import write_sweep


@pytest.fixture
def spec(tmp_path):
    return load_sweep(write_sweep(tmp_path))


@pytest.mark.parametrize("sampler,points,rows", [("sobol", 8, 8 * (3 + 2)), ("lhs", 7, 7),
                                                 ("morris", 3, 3 * (3 + 1)), ("grid", 4, 4 * 4 * 3)])
def test_design_sizes(spec, sampler, points, rows):
    s = dataclasses.replace(spec, sampler=sampler, points=points)
    u = samplers.design(s)
    assert u.shape == (rows, 3) == (samplers.n_points(s), 3)
    assert (u >= 0).all() and (u <= 1).all()


def test_sobol_second_order_size(spec):
    s = dataclasses.replace(spec, points=4, second_order=True)
    assert samplers.design(s).shape == (4 * (2 * 3 + 2), 3)


def test_design_is_a_pure_function_of_the_spec(spec):
    for sampler in ("sobol", "lhs", "morris"):
        s = dataclasses.replace(spec, sampler=sampler, points=8)
        assert np.array_equal(samplers.design(s), samplers.design(s))
        other = dataclasses.replace(s, seed=s.seed + 1)
        assert not np.array_equal(samplers.design(s), samplers.design(other))


def test_lhs_is_stratified(spec):
    u = samplers.design(dataclasses.replace(spec, sampler="lhs", points=10))
    for j in range(3):  # one point in each tenth of every axis
        assert sorted(np.floor(u[:, j] * 10).astype(int)) == list(range(10))


def test_grid_covers_every_level_and_step(spec):
    s = dataclasses.replace(spec, sampler="grid", points=3)
    rows = [samplers.point_values(s, r) for r in samplers.design(s)]
    assert len(rows) == 27
    assert sorted({r["attrition.exchange_ratio"] for r in rows}) == [1.5, 2.5, 3.5]
    assert {r["offers[0].terms.monitoring"] for r in rows} == {"none", "bilateral", "international"}
    assert len({tuple(r.values()) for r in rows}) == 27


def test_parameter_values():
    p = SweepParameter("x", low=10, high=20, integer=True)
    assert p.value(0.0) == 10 and p.value(1.0) == 20 and p.value(0.54) == 15 and isinstance(p.value(0.3), int)
    lv = SweepParameter("m", levels=("a", "b", "c"))
    assert [lv.value(u) for u in (0.0, 0.33, 0.34, 0.99, 1.0)] == ["a", "a", "b", "c", "c"]
    assert lv.column_type() == "string" and SweepParameter("n", levels=(1, 2)).column_type() == "int64"


def test_sobol_warnings(spec):
    assert samplers.sobol_warnings(dataclasses.replace(spec, points=1024)) == []
    w = samplers.sobol_warnings(dataclasses.replace(spec, points=100))
    assert len(w) == 2 and "N=64 or N=128" in w[0] and "rule of thumb" in w[1]
    assert len(samplers.sobol_warnings(dataclasses.replace(spec, points=64))) == 1
    assert samplers.sobol_warnings(dataclasses.replace(spec, sampler="lhs", points=3)) == []
