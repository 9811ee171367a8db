"""``ceasefire-sim calibrate``: a complete, atomic results folder; never overwritten without --force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("pyabc")
pq = pytest.importorskip("pyarrow.parquet")

TINY = """\
name: tiny
seed: 5
replications: 12
population: 10
generations: 2
predictive_draws: 4
parameters: [attrition.advance_pp_per_year, attrition.stalemate_threshold]
targets:
  speed:
    scenario: refusal
    statistic: territory_gain
    weeks: [0, 26]
    horizon_weeks: 26
    observed: 0.35
    sd: 0.1
    source: "synthetic"
  held:
    scenario: refusal
    statistic: territory_at
    week: 26
    horizon_weeks: 26
    band: [18.0, 19.0]
    source: "synthetic"
"""


def test_calibrate_writes_the_folder(tmp_path, cli):
    f = tmp_path / "tiny.yaml"
    f.write_text(TINY, encoding="utf-8")
    out = tmp_path / "tiny-calibration"
    code, stdout, err = cli("calibrate", f, "--budget", "25", "--out", out)
    assert code == 0, err
    assert "most updated" in stdout and "posterior predictive" in stdout
    for name in ("posterior.parquet", "posterior_summary.csv", "predictive.csv", "generations.csv",
                 "calibration.json", "calibration.yaml", "report.html", "manifest.json", "figures/pairs.png",
                 "figures/predictive.png", "figures/diagnostics.png", "figures/most_updated.png",
                 "figures/parameters/attrition.stalemate_threshold.png"):
        assert (out / name).is_file(), name
    table = pq.read_table(out / "posterior.parquet")
    assert table.column_names == ["particle", "weight", "attrition.advance_pp_per_year",
                                  "attrition.stalemate_threshold"]
    assert table.num_rows == 10 and abs(sum(table.column("weight").to_pylist()) - 1) < 1e-12
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "calibration" and "posterior.parquet" in manifest["sha256"]
    info = json.loads((out / "calibration.json").read_text())
    assert info["simulations"] >= 25 and 0 < info["effective_sample_size"] <= 10
    html = (out / "report.html").read_text()
    assert "data:image/png;base64" in html and "speed" in html and "held" in html
    code, stdout, err = cli("rerun", out)                           # the manifest checks every file
    assert code == 0 and "bytes match" in stdout, err
    # an existing folder is refused without --force, replaced with it
    code, _, err = cli("calibrate", f, "--budget", "25", "--out", out)
    assert code == 2 and "--force" in err
    before = (out / "posterior.parquet").read_bytes()
    code, _, err = cli("calibrate", f, "--budget", "25", "--out", out, "--force", "--no-figures", "-q")
    assert code == 0, err
    assert (out / "posterior.parquet").read_bytes() == before            # same seed, same bytes
    assert not (out / "figures").exists()
