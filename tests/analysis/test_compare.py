"""``compare``: common random numbers, paired differences, the CSV, the command's folder."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest

from sim.api import simulate
from sim.analysis.compare import (CSV_COLUMNS, Z95, comparison_table, estimate, flatten, measure_values, measures, paired_difference, parameter_diff, run_comparison, table_csv, unique_labels)
from sim.engine.model import OUTCOME_CLASSES
from sim.output.summary import summarize
from sim.scenario.schema import load_scenario, loads_scenario

N = 400


@pytest.fixture
def freeze_path(root):
    return root / "scenarios" / "freeze.yaml"


@pytest.fixture
def no_monitoring(tmp_path, freeze_path):
    """The freeze with nobody watching the line: Ukraine's oversight red line vetoes it."""
    text = freeze_path.read_text(encoding="utf-8")
    assert "monitoring: bilateral" in text
    text = text.replace("monitoring: bilateral", "monitoring: none").replace("name: freeze", "name: freeze_unmonitored")
    path = tmp_path / "freeze_unmonitored.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def rows_by(rows, key):
    return {r.scenario: r for r in rows if r.measure.key == key}


def read_csv(data: bytes):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


# -- pairing ------------------------------------------------------------------------------------
def test_a_scenario_against_itself_differs_by_exactly_zero(freeze_path):
    c = run_comparison([freeze_path, freeze_path], replications=N)
    assert c.labels == ["freeze (1)", "freeze (2)"]
    second = [r for r in c.rows if r.scenario == "freeze (2)"]
    assert len(second) == len(measures())
    for r in second:
        assert r.diff == 0.0 and r.diff_low == 0.0 and r.diff_high == 0.0, r.measure.key


def test_the_freeze_without_monitoring_is_vetoed_by_ukraine(no_monitoring, freeze_path):
    c = run_comparison([no_monitoring, freeze_path], replications=N)
    ukraine = rows_by(c.rows, "accepts:ukraine")
    assert ukraine["freeze_unmonitored"].estimate == 0.0
    assert ukraine["freeze"].estimate > 0.2
    d = ukraine["freeze"]
    assert d.diff == pytest.approx(ukraine["freeze"].estimate)  # x_1 = 0 in every replication
    assert 0 < d.diff_low < d.diff < d.diff_high
    agreed = rows_by(c.rows, "ceasefire_agreed")
    assert agreed["freeze_unmonitored"].estimate == 0.0 and agreed["freeze"].estimate > 0
    # the only setting that differs
    assert [p for p, _ in parameter_diff(c.scenarios)] == ["offers[0].terms.monitoring"]


def test_paired_differences_are_per_replication_differences(root):
    """Against a hand computation from two independent simulate() calls with one seed."""
    a = load_scenario(root / "scenarios" / "freeze.yaml")
    b = load_scenario(root / "scenarios" / "truce_30day.yaml")
    c = run_comparison([a, b], replications=N)
    assert c.seed == a.seed and "first scenario" in c.seed_from and str(a.seed) in c.header
    oa = simulate(a, replications=N, seed=a.seed)
    ob = simulate(b, replications=N, seed=a.seed, horizon_weeks=a.horizon_weeks)
    # common random numbers: replication i drew the same uncertain war parameters
    assert np.array_equal(oa.columns["param.attrition.exchange_ratio"], ob.columns["param.attrition.exchange_ratio"])
    for m in measures():
        d = measure_values(ob, m) - measure_values(oa, m)
        r = rows_by(c.rows, m.key)["truce_30day"]
        half = Z95 * d.std(ddof=1) / math.sqrt(N)
        assert r.diff == pytest.approx(d.mean(), abs=1e-12)
        assert (r.diff_low, r.diff_high) == pytest.approx((d.mean() - half, d.mean() + half), abs=1e-12)
    for cls in OUTCOME_CLASSES:
        assert rows_by(c.rows, f"outcome:{cls}")["freeze"].estimate == pytest.approx(
            summarize(oa)["outcome_probabilities"][cls], abs=1e-6)


def test_pairing_tightens_the_interval(root):
    """Common random numbers: the paired interval is narrower than the unpaired one."""
    c = run_comparison([root / "scenarios" / "freeze.yaml", root / "scenarios" / "refusal.yaml"], replications=N)
    x1, x2 = (np.asarray(o.columns["territory_end_pct"], float) for o in c.outcomes)
    unpaired_half = Z95 * math.sqrt(x1.var(ddof=1) / N + x2.var(ddof=1) / N)
    r = rows_by(c.rows, "territory_end_pct")["refusal"]
    assert (r.diff_high - r.diff_low) / 2 < 0.8 * unpaired_half


def test_seed_option_applies_to_every_scenario(root):
    c = run_comparison([root / "scenarios" / "refusal.yaml", root / "scenarios" / "freeze.yaml"],
                       replications=50, seed=11, horizon_weeks=60)
    assert c.seed == 11 and c.seed_from == "from --seed"
    assert all(o.seed == 11 and o.n == 50 and o.horizon_weeks == 60 for o in c.outcomes)


def test_runs_that_cannot_be_paired_are_refused(root):
    s = load_scenario(root / "scenarios" / "refusal.yaml")
    a, b = simulate(s, replications=20, seed=1), simulate(s, replications=20, seed=2)
    with pytest.raises(ValueError, match="seed"):
        comparison_table(["a", "b"], [a, b])
    with pytest.raises(ValueError, match="replication ids"):
        comparison_table(["a", "b"], [a, simulate(s, replications=21, seed=1)])


