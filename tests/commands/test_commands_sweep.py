"""The ``sweep`` and ``sweep-analyze`` commands end to end (in-process CLI)."""

from __future__ import annotations

import json

import pandas as pd

from sim.cli import main
from sweep_support import write_sweep


def test_sweep_then_analyze(tmp_path, capsys):
    f = write_sweep(tmp_path, points=4)
    out = tmp_path / "res"
    assert main(["sweep", str(f), "--workers", "1", "--out", str(out), "--analyze"]) == 0
    text = capsys.readouterr().out
    assert "20 points x 100 replications = 2,000 runs" in text       # the budget, before running
    assert "2,000 runs (10 chunks; 0 already done) on 1 worker (in-process)" in text   # the end summary
    assert "points: 20 ok, 0 failed" in text
    assert "p_accept_russia: Sobol' indices" in text
    idx = pd.read_csv(out / "analysis" / "indices.csv")
    assert set(idx["outcome"]) == {"p_ceasefire_holds", "p_accept_russia", "territory_end_median"}
    assert len(idx) == 9 and idx["ST"].notna().all()
    figs = sorted(p.name for p in (out / "analysis" / "figures").iterdir())
    assert "indices_p_accept_russia.png" in figs and sum(n.startswith("heatmap_") for n in figs) == 3
    assert json.loads((out / "analysis" / "indices.json").read_text())[0]["method"] == "sobol"

    # a chosen heatmap, one outcome
    assert main(["sweep-analyze", str(out), "--outcome", "p_accept_russia", "--heatmap",
                 "attrition.exchange_ratio", "offers[0].terms.monitoring", "--bins", "4"]) == 0
    figs = sorted(p.name for p in (out / "analysis" / "figures").iterdir())
    assert figs == ["heatmap_p_accept_russia__attrition.exchange_ratio__offers_0_.terms.monitoring.png",
                    "indices_p_accept_russia.png"]


def test_morris_sweep_analysis(tmp_path, capsys):
    f = write_sweep(tmp_path, name="m", sampler="morris", points=3, extra="morris_levels: 4\n")
    out = tmp_path / "m"
    assert main(["sweep", str(f), "--workers", "1", "--out", str(out), "--quiet"]) == 0
    assert main(["sweep-analyze", str(out), "--no-figures"]) == 0
    text = capsys.readouterr().out
    assert "Morris screening" in text
    idx = pd.read_csv(out / "analysis" / "indices.csv")
    assert {"mu", "mu_star", "mu_star_conf", "sigma"} <= set(idx.columns) and (idx["mu_star"] >= 0).all()


def test_analyze_errors_exit_2(tmp_path, capsys):
    assert main(["sweep-analyze", str(tmp_path)]) == 2
    assert "not a sweep results folder" in capsys.readouterr().err
    f = write_sweep(tmp_path, points=2, chunk_points=20)
    out = tmp_path / "r"
    assert main(["sweep", str(f), "--workers", "1", "--out", str(out), "--quiet"]) == 0
    assert main(["sweep-analyze", str(out), "--outcome", "p_accept_ukraine"]) == 2
    assert "was not recorded" in capsys.readouterr().err
    assert main(["sweep-analyze", str(out), "--heatmap", "attrition.exchange_ratio", "nope"]) == 2
    assert "'nope' is not a parameter" in capsys.readouterr().err


def test_sweep_option_errors(tmp_path, capsys):
    f = write_sweep(tmp_path, points=2)
    assert main(["sweep", str(f), "--resume", "--force"]) == 2
    assert main(["sweep", str(f), "--executor", "local", "--address", "tcp://127.0.0.1:1"]) == 2
    assert "needs --executor dask" in capsys.readouterr().err


def test_unreachable_scheduler_is_a_clean_error_and_writes_nothing(tmp_path, capsys, monkeypatch):
    import distributed

    real = distributed.Client

    def quick(address, timeout=None, **kw):  # do not wait 15 s in a test
        return real(address, timeout="1s", **kw)

    monkeypatch.setattr(distributed, "Client", quick)
    f = write_sweep(tmp_path, points=2)
    out = tmp_path / "nowhere"
    assert main(["sweep", str(f), "--address", "tcp://127.0.0.1:9", "--out", str(out), "--quiet"]) == 2
    assert "cannot connect to a Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
    assert not out.exists()
