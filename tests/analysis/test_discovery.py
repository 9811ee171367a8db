"""Scenario discovery on synthetic outcomes defined by a known box: PRIM, CART and the
feature scores must find it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis import discovery
from sim.analysis.discovery import Dimension, Settings, Table
from sim.scenario.errors import InputError

pytest.importorskip("prim")
pytest.importorskip("sklearn")

#: PRIM peels 5% slices of the points, so an edge lands within about one slice of the true
#: edge; with 3,000 uniform points a 0.03 tolerance is a few points' spacing in the box.
TOL = 0.03


def _uniform_table(n=3000, seed=7, categorical=False):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 4))
    frame = pd.DataFrame(x, columns=["x1", "x2", "x3", "x4"])
    dims = [Dimension(c, c, "", 0.0, 1.0) for c in frame.columns]
    if categorical:
        frame["m"] = rng.choice(["a", "b", "c"], n)
        dims.append(Dimension("m", "m", "", levels=("a", "b", "c")))
    return Table(Path("."), "sweep", Path("synthetic"), frame, dims, seed=11)


def _limits(result):
    return {lim.dimension.path: lim for lim in result.limits}


def test_prim_recovers_a_known_box():
    t = _uniform_table()
    f = t.frame
    f["y"] = ((f.x1 >= 0.2) & (f.x1 <= 0.5) & (f.x2 > 0.7)).astype(float)
    r = discovery.discover(t, "y == 1", Settings(trees=100))
    lim = _limits(r)
    assert {p for p, v in lim.items() if v.restricted} == {"x1", "x2"}
    assert abs(lim["x1"].low - 0.2) <= TOL and abs(lim["x1"].high - 0.5) <= TOL
    assert abs(lim["x2"].low - 0.7) <= TOL and lim["x2"].high >= 1 - TOL
    assert r.box["coverage"] >= 0.8 and r.box["density"] >= 0.9
    # the quasi-p-values call both restrictions significant
    assert lim["x1"].quasi_p < 1e-6 and lim["x2"].quasi_p < 1e-6
    # the trajectory starts from the whole table and trades coverage for density
    traj = r.trajectory
    assert traj.loc[0, "coverage"] == 1.0 and traj.loc[0, "mass"] == 1.0
    assert abs(traj.loc[0, "density"] - f.y.mean()) < 1e-12
    assert traj["density"].iloc[-1] > traj["density"].iloc[0]
    # CART separates the box almost perfectly; the feature scores put x1, x2 first
    assert r.tree_accuracy >= 0.97
    assert list(r.scores["parameter"][:2]) in (["x1", "x2"], ["x2", "x1"])
    assert r.scores["importance"][:2].sum() > 0.75
    assert abs(r.scores["importance"].sum() - 1) < 1e-9


def test_prim_keeps_the_levels_of_a_categorical_parameter():
    t = _uniform_table(categorical=True)
    f = t.frame
    f["y"] = ((f.x3 > 0.6) & (f.m != "a")).astype(float)
    r = discovery.discover(t, "y > 0.5", Settings(trees=50))
    lim = _limits(r)
    assert lim["m"].restricted and lim["m"].levels == ("b", "c")
    assert abs(lim["x3"].low - 0.6) <= TOL
    assert not lim["x1"].restricted and not lim["x4"].restricted
    # the feature score of m is the sum over its levels' one-hot columns
    score = dict(zip(r.scores["parameter"], r.scores["importance"]))
    assert set(r.scores["parameter"][:2]) == {"x3", "m"} and score["m"] + score["x3"] > 0.8
    assert score["m"] > 0.2 and max(score["x1"], score["x2"], score["x4"]) < 0.02   # 0.31 and < 0.003 here


def test_rows_where_the_condition_is_undefined_are_left_out():
    t = _uniform_table()
    f = t.frame
    f["p"] = np.where(f.x1 > 0.5, 0.9, 0.1)
    f.loc[:99, "p"] = np.nan                       # e.g. no offer was put at these points
    r = discovery.discover(t, "p > 0.5", Settings(trees=20))
    assert r.used_rows == 2900 and r.undefined_rows == 100
    assert int(r.met.sum()) == int((f.x1[100:] > 0.5).sum())
    assert abs(r.trajectory.loc[0, "density"] - (f.x1[100:] > 0.5).mean()) < 1e-12
    assert "100 points left out" in discovery.format_discovery(r)


def test_an_existing_folder_is_not_replaced_without_force(tmp_path):
    from sim.scenario.errors import RunExistsError

    t = _uniform_table(n=400)
    t.source = tmp_path / "points.csv"
    t.frame.to_csv(t.source)
    t.frame["y"] = (t.frame.x1 > 0.5).astype(float)
    r = discovery.discover(t, "y == 1", Settings(trees=30))
    discovery.write_discovery(r, tmp_path / "d", figures=False)
    with pytest.raises(RunExistsError):
        discovery.write_discovery(r, tmp_path / "d", figures=False)
    assert "manifest.json" in discovery.write_discovery(r, tmp_path / "d", figures=False, force=True)


def test_box_choice_follows_min_coverage_and_step():
    t = _uniform_table()
    t.frame["y"] = ((t.frame.x1 >= 0.2) & (t.frame.x1 <= 0.5) & (t.frame.x2 > 0.7)).astype(float)
    traj = discovery.discover(t, "y == 1", Settings(trees=20)).trajectory
    for c in (0.5, 0.8, 0.95, 1.0):
        step, _ = discovery.choose_step(traj, c, None)
        assert traj.loc[step, "coverage"] >= c - 1e-12
        assert traj.loc[step, "density"] == traj[traj["coverage"] >= c - 1e-12]["density"].max()
    assert discovery.choose_step(traj, 0.8, 3) == (3, "chosen with --step")
    with pytest.raises(InputError, match="the peeling trajectory has steps 0-"):
        discovery.choose_step(traj, 0.8, len(traj))


def test_a_condition_that_splits_nothing_is_an_error():
    t = _uniform_table(categorical=True)
    with pytest.raises(InputError, match="holds in no one of the 3,000 points"):
        discovery.discover(t, "x1 > 2", Settings())
    with pytest.raises(InputError, match="holds in every one"):
        discovery.discover(t, "x1 >= 0", Settings())
    with pytest.raises(InputError, match=r"'d' never occurs in m \(values: a, b, c\)"):
        discovery.discover(t, "m == 'd'", Settings())


def test_constant_parameters_are_left_out_with_a_note():
    t = _uniform_table()
    t.frame["k"] = 3.0
    t.dimensions.append(Dimension("k", "k", "", 3.0, 3.0))
    t.frame["y"] = (t.frame.x1 > 0.5).astype(float)
    r = discovery.discover(t, "y == 1", Settings(trees=20))
    assert "k is constant and left out" in r.notes and "k" not in set(r.scores["parameter"])


def test_default_names():
    assert discovery.default_name("p_ceasefire_holds > 0.5") == "p_ceasefire_holds-gt-0.5"
    assert discovery.default_name("outcome == 'ceasefire_holds' and not x <= 2") == \
        "outcome-eq-ceasefire_holds-and-not-x-le-2"


def test_units_come_from_the_catalog():
    assert discovery.parameter_unit("attrition.exchange_ratio") == "Russian casualties per Ukrainian casualty"
    assert discovery.parameter_unit("actors.russia.weights.casualties") == "pp-years per 10,000 own casualties"
    assert discovery.parameter_unit("offers[0].terms.monitoring") == ""
