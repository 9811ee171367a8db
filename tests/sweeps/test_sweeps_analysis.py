"""Sensitivity indices against functions with known answers; heatmaps."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from sim.sweeps import analysis, samplers
from sim.sweeps.spec import SweepParameter, load_sweep
from sweep_support import write_sweep


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    """Analytic Sobol' indices of the Ishigami function (Ishigami & Homma 1990)."""
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


@pytest.fixture
def base_spec(tmp_path):
    return load_sweep(write_sweep(tmp_path))


def test_sobol_indices_of_ishigami(base_spec):
    params = tuple(SweepParameter(f"x{i}", low=-math.pi, high=math.pi) for i in range(1, 4))
    spec = dataclasses.replace(base_spec, parameters=params, points=2048, sampler="sobol")
    u = samplers.design(spec)                               # our sampler, unit coordinates
    x = np.array([[p.value(v) for p, v in zip(params, row)] for row in u])
    df = analysis.sobol_indices(spec.names, ishigami(x), seed=1)
    s1, st = ishigami_indices()
    assert s1 == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-3) and st == pytest.approx([0.5576, 0.4424, 0.2437], abs=1e-3)
    assert df["S1"].to_numpy() == pytest.approx(s1, abs=0.03)
    assert df["ST"].to_numpy() == pytest.approx(st, abs=0.03)
    assert (df["S1_conf"] > 0).all() and (df["S1_conf"] < 0.1).all()
    # the intervals cover the truth
    assert (np.abs(df["ST"] - st) <= 2 * df["ST_conf"] + 0.01).all()


def test_morris_ranks_a_linear_function(base_spec):
    params = tuple(SweepParameter(f"x{i}", low=0, high=1) for i in range(4))
    spec = dataclasses.replace(base_spec, parameters=params, points=20, sampler="morris", morris_levels=4)
    u = samplers.design(spec)
    y = 5 * u[:, 0] + 2 * u[:, 1] + 0.5 * u[:, 2] + 0 * u[:, 3]
    df = analysis.morris_indices(spec.names, u, y, num_levels=4, seed=1)
    assert df["mu_star"].to_numpy() == pytest.approx([5, 2, 0.5, 0], abs=1e-9)   # exact for a linear function
    assert df["sigma"].to_numpy() == pytest.approx([0, 0, 0, 0], abs=1e-9)


def test_constant_outcome_gives_zero_indices():
    df = analysis.sobol_indices(["a", "b"], np.ones(16))
    assert (df["S1"] == 0).all() and "constant" in df["note"][0]


def _fake_folder(tmp_path, spec_dict, points, design):
    import json

    (tmp_path / "sweep.json").write_text(json.dumps(spec_dict))
    points.to_parquet(tmp_path / "points.parquet")
    design.to_parquet(tmp_path / "design.parquet")
    return tmp_path


def test_heatmap_table_means_per_cell(tmp_path):
    spec = {"sampler": "grid", "seed": 1, "outcomes": ["p_x"], "second_order": False, "morris_levels": 4,
            "parameters": {"a": {"range": [0, 1]}, "m": {"levels": ["none", "international"]}}}
    a = np.array([0.0, 0.0, 1.0, 1.0, 0.0])
    m = ["none", "international", "none", "international", "none"]
    y = np.array([0.1, 0.2, 0.3, 0.4, 0.3])
    pts = pd.DataFrame({"point": range(5), "status": ["ok"] * 5, "a": a, "m": m, "p_x": y})
    design = pd.DataFrame({"point": range(5), "a": a, "m": [0.25, 0.75, 0.25, 0.75, 0.25]})
    data = analysis.load(_fake_folder(tmp_path, spec, pts, design))
    xl, yl, mean, count = analysis.heatmap_table(data, "a", "m", "p_x", bins=8)
    assert xl == ["0", "1"] and yl == ["none", "international"]
    assert mean == pytest.approx(np.array([[0.2, 0.3], [0.2, 0.4]]))
    assert count.tolist() == [[2, 1], [1, 1]]
    res = analysis.analyze(tmp_path, heatmaps=[("a", "m")])
    assert res.files == ["figures/heatmap_p_x__a__m.png", "manifest.json"]
    assert "no sensitivity indices" in res.text()


def test_heatmap_bins_a_range(tmp_path):
    spec = {"sampler": "lhs", "seed": 1, "outcomes": ["v"], "second_order": False, "morris_levels": 4,
            "parameters": {"a": {"range": [0, 10]}, "b": {"range": [0, 10]}}}
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0, 10, 200), rng.uniform(0, 10, 200)
    pts = pd.DataFrame({"point": range(200), "status": ["ok"] * 200, "a": a, "b": b, "v": a})
    data = analysis.load(_fake_folder(tmp_path, spec, pts, pd.DataFrame({"point": range(200), "a": a / 10, "b": b / 10})))
    xl, yl, mean, count = analysis.heatmap_table(data, "a", "b", "v", bins=5)
    assert xl == ["0–2", "2–4", "4–6", "6–8", "8–10"] and count.sum() == 200   # ranges, not centres
    col_means = np.nanmean(mean, axis=0)
    assert np.all(np.diff(col_means) > 1.0)       # the outcome rises along a, not along b


def test_second_order_indices_of_ishigami(base_spec):
    """S2 of (x1, x3) is the only interaction of the Ishigami function: ~0.244."""
    params = tuple(SweepParameter(f"x{i}", low=-math.pi, high=math.pi) for i in range(1, 4))
    spec = dataclasses.replace(base_spec, parameters=params, points=1024, sampler="sobol", second_order=True)
    u = samplers.design(spec)
    assert u.shape == (1024 * 8, 3)
    x = np.array([[p.value(v) for p, v in zip(params, row)] for row in u])
    df = analysis.sobol_indices(spec.names, ishigami(x), second_order=True, seed=1)
    pairs = dict(item.split("=") for item in df.loc[0, "S2"].split("; "))
    s13 = float(pairs["x3"].split(" +/- ")[0])
    s12 = float(pairs["x2"].split(" +/- ")[0])
    assert s13 == pytest.approx(0.2437, abs=0.06) and abs(s12) < 0.06


@pytest.mark.parametrize("lo, hi, bins, edges", [
    (0, 10, 5, [0, 2, 4, 6, 8, 10]),
    (20000, 45000, 8, [20000, 25000, 30000, 35000, 40000, 45000]),     # not 23,125 / bin centres 11.88
    (1.5, 3.5, 8, [1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.25, 3.5]),
    (0.005, 0.05, 8, [0.005, 0.01, 0.02, 0.03, 0.04, 0.05]),
])
def test_heatmap_bins_fall_on_round_numbers(lo, hi, bins, edges):
    assert analysis.nice_edges(lo, hi, bins).tolist() == pytest.approx(edges)
    assert analysis.number_text(20000.0) == "20,000" and analysis.number_text(1.75) == "1.75"


def test_colour_range_spans_the_cells_not_zero_to_one():
    mean = np.array([[0.001, 0.004], [0.01, np.nan]])
    assert analysis.colour_range(mean, True) == (0.001, 0.01)
    lo, hi = analysis.colour_range(np.full((2, 2), 0.3), True)
    assert lo < 0.3 < hi                          # a constant outcome still gets a scale
    assert analysis.cell_text(0.004, True, 0.009) == "0.40%" and analysis.cell_text(0.5, True, 0.6) == "50%"
