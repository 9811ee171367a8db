"""``ceasefire-sim analyze``: the printed report, the results folder, bad input."""

from __future__ import annotations

import json

from sim.analysis.bargaining import analyze_scenario, format_analysis


def test_analyze_prints_range_equilibrium_and_frequencies_and_writes_folder(tmp_path, cli, root):
    out = tmp_path / "an"
    code, stdout, stderr = cli("analyze", root / "scenarios" / "freeze.yaml", "-n", "120",
                               "--horizon-weeks", "60", "--out", out)
    assert code == 0, stderr
    for text in ("Bargaining range at the start", "a bargaining range exists in", "Over time",
                 "solved in each of the 120 worlds", "Equilibrium paths", "game, per world",
                 "Normal form of 'freeze'"):
        assert text in stdout
    report = json.loads((out / "analysis.json").read_text())
    assert report["replications"] == 120 and report["offer"]["name"] == "freeze"
    assert [r["week"] for r in report["over_time"]] == [0, 13, 26, 52]
    assert 0.0 <= report["start"]["range_share"] <= 1.0
    assert report["game"]["proposer"] == "russia" and "spe" not in report["game"]
    paths = report["game"]["worlds"]["paths"]
    assert abs(sum(share for share, _ in paths.values()) - 1.0) < 1e-5
    assert abs(sum(report["game"]["worlds"]["versus_simulation"].values()) - 1.0) < 1e-5
    assert "world by world" in stdout
    for node in report["game"]["payoffs"].values():
        for mean, se in node.values():
            assert se is None or se >= 0
    assert (out / "figures" / "bargaining_range.png").stat().st_size > 10_000
    assert (out / "figures" / "belief_gap.png").stat().st_size > 10_000
    # a second analysis refuses to overwrite, before computing anything
    code, _, stderr = cli("analyze", root / "scenarios" / "freeze.yaml", "-n", "50", "--out", out)
    assert code == 2 and "already exists" in stderr


def test_analysis_is_reproducible(root):
    from sim.scenario.schema import load_scenario

    s = load_scenario(root / "scenarios" / "truce_30day.yaml")
    a = analyze_scenario(s, replications=60, horizon_weeks=30).report
    b = analyze_scenario(s, replications=60, horizon_weeks=30).report
    a.pop("timings_s"), b.pop("timings_s")
    assert a == b
    assert "Ukraine proposes" in format_analysis(a)     # a US plan is endorsed first by Ukraine


def test_bad_offer_index_and_offerless_scenario_exit_2(tmp_path, cli, root):
    code, _, stderr = cli("analyze", root / "scenarios" / "freeze.yaml", "-n", "10", "--offer", "3",
                          "--out", tmp_path / "x")
    assert code == 2 and "--offer" in stderr and "expected an offer index from 0 to 0" in stderr
    f = tmp_path / "none.yaml"
    f.write_text("name: none\noffers: []\n")
    code, _, stderr = cli("analyze", f, "-n", "10", "--out", tmp_path / "y")
    assert code == 2 and "offers" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
