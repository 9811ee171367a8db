"""Crash safety: a run killed at any moment leaves a complete results folder or none.

Backs the guarantees of docs/reliability.md "Crash safety": SIGKILL at random moments,
Ctrl-C (SIGINT -> exit 130, a message, nothing left behind), stale staging folders,
``--force`` replacing a folder atomically.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fuzz_support import check_results
from sim.output import results
from sim.scenario.errors import RunExistsError
from sim.pipeline.runner import run_scenario

ROOT = Path(__file__).resolve().parents[2]
FREEZE = ROOT / "scenarios" / "freeze.yaml"


def _start(out: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "sim", "run", str(FREEZE), "--out", str(out), *extra],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=out.parent)


def _leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def test_sigkill_at_random_moments_leaves_complete_folder_or_none(tmp_path):
    rng = random.Random(20240524)  # fixed delays: reproducible in CI
    delays = [rng.uniform(0.3, 4.0) for _ in range(5)] + [30.0]  # the last one finishes
    outcomes = []
    for i, delay in enumerate(delays):
        out = tmp_path / f"run{i}"
        proc = _start(out, "--replications", "3000")
        try:
            proc.wait(timeout=delay)
            finished = True
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            finished = False
        if out.exists():
            check_results(out)  # complete: every file of the manifest, hashes right
            outcomes.append("complete")
        else:
            outcomes.append("none")
        assert finished or proc.returncode == -signal.SIGKILL
    assert outcomes[-1] == "complete"
    # a new run into a killed run's target removes the dead run's staging folder
    killed = [i for i, o in enumerate(outcomes) if o == "none"]
    for i in killed:
        out = tmp_path / f"run{i}"
        run_scenario(FREEZE, out=out, replications=20, horizon_weeks=4, figures=False)
        assert _leftovers(tmp_path, out.name) == []
        check_results(out)


@pytest.mark.parametrize("sig, code, words", [(signal.SIGINT, 130, b"interrupted"),
                                               (signal.SIGTERM, 143, b"terminated")])
def test_ctrl_c_and_sigterm_stop_cleanly_and_leave_nothing(tmp_path, sig, code, words):
    out = tmp_path / "interrupted"
    proc = _start(out, "--replications", "20000", "--chunk-size", "2000")
    deadline = time.monotonic() + 60
    while not _leftovers(tmp_path, out.name):  # wait until the run is staging its folder
        assert proc.poll() is None and time.monotonic() < deadline, "run ended before it could be interrupted"
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert words in err and b"Traceback" not in err
    assert not out.exists()
    assert _leftovers(tmp_path, out.name) == []


def test_failure_inside_the_run_removes_the_staging_folder(tmp_path):
    def boom(folder, result):
        assert (folder / "outcomes.csv").is_file()
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        run_scenario(FREEZE, out=tmp_path / "x", replications=20, horizon_weeks=4, figures=False, extra_files=boom)
    assert list(tmp_path.iterdir()) == []


def test_force_replaces_atomically_and_a_failed_replacement_keeps_the_old_folder(tmp_path):
    out = tmp_path / "r"
    first = run_scenario(FREEZE, out=out, replications=20, horizon_weeks=4, figures=False, seed=1)
    old = (out / "outcomes.csv").read_bytes()
    with pytest.raises(RunExistsError):
        run_scenario(FREEZE, out=out, replications=20, horizon_weeks=4, figures=False, seed=2)

    def boom(folder, result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_scenario(FREEZE, out=out, replications=20, horizon_weeks=4, figures=False, seed=2, force=True,
                     extra_files=boom)
    assert (out / "outcomes.csv").read_bytes() == old
    run_scenario(FREEZE, out=out, replications=20, horizon_weeks=4, figures=False, seed=2, force=True)
    assert (out / "outcomes.csv").read_bytes() != old
    check_results(out)
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2 != first.summary["seed"]
    assert [p.name for p in tmp_path.iterdir()] == ["r"]


def test_stale_staging_folders_of_dead_processes_are_removed_live_ones_kept(tmp_path):
    target = tmp_path / "run"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".run.tmp-{dead.pid}-abc"
    live = tmp_path / f".run.tmp-{os.getpid()}-def"
    other = tmp_path / f".other.tmp-{dead.pid}-ghi"
    for d in (stale, live, other):
        d.mkdir()
        (d / "outcomes.csv").write_text("partial")
    reused = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        # a folder older than the process that now has its owner's id: the id was reused
        old = tmp_path / f".run.tmp-{reused.pid}-jkl"
        old.mkdir()
        past = time.time() - 3600
        os.utime(old, (past, past))
        removed = results.clean_stale(target)
    finally:
        reused.kill()
        reused.wait()
    assert sorted(removed) == sorted([stale, other, old])  # any results folder's leftovers, not only this one's
    assert live.exists()


def test_a_killed_run_leaves_staging_that_the_next_command_removes(tmp_path):
    out = tmp_path / "big"
    proc = _start(out, "--replications", "50000", "--no-figures")
    deadline = time.monotonic() + 60
    while not _leftovers(tmp_path, "big") and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert _leftovers(tmp_path, "big"), "the run finished before it could be killed"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "sim", "analyze", str(FREEZE), "-n", "50", "--horizon-weeks", "8",
                           "--no-figures", "--out", str(tmp_path / "other")], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _leftovers(tmp_path, "big") == [] and not out.exists()


@pytest.mark.parametrize("make", ["folder with a file", "regular file", "empty folder", "foreign manifest"])
def test_force_replaces_only_a_folder_of_ours(tmp_path, make, monkeypatch):
    target = tmp_path / "d"
    if make == "regular file":
        target.write_text("my thesis")
    else:
        target.mkdir()
        if make == "folder with a file":
            (target / "thesis.txt").write_text("my thesis")
        if make == "foreign manifest":
            (target / "manifest.json").write_text('{"package": "something-else"}')
    before = sorted((p.relative_to(tmp_path), p.read_bytes() if p.is_file() else None) for p in tmp_path.rglob("*"))
    with pytest.raises(RunExistsError, match="written by"):
        run_scenario(FREEZE, out=target, replications=20, horizon_weeks=4, figures=False, force=True)
    after = sorted((p.relative_to(tmp_path), p.read_bytes() if p.is_file() else None) for p in tmp_path.rglob("*"))
    assert after == before  # nothing lost, no .old-* or .tmp-* left
    monkeypatch.chdir(tmp_path)
    ours = run_scenario(FREEZE, out="ours", replications=20, horizon_weeks=4, figures=False)
    run_scenario(FREEZE, out="ours", replications=20, horizon_weeks=4, figures=False, force=True, seed=3)
    assert json.loads((ours.folder / "manifest.json").read_text())["seed"] == 3
    monkeypatch.chdir(ours.folder)
    with pytest.raises(RunExistsError, match="current folder"):  # even a folder of ours, when it is `.`
        run_scenario(FREEZE, out=".", replications=20, horizon_weeks=4, figures=False, force=True)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_force_on_the_command_line_refuses_with_exit_2(tmp_path):
    from fuzz_support import run_cli

    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "thesis.txt").write_text("x")
    rc, _, err = run_cli(["run", str(FREEZE), "-n", "30", "--horizon-weeks", "4", "--out", str(tmp_path / "d"),
                          "--force", "--no-figures"])
    assert rc == 2 and "not written by ceasefire-sim" in err
    assert (tmp_path / "d" / "thesis.txt").read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]


def test_results_folder_has_ordinary_permissions(tmp_path):
    r = run_scenario(FREEZE, out=tmp_path / "perm", replications=20, horizon_weeks=4, figures=False)
    umask = os.umask(0)
    os.umask(umask)
    assert r.folder.stat().st_mode & 0o777 == 0o777 & ~umask


def test_chunk_size_has_a_lower_bound_and_the_memory_refusal_reads_well(tmp_path):
    from fuzz_support import run_cli

    rc, _, err = run_cli(["run", str(FREEZE), "-n", "30", "--chunk-size", "7", "--out", str(tmp_path / "c")])
    assert rc == 2 and "at least 100 replications per chunk" in err
    assert not (tmp_path / "c").exists()
    # a tiny run fits a small limit: the libraries are measured, not a fixed 250 MB
    from sim.output import resources
    base = resources.measured_base_bytes()
    rc, _, err = run_cli(["run", str(FREEZE), "-n", "30", "--horizon-weeks", "4", "--no-figures",
                          "--max-memory", f"{base // 2**20 + 40}M", "--out", str(tmp_path / "m")])
    assert rc == 0, err
    rc, _, err = run_cli(["run", str(FREEZE), "-n", "200000", "--max-memory", f"{base // 2**20 + 1}M",
                          "--out", str(tmp_path / "big")])
    assert rc == 2
    fixes = [line for line in err.splitlines() if line.startswith("  - ")]
    assert fixes and not fixes[0].startswith("  - or "), err   # the list of fixes does not start mid-sentence
