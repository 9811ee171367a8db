"""The streaming runner: identical bytes whatever the chunking, the process or the keep mode."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.output import resources, results
from sim.api import simulate
from sim.output.summary import summarize
from sim.pipeline.runner import run_scenario
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]
FREEZE = ROOT / "scenarios" / "freeze.yaml"
TRUCE = ROOT / "scenarios" / "truce_30day.yaml"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(tmp_path: Path, name: str, **kw):
    return run_scenario(kw.pop("scenario", FREEZE), out=tmp_path / name, figures=False, **kw)


def test_bytes_identical_for_every_chunk_size(tmp_path):
    runs = [_run(tmp_path, f"c{c}", replications=45, horizon_weeks=40, seed=3, chunk_size=c)
            for c in (1, 7, 45, 1000)]
    for name in ("outcomes.csv", "summary.json", "outcomes.parquet", "scenario.yaml"):
        assert len({_sha(r.folder / name) for r in runs}) == 1, name


def test_streamed_files_equal_the_unchunked_api_output(tmp_path):
    s = load_scenario(TRUCE)
    r = _run(tmp_path, "s", scenario=s, replications=300, horizon_weeks=52, seed=11, chunk_size=64)
    whole = simulate(s, replications=300, horizon_weeks=52, seed=11)
    assert (r.folder / "outcomes.csv").read_bytes() == results.outcomes_csv(whole)
    assert (r.folder / "summary.json").read_bytes() == results.json_bytes(summarize(whole, s.name))
    ref = tmp_path / "ref.parquet"
    results.write_parquet(whole, ref)
    assert _sha(ref) == _sha(r.folder / "outcomes.parquet")


def test_parquet_row_groups_do_not_depend_on_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "PARQUET_ROW_GROUP", 50)  # several row groups, cut mid-chunk
    a = _run(tmp_path, "a", replications=170, horizon_weeks=20, chunk_size=33)
    b = _run(tmp_path, "b", replications=170, horizon_weeks=20, chunk_size=170)
    assert _sha(a.folder / "outcomes.parquet") == _sha(b.folder / "outcomes.parquet")
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(a.folder / "outcomes.parquet").metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [50, 50, 50, 20]


def test_large_runs_keep_only_summary_columns_with_the_same_summary(tmp_path, monkeypatch):
    full = _run(tmp_path, "full", replications=120, horizon_weeks=30, chunk_size=50)
    monkeypatch.setattr(resources, "KEEP_ALL_MAX", 100)
    lean = _run(tmp_path, "lean", replications=120, horizon_weeks=30, chunk_size=50)
    per_offer = {c for c in full.outcomes.columns if c.startswith("offer_")}      # summary.json `offers`
    assert per_offer and set(lean.outcomes.columns) == set(resources.SUMMARY_COLUMNS) | per_offer
    assert len(full.outcomes.columns) == resources.column_count(full.scenario) > len(lean.outcomes.columns)
    assert lean.summary == full.summary
    for name in ("outcomes.csv", "summary.json"):
        assert _sha(lean.folder / name) == _sha(full.folder / name)


def test_trajectories_only_when_something_uses_them(tmp_path):
    s = load_scenario(FREEZE)
    no_fig = run_scenario(s, out=tmp_path / "a", replications=30, horizon_weeks=10, figures=False)
    assert no_fig.outcomes.territory_path is None
    fig = run_scenario(s, out=tmp_path / "b", replications=30, horizon_weeks=10)
    assert fig.outcomes.territory_path.shape == (11, 30)
    assert (fig.folder / "figures" / "territory_fan.png").is_file()
    skip = run_scenario(s, out=tmp_path / "c", replications=30, horizon_weeks=10, trajectories=False)
    assert skip.outcomes.territory_path is None
    assert not (skip.folder / "figures" / "territory_fan.png").exists()
    assert (skip.folder / "figures" / "outcomes.png").is_file()
    np.testing.assert_array_equal(fig.outcomes.territory_path,
                                  simulate(s, replications=30, horizon_weeks=10).territory_path)


def test_manifest_records_hashes_and_what_is_needed_to_rerun(tmp_path):
    r = _run(tmp_path, "m", replications=40, horizon_weeks=12, seed=5, chunk_size=16)
    m = json.loads((r.folder / "manifest.json").read_text())
    assert (m["seed"], m["replications"], m["horizon_weeks"], m["chunk_size"]) == (5, 40, 12, 16)
    assert set(m["sha256"]) == set(m["files"]) - {"manifest.json"}
    for name, digest in m["sha256"].items():
        assert _sha(r.folder / name) == digest
    assert m["scenario_sha256"] == load_scenario(r.folder / "scenario.yaml").hash()


def _subprocess_run(tmp_path: Path, name: str, hashseed: str, chunk: str) -> Path:
    env = dict(os.environ, PYTHONHASHSEED=hashseed, PYTHONPATH=str(ROOT))
    out = tmp_path / name
    subprocess.run([sys.executable, "-m", "sim", "run", str(TRUCE), "--replications", "150", "--horizon-weeks",
                    "60", "--seed", "99", "--no-figures", "--chunk-size", chunk, "--out", str(out)],
                   check=True, env=env, capture_output=True, cwd=tmp_path)
    return out


def test_same_bytes_across_processes_hash_seeds_and_in_process(tmp_path):
    a = _subprocess_run(tmp_path, "p1", "1", "150")
    b = _subprocess_run(tmp_path, "p2", "12345", "100")
    c = _run(tmp_path, "inproc", scenario=TRUCE, replications=150, horizon_weeks=60, seed=99, chunk_size=40).folder
    for name in ("outcomes.csv", "summary.json", "outcomes.parquet"):
        assert _sha(a / name) == _sha(b / name) == _sha(c / name), name


@pytest.mark.parametrize("first", [0, 37])
def test_replication_ids_make_split_runs_join_exactly(first):
    s = load_scenario(FREEZE)
    whole = simulate(s, replications=first + 30, horizon_weeks=15)
    part = simulate(s, replications=30, horizon_weeks=15, first_replication=first, chunk_size=8)
    assert results.outcomes_csv(part, header=False) in results.outcomes_csv(whole)


def test_summary_columns_suffice_for_figures_and_the_report(tmp_path, monkeypatch):
    """Past KEEP_ALL_MAX only the summary columns are kept: every figure and report.html
    must still be drawn from them (run through the CLI, as a student would)."""
    from fuzz_support import run_cli

    monkeypatch.setattr(resources, "KEEP_ALL_MAX", 10)
    out = tmp_path / "lean"
    rc, _, err = run_cli(["run", str(FREEZE), "--replications", "60", "--horizon-weeks", "20", "--out", str(out)])
    assert rc == 0, err
    assert (out / "report.html").is_file() and (out / "figures" / "territory_fan.png").is_file()


def test_streamed_margins_equal_the_in_memory_ones(tmp_path, monkeypatch):
    """The runner keeps the margins chunk by chunk; a capped run summarizes its first replications."""
    streamed = _run(tmp_path, "m", replications=120, horizon_weeks=30, chunk_size=50)
    s = load_scenario(FREEZE)
    whole = summarize(simulate(s, replications=120, horizon_weeks=30))["margins"]
    assert streamed.summary["margins"] == whole and whole[0]["replications"] == 120
    monkeypatch.setattr(resources, "MARGIN_SAMPLE", 70)
    capped = _run(tmp_path, "c", replications=120, horizon_weeks=30, chunk_size=50)
    assert capped.summary["margins"] == summarize(simulate(s, replications=70, horizon_weeks=30))["margins"]