def test_interval_helpers():
    assert paired_difference(np.ones(5), np.ones(5)) == (0.0, 0.0, 0.0)
    p, lo, hi = estimate(np.array([1.0, 0, 0, 0]), "probability")
    assert p == 0.25 and 0 < lo < 0.25 < hi < 1
    m, lo, hi = estimate(np.array([1.0, 2.0, 3.0]), "mean")
    assert m == 2.0 and hi - m == pytest.approx(m - lo)
    assert unique_labels(["a", "b", "a"]) == ["a (1)", "b", "a (2)"]


def test_flatten_keeps_distributions_and_lists_whole():
    flat = flatten({"a": {"x": {"uniform": [1, 2]}, "y": 3}, "offers": [{"parties": ["r", "u"], "t": {"m": None}}]})
    assert flat == {"a.x": {"uniform": [1, 2]}, "a.y": 3, "offers[0].parties": ["r", "u"], "offers[0].t.m": None}


def test_parameter_diff_ignores_names_and_shows_missing_paths(root):
    text = (root / "scenarios" / "refusal.yaml").read_text()
    a = loads_scenario(text, "a.yaml")
    b = loads_scenario(text.replace("name: refusal", "name: other").replace("seed: 20240704", "seed: 5"), "b.yaml")
    assert parameter_diff([a, b]) == []
    two = b.with_changes({"offers": [b.to_dict()["offers"][0], b.to_dict()["offers"][0]]})
    paths = dict(parameter_diff([a, two]))
    assert paths["offers[1].preset"] == ["-", "refusal"]


# -- CSV and command ------------------------------------------------------------------------------
def test_comparison_csv_contents(root):
    c = run_comparison([root / "scenarios" / "freeze.yaml", root / "scenarios" / "refusal.yaml"], replications=N)
    rows = read_csv(table_csv(c.rows))
    assert list(rows[0]) == CSV_COLUMNS
    assert len(rows) == 2 * len(measures())
    for label, summary in zip(c.labels, c.summaries):
        mine = {r["measure"]: r for r in rows if r["scenario"] == label}
        total = sum(float(mine[f"outcome:{k}"]["estimate"]) for k in OUTCOME_CLASSES)
        assert total == pytest.approx(1.0, abs=1e-5)
        for k in OUTCOME_CLASSES:
            r = mine[f"outcome:{k}"]
            assert float(r["estimate"]) == pytest.approx(summary["outcome_probabilities"][k], abs=1e-6)
            assert [float(r["ci95_low"]), float(r["ci95_high"])] == pytest.approx(
                summary["outcome_intervals_95"][k], abs=1e-5)
            assert r["reference"] == "freeze" and r["kind"] == "probability"
    refusal = {r["measure"]: r for r in rows if r["scenario"] == "refusal"}
    d = float(refusal["outcome:war_continues"]["paired_diff"])
    assert d == pytest.approx(float(refusal["outcome:war_continues"]["estimate"])
                              - float(next(r for r in rows if r["scenario"] == "freeze"
                                           and r["measure"] == "outcome:war_continues")["estimate"]), abs=1e-5)
    assert float(refusal["outcome:war_continues"]["paired_diff_ci95_low"]) > 0  # refusal: more war


def test_compare_command_writes_the_folder(tmp_path, cli, root, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sc = root / "scenarios"
    code, out, err = cli("compare", sc / "freeze.yaml", sc / "truce_30day.yaml", sc / "refusal.yaml", "-n", 200)
    assert code == 0, err
    folder = tmp_path / "results" / "compare-freeze-truce_30day-refusal"
    for f in ("comparison.csv", "report.html", "manifest.json", "scenarios/1_freeze.yaml", "scenarios/3_refusal.yaml",
              "figures/outcomes.png", "figures/ceasefire_survival.png", "figures/territory.png",
              "figures/casualties.png", "figures/acceptance.png"):
        assert (folder / f).is_file() and (folder / f).stat().st_size > 0, f
    assert "paired difference vs freeze" in out and "seed 20240524 (the first scenario's seed" in out
    assert len(read_csv((folder / "comparison.csv").read_bytes())) == 3 * len(measures())
    first = (folder / "comparison.csv").read_bytes()
    report = (folder / "report.html").read_bytes()
    # same inputs, same bytes; an existing folder is refused (exit 2) and left as it was
    code, _, err = cli("compare", sc / "freeze.yaml", sc / "truce_30day.yaml", sc / "refusal.yaml", "-n", 100)
    assert code == 2 and "--force" in err
    assert (folder / "comparison.csv").read_bytes() == first
    code, _, err = cli("compare", sc / "freeze.yaml", sc / "truce_30day.yaml", sc / "refusal.yaml", "-n", 200,
                       "--force")
    assert code == 0, err
    assert (folder / "comparison.csv").read_bytes() == first
    assert (folder / "report.html").read_bytes() == report
    assert not [p for p in (tmp_path / "results").iterdir() if p.name.startswith(".")]


def test_bad_file_exits_2_and_writes_nothing(tmp_path, cli, root):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nreplications: 100\nattrition:\n  exchange_ratoi: 2\n", encoding="utf-8")
    out = tmp_path / "cmp"
    code, _, err = cli("compare", root / "scenarios" / "freeze.yaml", bad, tmp_path / "missing.yaml", "--out", out)
    assert code == 2
    assert "bad.yaml:4" in err and "exchange_ratoi" in err and "missing.yaml" in err
    assert "Traceback" not in err
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    code, _, err = cli("compare", root / "scenarios" / "freeze.yaml", "--out", out)
    assert code == 2 and "at least two" in err
