"""Offer design: the front, the two searches, stability across seeds, resume, outputs."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.design import search
from sim.design.output import table
from sim.design.runner import make_config, run_design
from sim.scenario.schema import load_scenario
from sim.sweeps.executors import SerialExecutor

pytest.importorskip("pymoo")
pytest.importorskip("pyarrow")

FREEZE = "scenarios/freeze.yaml"
SMALL = dict(vary="monitoring,guarantees,sanctions_relief,recognition", objectives="p_agreed,p_holds_1y,territory_end_median",
             replications=60, horizon_weeks=104)


def config(root, **changes):
    kw = {**SMALL, **changes}
    return make_config(str(root / FREEZE), **kw)


@pytest.fixture(scope="module")
def exhaustive(tmp_path_factory):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    c = config(root, search_method="exhaustive")
    return run_design(c, out=tmp_path_factory.mktemp("ex") / "d", workers=1)


def _front(result) -> set[tuple]:
    df = table(result)
    names = result.config.space.names
    return {tuple(r[n] for n in names) for _, r in df[df["on_front"]].iterrows()}


def test_exhaustive_tries_every_package_once(exhaustive):
    df = table(exhaustive)
    assert len(df) == exhaustive.config.space.size == 81
    assert not df.duplicated(exhaustive.config.space.names).any()
    assert df["shipped"].sum() == 1 and df.loc[df["shipped"], "package"].item() == 0


def test_nsga2_finds_the_exhaustive_front_with_fewer_packages(exhaustive, tmp_path, root):
    c = config(root, search_method="nsga2", budget=60)
    r = run_design(c, out=tmp_path / "g", workers=1, write_outputs=False)
    assert len(r.rows) < exhaustive.config.space.size        # it did not simply try everything
    assert _front(r) == _front(exhaustive)


def test_a_package_dominated_on_every_objective_is_never_on_the_front(exhaustive):
    df = table(exhaustive)
    objs = exhaustive.config.objectives
    v = search.oriented(df.to_dict("records"), objs)
    dominated = [i for i in range(len(v)) if np.any(np.all(v > v[i], axis=1))]
    assert dominated                                       # the test has something to check
    assert not df.loc[dominated, "on_front"].any()
    for i in np.nonzero(~df["on_front"].to_numpy())[0]:   # and every package off the front is beaten
        assert np.any(np.all(v >= v[i], axis=1) & np.any(v > v[i], axis=1))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=25))
def test_pareto_mask_keeps_exactly_the_non_dominated(points):
    v = np.array(points, dtype=float)
    front = search.pareto_mask(v)
    for i in range(len(v)):
        beaten = np.any(np.all(v >= v[i], axis=1) & np.any(v > v[i], axis=1))
        assert front[i] == (not beaten)


def test_front_is_stable_under_another_seed_within_its_intervals(exhaustive, tmp_path, root):
    """Criterion: no package on the front of one seed is *significantly* dominated in the run
    with another seed (at least as good on every objective, and on one its whole 95% interval
    is better), and the other way round."""
    other = run_design(config(root, search_method="exhaustive", seed=991), out=tmp_path / "s", workers=1,
                       write_outputs=False)
    objs = exhaustive.config.objectives
    for a, b in ((exhaustive, other), (other, exhaustive)):
        da, db = table(a), table(b)
        names = a.config.space.names
        rows_b = db.to_dict("records")
        for _, x in da[da["on_front"]].iterrows():
            same = db[(db[names] == x[names]).all(axis=1)].iloc[0].to_dict()
            beaters = [y["label"] for y in rows_b if search.significantly_dominates(y, same, objs)]
            assert not beaters, f"{x['label']} on the front of one seed is beaten by {beaters} under the other"


def test_significant_dominance_needs_separated_intervals():
    o = make_objs()
    a = {"p": 0.6, "p_lo": 0.55, "p_hi": 0.65, "t": 10.0, "t_lo": 9.0, "t_hi": 11.0}
    b = {"p": 0.5, "p_lo": 0.45, "p_hi": 0.56, "t": 10.0, "t_lo": 9.0, "t_hi": 11.0}
    assert not search.significantly_dominates(a, b, o)     # 0.55 < 0.56: intervals overlap
    b["p_hi"] = 0.54
    assert search.significantly_dominates(a, b, o)
    a["t"] = 10.5                                          # worse on territory (minimised): no longer dominates
    assert not search.significantly_dominates(a, b, o)


def make_objs():
    from sim.design.objectives import Objective

    return (Objective("p", "max"), Objective("t", "min"))


class _Killed(SerialExecutor):
    """Runs ``n`` batches, then behaves like a kill (KeyboardInterrupt at the next submit)."""

    def __init__(self, n):
        self.n = n

    def submit(self, fn, /, *args, **kwargs):
        if self.n == 0:
            raise KeyboardInterrupt
        self.n -= 1
        return super().submit(fn, *args, **kwargs)


@pytest.mark.parametrize("method,budget", [("exhaustive", None), ("nsga2", 40)])
def test_resume_after_an_interrupted_run_gives_the_same_rows(tmp_path, root, method, budget, request):
    c = config(root, search_method=method, budget=budget)
    if method == "exhaustive":      # the same design as the module's run (all 81 packages): reuse it
        whole = request.getfixturevalue("exhaustive")
        assert whole.config.space.size == 81 and len(whole.rows) == 81
    else:
        whole = run_design(c, out=tmp_path / "whole", workers=1, batch_packages=5, write_outputs=False)
    with pytest.raises(KeyboardInterrupt):
        run_design(c, out=tmp_path / "cut", executor=_Killed(6), batch_packages=5)
    import pyarrow.parquet as pq

    saved = sum(pq.read_table(p).num_rows for p in (tmp_path / "cut" / "parts").glob("batch-*.parquet"))
    assert 0 < saved < len(whole.rows)
    resumed = run_design(c, out=tmp_path / "cut", workers=1, batch_packages=7, resume=True)
    assert resumed.evaluated_now == len(whole.rows) - saved   # the saved packages were not run again
    drop = ("key",)
    strip = lambda rows: [{k: v for k, v in r.items() if k not in drop} for r in rows]  # noqa: E731
    a, b = strip(whole.rows), strip(resumed.rows)
    assert json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def test_existing_folder_needs_resume_or_force(exhaustive, root):
    from sim.scenario.errors import RunExistsError

    c = exhaustive.config
    with pytest.raises(RunExistsError, match="--resume"):
        run_design(c, out=exhaustive.folder, workers=1)
    other = config(root, search_method="exhaustive", replications=61)
    with pytest.raises(RunExistsError, match="different design"):
        run_design(other, out=exhaustive.folder, workers=1, resume=True)


def test_outputs_and_manifest(exhaustive):
    f = exhaustive.folder
    for name in ("packages.parquet", "packages.csv", "pareto.csv", "figures/pareto.png", "report.html"):
        assert (f / name).is_file(), name
    m = json.loads((f / "manifest.json").read_text())
    from sim.output.results import sha256_file

    assert m["files_sha256"] and all(sha256_file(f / k) == v for k, v in m["files_sha256"].items())
    front = table(exhaustive)
    front = front[front["on_front"]]
    assert sorted(p.stem for p in (f / "pareto").glob("*.yaml")) == sorted(front["label"])
    html = (f / "report.html").read_text()
    assert "The scenario's own package" in html and "data:image/png;base64," in html
    assert "ukraine vetoes" in html and "red line &#x27;oversight&#x27;" in html
    for lbl in front["label"]:
        assert f"<b>{lbl}</b>" in html


def test_pareto_scenario_reproduces_its_row_with_run(exhaustive, cli, tmp_path):
    df = table(exhaustive)
    row = df[df["on_front"]].iloc[0]
    code, out, err = cli("run", exhaustive.folder / "pareto" / f"{row['label']}.yaml", "--out", tmp_path / "r",
                         "--no-figures")
    assert code == 0, err
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["ceasefire_duration"]["agreed_probability"] == float(f"{row['p_agreed']:.6g}")
    assert summary["acceptance_probability"]["ukraine"] == float(f"{row['accept_ukraine']:.6g}")
    import pandas as pd

    outcomes = pd.read_parquet(tmp_path / "r" / "outcomes.parquet")
    assert float(np.median(outcomes["territory_end_pct"])) == row["territory_end_median"]


def test_red_lines_come_from_the_actors(exhaustive):
    """Without monitoring Ukraine's oversight red line vetoes (the freeze scenario's comment)."""
    df = table(exhaustive)
    none = df[df["monitoring"] == "none"]
    assert (none["red_lines_ukraine"].str.len() > 0).all() and (none["accept_ukraine"] == 0).all()
    watched = df[df["monitoring"] != "none"]
    assert (watched["red_lines_ukraine"].str.len() == 0).any()


def test_missing_pymoo_is_a_clear_input_error(monkeypatch, tmp_path, root):
    import sys

    from sim.scenario.errors import InputError

    monkeypatch.setitem(sys.modules, "pymoo.algorithms.moo.nsga2", None)
    with pytest.raises(InputError, match=r"ceasefire-sim\[design\]"):
        run_design(config(root, search_method="nsga2", budget=20), out=tmp_path / "x", workers=1)


def test_python_api_returns_a_dataframe(tmp_path, root):
    import sim

    df = sim.design(load_scenario(root / FREEZE), vary="monitoring", objectives="p_agreed", replications=30,
                    horizon_weeks=52, out=tmp_path / "api", workers=1)
    import sim.design.runner  # noqa: F401  - the package attribute stays callable

    assert callable(sim.design)
    assert list(df["monitoring"]) == ["bilateral", "none", "international"]
    assert df["on_front"].sum() >= 1


def test_holding_is_rarer_than_agreeing_and_shrinks_with_the_years(exhaustive):
    df = table(exhaustive)
    assert (df["p_holds_1y"] <= df["p_agreed"]).all() and (df["p_holds_2y"] <= df["p_holds_1y"]).all()
    assert (df["p_holds_1y"] < df["p_agreed"]).any()          # some ceasefires break within a year
    assert (df["p_holds_1y_lo"] <= df["p_holds_1y"]).all() and (df["p_holds_1y"] <= df["p_holds_1y_hi"]).all()


def test_the_same_bytes_with_one_worker_or_two(tmp_path, root):
    c = config(root, vary="monitoring,guarantees", replications=30, horizon_weeks=52)
    one = run_design(c, out=tmp_path / "one", workers=1)
    two = run_design(c, out=tmp_path / "two", workers=2, batch_packages=2)
    for name in ("packages.parquet", "packages.csv", "pareto.csv"):
        assert (one.folder / name).read_bytes() == (two.folder / name).read_bytes(), name
