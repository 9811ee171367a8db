"""``ceasefire-sim rerun results/<run>/manifest.json``: match -> 0, mismatch -> 1, bad input -> 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fuzz_support import check_rejection, run_cli
from sim.pipeline.runner import run_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_folder(tmp_path) -> Path:
    # the scenario's own seed/replications are overridden: the manifest must carry them
    return run_scenario(ROOT / "scenarios" / "truce_30day.yaml", out=tmp_path / "truce", replications=120,
                        horizon_weeks=30, seed=77, figures=False).folder


def test_rerun_reproduces_the_bytes(run_folder):
    rc, out, err = run_cli(["rerun", str(run_folder / "manifest.json")])
    assert rc == 0, err
    assert "outcomes.csv       match" in out and "summary.json       match" in out
    assert "bytes match" in out
    rc, _, _ = run_cli(["rerun", str(run_folder)])  # the folder works too
    assert rc == 0


def test_rerun_with_figures_and_chunks_still_matches(tmp_path):
    folder = run_scenario(ROOT / "scenarios" / "freeze.yaml", out=tmp_path / "f", replications=90, horizon_weeks=20,
                          chunk_size=7).folder
    assert (folder / "figures").is_dir()
    rc, out, err = run_cli(["rerun", str(folder / "manifest.json")])
    assert rc == 0, out + err


def test_rerun_reports_a_mismatch_with_exit_1(run_folder):
    m = json.loads((run_folder / "manifest.json").read_text())
    m["sha256"]["outcomes.csv"] = "0" * 64  # as if outcomes.csv had been produced differently
    (run_folder / "manifest.json").write_text(json.dumps(m))
    rc, out, _ = run_cli(["rerun", str(run_folder / "manifest.json")])
    assert rc == 1
    assert "outcomes.csv       MISMATCH" in out and "summary.json       match" in out and "NOT reproduced" in out


def test_rerun_notes_an_edited_scenario(run_folder):
    import yaml

    path = run_folder / "scenario.yaml"
    data = yaml.safe_load(path.read_text())
    data["attrition"]["exchange_ratio"] = 3.5
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    rc, out, err = run_cli(["rerun", str(run_folder / "manifest.json")])
    assert rc == 1 and "scenario.yaml differs" in err


@pytest.mark.parametrize("content, words", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"seed": 1, "replications": 10, "horizon_weeks": 4}', "sha256"),
    ('{"seed": "x", "replications": 10, "horizon_weeks": 4, "sha256": {}}', "seed"),
    ('{"seed": 1, "replications": 10, "horizon_weeks": 4, "sha256": {"summary.json": "a"}}', "outcomes.csv"),
])
def test_rerun_bad_manifest_exits_2(run_folder, content, words):
    path = run_folder / "manifest.json"
    path.write_text(content)
    rc, _, err = run_cli(["rerun", str(path)])
    assert rc == 2 and words in err
    check_rejection(err, str(path))


def test_rerun_missing_or_broken_scenario_exits_2(run_folder, tmp_path):
    rc, _, err = run_cli(["rerun", str(tmp_path / "nowhere" / "manifest.json")])
    assert rc == 2 and "file not found" in err
    (run_folder / "scenario.yaml").write_text("replications: -5\n")
    rc, _, err = run_cli(["rerun", str(run_folder)])
    assert rc == 2
    check_rejection(err, str(run_folder / "scenario.yaml"))
