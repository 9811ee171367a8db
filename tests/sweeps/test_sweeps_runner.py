"""Running sweeps: same bytes whatever the executor, resume after failures and SIGKILL."""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

import sim
from sim.scenario.errors import RunExistsError
from sim.sweeps import load_sweep, plan_sweep, run_sweep, worker
from sim.sweeps.runner import point_seed
from sweep_support import ROOT, write_sweep


def points_bytes(folder) -> bytes:
    return (folder / "points.parquet").read_bytes()


def sorted_csv(folder) -> bytes:
    df = pd.read_parquet(folder / "points.parquet").sort_values("point")
    return df.to_csv(index=False).encode()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep")
    return load_sweep(write_sweep(d, points=4)), d  # 20 points x 100 replications x 52 weeks


@pytest.fixture(scope="module")
def serial(tiny):
    spec, d = tiny
    return run_sweep(spec, out=d / "serial", workers=1)


def test_serial_run_writes_the_folder(serial):
    f = serial.folder
    assert serial.points_ok == 20 and serial.points_failed == 0
    assert sorted(p.name for p in f.iterdir()) == ["design.parquet", "manifest.json", "parts", "points.parquet",
                                                    "scenario.yaml", "sweep.json"]
    assert len(list((f / "parts").iterdir())) == 10          # 20 points, chunks of 2
    df = pd.read_parquet(f / "points.parquet")
    assert list(df["point"]) == list(range(20)) and (df["status"] == "ok").all()
    assert df["p_ceasefire_holds"].between(0, 1).all()
    assert (df["p_ceasefire_holds_lo"] <= df["p_ceasefire_holds"]).all()
    assert df["p_ceasefire_holds"].nunique() > 1             # the parameters matter
    parts = pd.read_parquet(f / "parts")                     # readable while running, too
    assert sorted(parts["point"]) == list(range(20))
    m = json.loads((f / "manifest.json").read_text())
    assert m["status"] == "complete" and m["root_seed"] == 11 and m["n_points"] == 20
    assert m["spec_sha256"] == serial.plan.spec.hash() and m["versions"]["ceasefire-sim"] == sim.__version__
    assert m["sessions"][0]["executor"] == "in-process" and m["sessions"][0]["runs_done"] == 2000


def test_point_equals_a_direct_simulation(serial):
    """A point is the base scenario with the changes applied, run with its seed."""
    spec = serial.plan.spec
    df = pd.read_parquet(serial.folder / "points.parquet")
    i = 7
    changes = serial.plan.values(i)
    s = spec.base.with_changes({**changes, "replications": 100, "seed": 11, "horizon_weeks": 52})
    out = sim.simulate(s)
    holds = np.mean(out.columns["outcome"] == "ceasefire_holds")
    assert df.loc[i, "p_ceasefire_holds"] == pytest.approx(holds, abs=0)
    assert df.loc[i, "territory_end_median"] == pytest.approx(float(np.median(out.columns["territory_end_pct"])), abs=0)
    assert df.loc[i, "offers[0].terms.monitoring"] == changes["offers[0].terms.monitoring"]


def test_same_bytes_with_two_workers_any_executor_and_dask(tiny, serial):
    spec, d = tiny
    two = run_sweep(spec, out=d / "two", workers=2)
    assert two.executor.kind == "local processes" and two.executor.workers == 2
    with cf.ThreadPoolExecutor(3) as ex:
        threads = run_sweep(spec, out=d / "threads", executor=ex)
    dask = run_sweep(spec, out=d / "dask", executor="dask", workers=2)
    assert dask.executor.kind == "dask local cluster"
    for r in (two, threads, dask):
        assert points_bytes(r.folder) == points_bytes(serial.folder)
        assert sorted_csv(r.folder) == sorted_csv(serial.folder)


def test_dask_to_a_running_scheduler_by_address(tiny, serial):
    distributed = pytest.importorskip("distributed")
    spec, d = tiny
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        r = run_sweep(spec, out=d / "address", executor="dask", address=cl.scheduler_address, chunk_points=3)
    assert r.executor.address == cl.scheduler_address and r.plan.n_chunks == 7
    assert sorted_csv(r.folder) == sorted_csv(serial.folder)       # chunking never changes a point


def test_existing_folder_needs_resume_or_force(tiny, serial):
    spec, _ = tiny
    with pytest.raises(RunExistsError, match="--resume"):
        run_sweep(spec, out=serial.folder, workers=1)
    again = run_sweep(spec, out=serial.folder, workers=1, resume=True)   # nothing left to do
    assert again.chunks_run == 0 and again.chunks_skipped == 10 and again.points_ok == 20


