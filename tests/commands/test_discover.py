"""``ceasefire-sim discover`` and ``sweep-analyze --discover`` end to end, on a small sweep
and a small run (in-process CLI)."""

from __future__ import annotations

import builtins
import json

import pandas as pd
import pytest

from sim.cli import main
from sim.output.results import sha256_file
from sweep_support import write_sweep

pytest.importorskip("prim")
pytest.importorskip("sklearn")

FILES = ["box.csv", "box.json", "discovery.txt", "feature_scores.csv", "figures/box_limits.png",
         "figures/feature_scores.png", "figures/tradeoff.png", "figures/tree.png", "manifest.json",
         "trajectory.csv", "tree.txt"]


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sweep")
    f = write_sweep(tmp, name="lhs", sampler="lhs", points=60, chunk_points=None, horizon=52,
                    outcomes="[p_ceasefire_holds, p_accept_russia, territory_end_median]")
    out = tmp / "lhs"
    assert main(["sweep", str(f), "--workers", "1", "--out", str(out), "--quiet"]) == 0
    return out


def _run_freeze(folder, root, replications):
    """A freeze run without figures in ``folder/freeze`` (the folder discovery reads)."""
    out = folder / "freeze"
    assert main(["run", str(root / "scenarios" / "freeze.yaml"), "-n", str(replications),
                 "--out", str(out), "--no-figures"]) == 0
    return out


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory, root):
    return _run_freeze(tmp_path_factory.mktemp("run"), root, 600)


@pytest.fixture(scope="module")
def root():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_sweep_analyze_discover_on_a_sweep(sweep_folder, cli):
    # 0.3: since issue 13 international monitoring has no lump sum for Ukraine, and in this small
    # sweep (52 weeks) the ceasefire holds in ~25-40% of the replications; the threshold splits the points
    code, out, err = cli("sweep-analyze", sweep_folder, "--discover", "p_ceasefire_holds > 0.3", "--trees", "50")
    assert code == 0, err
    target = sweep_folder / "discovery" / "p_ceasefire_holds-gt-0.3"
    assert _files(target) == FILES
    points = pd.read_parquet(sweep_folder / "points.parquet")
    meets = int((points["p_ceasefire_holds"] > 0.3).sum())
    assert f"'p_ceasefire_holds > 0.3' holds in {meets} of 60 points" in out
    box = json.loads((target / "box.json").read_text())
    assert box["rows"] == 60 and box["rows_meeting"] == meets
    rows = pd.read_csv(target / "box.csv")
    assert list(rows["parameter"]) == ["attrition.exchange_ratio", "united_states.military_aid_bn_per_year",
                                       "offers[0].terms.monitoring"]
    assert rows.loc[0, "unit"] == "Russian casualties per Ukrainian casualty"
    # the box's density and coverage are those of the points inside its limits
    inside = pd.Series(True, index=points.index)
    for _, r in rows.iterrows():
        col = points[r["parameter"]]
        if isinstance(r["box_levels"], str):
            inside &= col.astype(str).isin(r["box_levels"].split("|"))
        else:
            inside &= (col >= r["box_low"]) & (col <= r["box_high"])
    y = points["p_ceasefire_holds"] > 0.3
    assert box["density"] == pytest.approx(y[inside].mean())
    assert box["coverage"] == pytest.approx(y[inside].sum() / y.sum())
    traj = pd.read_csv(target / "trajectory.csv")
    assert traj.loc[box["step"], "density"] == pytest.approx(box["density"])
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["kind"] == "discovery" and manifest["condition"] == "p_ceasefire_holds > 0.3"
    assert manifest["source_sha256"] == sha256_file(sweep_folder / "points.parquet")
    assert all(manifest["sha256"][f] == sha256_file(target / f) for f in FILES if f != "manifest.json")

    # never overwritten without --force; with --force, the same bytes again
    code, _, err = cli("discover", sweep_folder, "p_ceasefire_holds > 0.3", "--trees", "50")
    assert code == 2 and "already exists; pass --force" in err
    before = {f: sha256_file(target / f) for f in FILES if f != "manifest.json"}
    assert cli("discover", sweep_folder, "p_ceasefire_holds > 0.3", "--trees", "50", "--force")[0] == 0
    assert {f: sha256_file(target / f) for f in before} == before


def test_discover_on_a_run_uses_the_drawn_parameters(run_folder, cli, tmp_path):
    code, out, err = cli("discover", run_folder, "outcome == 'ceasefire_holds'", "--trees", "30",
                         "--min-coverage", "0.6", "--out", tmp_path / "d", "--no-figures")
    assert code == 0, err
    table = pd.read_parquet(run_folder / "outcomes.parquet")
    meets = int((table["outcome"] == "ceasefire_holds").sum())
    assert f"holds in {meets} of 600 replications" in out
    scores = pd.read_csv(tmp_path / "d" / "feature_scores.csv")
    params = sorted(c[len("param."):] for c in table.columns if c.startswith("param."))
    assert sorted(scores["parameter"]) == params and len(params) > 10
    box = json.loads((tmp_path / "d" / "box.json").read_text())
    assert box["coverage"] >= 0.6
    assert "figures/tradeoff.png" not in _files(tmp_path / "d")


