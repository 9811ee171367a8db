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
    assert "bytes match: the folder is intact and reproduced" in out
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
    assert "outcomes.csv       MISMATCH (the manifest's hash differs)" in out and "summary.json       match" in out
    assert "NOT reproduced: outcomes.csv" in out


def test_rerun_checks_the_files_on_disk(run_folder, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(run_folder, copy)
    lines = (copy / "outcomes.csv").read_text().splitlines(keepends=True)
    assert lines[1].startswith("0,")
    lines[1] = "0,x" + lines[1][2:]   # the issue's `sed -i '2s/^0,/0,x/'`
    (copy / "outcomes.csv").write_text("".join(lines))
    rc, out, _ = run_cli(["rerun", str(copy)])
    assert rc == 1
    assert "outcomes.csv                     CHANGED" in out
    assert "outcomes.csv       MISMATCH (the file on disk differs)" in out and "NOT reproduced: outcomes.csv" in out


def test_rerun_names_a_changed_or_missing_file_that_is_not_recomputed(tmp_path):
    folder = run_scenario(ROOT / "scenarios" / "freeze.yaml", out=tmp_path / "f", replications=40,
                          horizon_weeks=8).folder
    (folder / "figures" / "outcomes.png").write_bytes(b"not the figure")
    (folder / "figures" / "acceptance.png").unlink()
    rc, out, _ = run_cli(["rerun", str(folder)])
    assert rc == 1
    assert "figures/outcomes.png             CHANGED" in out and "figures/acceptance.png           MISSING" in out
    assert "NOT reproduced: figures/acceptance.png, figures/outcomes.png" in out


@pytest.mark.parametrize("command", [
    ["compare", "freeze.yaml", "truce_30day.yaml", "-n", "60", "--horizon-weeks", "10"],
    ["sensitivity", "freeze.yaml", "-n", "30", "--horizon-weeks", "10", "--factor", "attrition.exchange_ratio"],
    ["analyze", "freeze.yaml", "-n", "30", "--horizon-weeks", "10", "--no-figures"],
])
def test_every_results_folder_has_a_manifest_rerun_can_check(tmp_path, command):
    argv = [a if not a.endswith(".yaml") else str(ROOT / "scenarios" / a) for a in command]
    out = tmp_path / "res"
    rc, _, err = run_cli([*argv, "--out", str(out)], seconds=120)
    assert rc == 0, err
    m = json.loads((out / "manifest.json").read_text())
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert sorted(m["files"]) == on_disk and set(m["sha256"]) == set(on_disk) - {"manifest.json"}
    rc, text, err = run_cli(["rerun", str(out)], seconds=120)
    assert rc == 0, text + err
    victim = next(f for f in sorted(m["sha256"]) if f.endswith((".csv", ".json")))
    (out / victim).write_bytes((out / victim).read_bytes() + b"\n")
    rc, text, _ = run_cli(["rerun", str(out)], seconds=120)
    assert rc == 1 and f"NOT reproduced: {victim}" in text


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