def test_resume_refuses_a_different_spec(tiny, serial, tmp_path):
    spec, _ = tiny
    import dataclasses

    with pytest.raises(RunExistsError, match="different sweep"):
        run_sweep(dataclasses.replace(spec, replications=101), out=serial.folder, resume=True)


def test_force_refuses_a_folder_that_is_not_a_sweep(tiny, tmp_path):
    spec, _ = tiny
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "thesis.tex").write_text("x")
    with pytest.raises(RunExistsError, match="not a sweep"):
        run_sweep(spec, out=tmp_path / "precious", force=True)
    assert (tmp_path / "precious" / "thesis.tex").exists()


def test_failed_point_is_recorded_then_retried_on_resume(tiny, serial, monkeypatch):
    spec, d = tiny
    real = worker.run_point

    def flaky(base, point, *args):
        if point in (3, 12):
            raise RuntimeError(f"simulated failure at point {point}")
        return real(base, point, *args)

    monkeypatch.setattr(worker, "run_point", flaky)
    with cf.ThreadPoolExecutor(2) as ex:
        r = run_sweep(spec, out=d / "flaky", executor=ex)
    assert r.points_ok == 18 and r.points_failed == 2
    assert any("simulated failure at point 3" in e for e in r.errors)
    df = pd.read_parquet(d / "flaky" / "points.parquet")
    bad = df[df["status"] == "failed"]
    assert list(bad["point"]) == [3, 12] and bad["error"].str.contains("RuntimeError").all()
    assert bad["p_ceasefire_holds"].isna().all() and len(df) == 20
    assert json.loads((d / "flaky" / "manifest.json").read_text())["status"] == "failed_points"

    monkeypatch.setattr(worker, "run_point", real)
    r2 = run_sweep(spec, out=d / "flaky", workers=1, resume=True)
    assert r2.chunks_run == 2 and r2.chunks_skipped == 8 and r2.points_failed == 0
    assert points_bytes(d / "flaky") == points_bytes(serial.folder)


def test_seeds_common_or_derived_from_seed_sequence(tiny):
    import dataclasses

    spec, _ = tiny
    assert {point_seed(spec, i) for i in range(50)} == {11}
    indep = dataclasses.replace(spec, common_random_numbers=False)
    seeds = [point_seed(indep, i) for i in range(50)]
    assert len(set(seeds)) == 50 and all(0 <= s < 2**63 for s in seeds)
    assert seeds[3] == int(np.random.SeedSequence([11, 3]).generate_state(1, np.uint64)[0] >> np.uint64(1))
    assert 11 + 3 not in seeds


def test_python_api_returns_a_dataframe(tmp_path):
    df = sim.sweep({"scenario": str(ROOT / "scenarios" / "freeze.yaml"), "name": "api", "sampler": "grid",
                    "points": 2, "replications": 50, "horizon_weeks": 26,
                    "parameters": {"attrition.exchange_ratio": [2, 3], "sanctions.production_cut": [0, 0.3]},
                    "outcomes": ["p_accept_ukraine"], "common_random_numbers": False},
                   out=tmp_path / "api", workers=1)
    assert isinstance(df, pd.DataFrame) and len(df) == 4
    assert sorted(zip(df["attrition.exchange_ratio"], df["sanctions.production_cut"])) == \
        [(2.0, 0.0), (2.0, 0.3), (3.0, 0.0), (3.0, 0.3)]
    assert df["seed"].nunique() == 4


def test_sigkill_then_resume_gives_exactly_the_uninterrupted_rows(tmp_path):
    f = write_sweep(tmp_path, name="killme", points=8, replications=100, horizon=104, chunk_points=2,
                    outcomes="[p_accept_russia, casualties_russia_mean]")  # 40 points, 20 chunks
    spec = load_sweep(f)
    clean = run_sweep(spec, out=tmp_path / "clean", workers=1)
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(f), "--workers", "1", "--out", str(out),
                             "--quiet"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    parts = out / "parts"
    while time.time() < deadline and proc.poll() is None:
        if parts.is_dir() and len(list(parts.glob("chunk-*.parquet"))) >= 3:
            break
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_at_kill = len(list(parts.glob("chunk-*.parquet")))
    assert 3 <= done_at_kill < 20, "the sweep must be killed mid-run for this test to mean anything"
    assert not (out / "points.parquet").exists()
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"

    r = subprocess.run([sys.executable, "-m", "sim", "sweep", str(f), "--workers", "2", "--out", str(out),
                        "--resume", "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    resumed = pd.read_parquet(out / "points.parquet")
    assert list(resumed["point"]) == list(range(40))          # none lost, none twice
    assert points_bytes(out) == points_bytes(clean.folder)
    assert sorted_csv(out) == sorted_csv(clean.folder)
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "complete" and m["sessions"][-1]["chunks_planned"] == 20 - done_at_kill
    assert not list(out.rglob(".*.tmp"))