def test_list_columns(run_folder, cli):
    code, out, _ = cli("discover", run_folder, "--list-columns")
    assert code == 0
    assert "param.attrition.exchange_ratio  [Russian casualties per Ukrainian casualty]" in out
    assert "outcome: 'ceasefire_broken', 'ceasefire_holds'" in out


@pytest.mark.parametrize("condition, message", [
    ("p_ceasefire_hold > 0.5", "unknown column 'p_ceasefire_hold'; did you mean 'p_ceasefire_holds'"),
    ("p_ceasefire_holds >> 0.5", "expected a column, a number or a quoted text, found '>'"),
    ("p_ceasefire_holds > 2", "holds in no one of the 60 points"),
])
def test_bad_conditions_exit_2(sweep_folder, cli, condition, message):
    code, out, err = cli("discover", sweep_folder, condition)
    assert code == 2 and message in err and "Traceback" not in err
    assert not (sweep_folder / "discovery" / "p_ceasefire_holds-gt-2").exists()


def test_bad_folders_and_missing_condition_exit_2(tmp_path, run_folder, cli):
    code, _, err = cli("discover", tmp_path, "x > 1")
    assert code == 2 and "not a run or sweep results folder" in err
    code, _, err = cli("discover", run_folder)
    assert code == 2 and "give the cases of interest" in err
    code, _, err = cli("discover", run_folder, "x > 1", "--min-coverage", "1.5")
    assert code == 2 and "strictly between 0 and 1" in err


def test_missing_extra_names_it(run_folder, cli, monkeypatch):
    real = builtins.__import__

    def no_prim(name, *args, **kwargs):
        if name == "prim":
            raise ImportError("No module named 'prim'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_prim)
    code, _, err = cli("discover", run_folder, "outcome == 'ceasefire_holds'")
    assert code == 2
    assert "scenario discovery needs prim: install the [discover] extra (pip install -e \".[discover]\")" in err


def test_a_run_without_parquet_is_read_from_its_csv(run_folder, root, cli, tmp_path):
    import shutil

    full = tmp_path / "full"                 # --csv-draws: the CSV has every column of the Parquet
    assert main(["run", str(root / "scenarios" / "freeze.yaml"), "-n", "600", "--out", str(full),
                 "--no-figures", "--csv-draws"]) == 0
    csv_only = tmp_path / "freeze"
    shutil.copytree(full, csv_only)
    (csv_only / "outcomes.parquet").unlink()
    args = ["outcome == 'ceasefire_holds'", "--trees", "20", "--no-figures"]
    assert cli("discover", full, *args, "--out", tmp_path / "a")[0] == 0
    code, out, _ = cli("discover", csv_only, *args, "--out", tmp_path / "b")
    assert code == 0 and "no actor draws" not in out
    a, b = (json.loads((tmp_path / d / "box.json").read_text()) for d in "ab")
    assert b["source"].endswith("outcomes.csv")
    for key in ("rows", "rows_meeting", "step", "coverage", "density"):
        assert a[key] == b[key]
    # a default run's CSV has no actor draws: discovery on it says so
    plain = tmp_path / "plain"
    shutil.copytree(run_folder, plain)
    (plain / "outcomes.parquet").unlink()
    code, out, _ = cli("discover", plain, *args, "--out", tmp_path / "c")
    assert code == 0 and "outcomes.csv has no actor draws (param.actors.*)" in out


@pytest.fixture(scope="module")
def freeze_2000(tmp_path_factory, root):
    return _run_freeze(tmp_path_factory.mktemp("run2000"), root, 2000)


def test_discovery_on_a_run_ranks_the_actors_draws(freeze_2000, cli, tmp_path):
    """docs/validation.md (an independent one-at-a-time sensitivity analysis): Ukraine's value
    of de facto recognition is the largest driver of P(ceasefire agreed) in the freeze; the
    run's feature scores must see it (before issue 16's columns they could not)."""
    code, out, err = cli("discover", freeze_2000, "ceasefires > 0", "--trees", "100", "--out", tmp_path / "d")
    assert code == 0, err
    scores = pd.read_csv(tmp_path / "d" / "feature_scores.csv")
    top = list(scores["parameter"][:3])
    assert "actors.ukraine.term_values.recognition=de_facto" in top, top
    row = scores[scores["parameter"] == "actors.ukraine.term_values.recognition=de_facto"].iloc[0]
    assert row["label"] == "Ukraine: value of de facto recognition (pp-years)"
    assert scores["parameter"].str.startswith("actors.").sum() > 20          # every actor draw is scored
    box = json.loads((tmp_path / "d" / "box.json").read_text())
    limit = next(lim for lim in box["limits"] if lim["parameter"] == "actors.ukraine.term_values.recognition=de_facto")
    assert (limit["range_low"], limit["range_high"]) == (-4.0, -1.5)          # the profile's range


def test_a_condition_on_a_term_value(freeze_2000, cli, tmp_path):
    code, out, err = cli("discover", freeze_2000, "actors.ukraine.term_values.recognition=de_facto > -2",
                         "--trees", "20", "--no-figures", "--out", tmp_path / "t")
    assert code == 0, err
    table = pd.read_parquet(freeze_2000 / "outcomes.parquet")
    meets = int((table["param.actors.ukraine.term_values.recognition=de_facto"] > -2).sum())
    assert f"holds in {meets:,} of 2,000 replications" in out
    code, _, err = cli("discover", freeze_2000, "ceasefires=1")
    assert code == 2 and "use ==" in err
