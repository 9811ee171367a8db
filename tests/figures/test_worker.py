"""The figure worker draws the very PNG files the in-process code draws, and falls back to it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.engine.simulate import resolve_run, simulate
from sim.figures import run as plots
from sim.figures import worker as worker_mod
from sim.figures.worker import FigureWorker
from sim.output.summary import summarize
from sim.scenario.schema import load_scenario


@pytest.fixture(scope="module")
def run():
    s = resolve_run(load_scenario("scenarios/freeze.yaml"), 400, 5, 60)
    out = simulate(s)
    return s, out, summarize(out, s.name)


def pngs(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.png"))}


def started() -> FigureWorker:
    """A worker, even though this test process has matplotlib (start() would not start one)."""
    proc = subprocess.Popen([sys.executable, "-c", worker_mod._BOOT, worker_mod._ROOT], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    worker = FigureWorker(proc)
    assert worker.ready(wait=300)
    return worker


def test_the_worker_draws_the_same_bytes_as_in_process(run, tmp_path):
    s, out, summary = run
    plots.all_figures(out, summary, s.title, tmp_path / "here")
    with started() as worker:
        files = worker.draw(out, summary, s.title, tmp_path / "there")
        assert worker.used_worker                      # drawn by the other process, not here
    assert sorted(p.name for p in files) == sorted(pngs(tmp_path / "here"))
    assert pngs(tmp_path / "there") == pngs(tmp_path / "here")
    assert len(pngs(tmp_path / "here")) == 5


def test_without_trajectories_the_worker_skips_the_fan_chart(run, tmp_path):
    s, out, summary = run
    out.territory_path, paths = None, out.territory_path
    try:
        with started() as worker:
            worker.draw(out, summary, s.title, tmp_path)
            assert worker.used_worker
    finally:
        out.territory_path = paths
    assert "territory_fan.png" not in pngs(tmp_path) and len(pngs(tmp_path)) == 4


def test_a_broken_worker_falls_back_to_drawing_here(run, tmp_path):
    s, out, summary = run
    dead = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    worker = FigureWorker(dead)
    worker.draw(out, summary, s.title, tmp_path / "fallback")
    assert not worker.used_worker
    plots.all_figures(out, summary, s.title, tmp_path / "here")
    assert pngs(tmp_path / "fallback") == pngs(tmp_path / "here")


def test_a_worker_not_ready_in_time_is_stopped_and_the_figures_drawn_here(run, tmp_path, monkeypatch):
    s, out, summary = run
    slow = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    monkeypatch.setenv("CEASEFIRE_SIM_FIGURE_WAIT", "0.2")
    worker = FigureWorker(slow)
    worker.draw(out, summary, s.title, tmp_path / "f")
    assert not worker.used_worker and slow.poll() is not None and len(pngs(tmp_path / "f")) == 5


def test_an_unused_worker_is_stopped():
    worker = started()
    proc = worker.proc
    worker.close()
    assert proc.poll() is not None and worker.proc is None


def test_no_worker_in_a_process_that_has_matplotlib():
    import matplotlib.pyplot  # noqa: F401

    assert FigureWorker.start().proc is None


def test_no_worker_when_no_core_is_free(monkeypatch):
    monkeypatch.delitem(sys.modules, "matplotlib.pyplot")       # as in a fresh `run` process
    monkeypatch.setattr(worker_mod.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(worker_mod.os, "getloadavg", lambda: (1.6, 1.0, 1.0))
    monkeypatch.setattr(worker_mod, "idle_cores", lambda seconds=0.2: 0.1)   # measured busy too
    assert not worker_mod.free_core()
    w = FigureWorker.start()
    assert not w.ready(wait=5) and w.proc is None
    monkeypatch.setattr(worker_mod.os, "getloadavg", lambda: (0.3, 1.0, 1.0))
    assert worker_mod.free_core()
    w = FigureWorker.start()
    try:
        assert w.proc is not None
    finally:
        w.close()


def test_a_worker_starts_when_the_load_average_lags_but_a_core_is_measured_idle(monkeypatch):
    monkeypatch.delitem(sys.modules, "matplotlib.pyplot")
    monkeypatch.setattr(worker_mod.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(worker_mod.os, "getloadavg", lambda: (1.9, 1.0, 1.0))   # e.g. after runs in a row
    monkeypatch.setattr(worker_mod, "idle_cores", lambda seconds=0.2: 0.9)
    w = FigureWorker.start()
    try:
        assert w.ready(wait=300) and w.proc is not None
    finally:
        w.close()
    assert w.proc is None


def test_a_worker_closed_before_it_was_decided_is_never_started(monkeypatch):
    monkeypatch.delitem(sys.modules, "matplotlib.pyplot")
    monkeypatch.setattr(worker_mod, "free_core", lambda: False)
    gate = __import__("threading").Event()

    def slow_idle(seconds=0.2):
        gate.wait(10)
        return 2.0

    monkeypatch.setattr(worker_mod, "idle_cores", slow_idle)
    w = FigureWorker.start()
    w.close()
    gate.set()
    assert w._decided.wait(10) and w.proc is None


def test_idle_cores_is_measured_between_none_and_all_cores():
    idle = worker_mod.idle_cores(0.05)
    if not Path("/proc/stat").exists():
        assert idle is None
    else:
        assert 0.0 <= idle <= (os.cpu_count() or 1) + 1e-9


def test_the_figure_code_and_the_worker_import_no_engine():
    code = ("import sys; import sim.figures.worker, sim.figures.run; "
            "bad = [m for m in ('mesa', 'pandas', 'scipy', 'sim.engine.model') if m in sys.modules]; "
            "print(bad); raise SystemExit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=worker_mod._ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_palette_names_the_engine_s_outcome_classes_in_its_order():
    from sim.engine.model import OUTCOME_CLASSES
    from sim.figures import palette

    assert palette.OUTCOME_CLASSES == tuple(palette.CLASS_COLOURS) == OUTCOME_CLASSES


def _pid_writer(path):
    path.write_text(str(os.getpid()))
    return path


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork: everything is drawn in one process")
def test_draw_split_draws_the_forked_figures_in_another_process(tmp_path):
    jobs = [("outcomes.png", _pid_writer), (worker_mod.FORKED[0], _pid_writer), ("acceptance.png", _pid_writer)]
    files = worker_mod.draw_split(jobs, tmp_path)
    assert [p.name for p in files] == [name for name, _ in jobs]
    pids = {p.name: int(p.read_text()) for p in files}
    assert pids["outcomes.png"] == pids["acceptance.png"] == os.getpid()
    assert pids[worker_mod.FORKED[0]] != os.getpid()


def test_a_failed_helper_s_figures_are_drawn_by_the_worker(tmp_path):
    parent = os.getpid()

    def fails_in_the_helper(path):
        if os.getpid() != parent:
            raise RuntimeError("helper broke")
        return _pid_writer(path)

    jobs = [("outcomes.png", _pid_writer), (worker_mod.FORKED[0], fails_in_the_helper)]
    files = worker_mod.draw_split(jobs, tmp_path)
    assert all(int(p.read_text()) == parent for p in files)


def test_the_warm_up_changes_no_byte_and_is_skipped_when_the_job_waits(run, tmp_path, monkeypatch):
    s, out, summary = run
    plots.all_figures(out, summary, s.title, tmp_path / "before")
    drawn = []
    original = plots.outcome_bars
    monkeypatch.setattr(plots, "outcome_bars", lambda *a: drawn.append(a) or original(*a))
    worker_mod._warm_up(plots, waiting=lambda: True)
    assert drawn == []
    worker_mod._warm_up(plots, waiting=lambda: False)
    assert len(drawn) == 1
    monkeypatch.undo()
    plots.all_figures(out, summary, s.title, tmp_path / "after")
    assert pngs(tmp_path / "after") == pngs(tmp_path / "before")


def test_the_worker_and_its_helper_draw_the_same_bytes_as_one_process(run, tmp_path):
    s, out, summary = run
    plots.all_figures(out, summary, s.title, tmp_path / "one")
    cols = worker_mod.RunColumns({k: out.columns[k] for k in ("replication", *plots.RUN_FIGURE_COLUMNS)},
                                 out.horizon_weeks, out.seed, out.territory_path)
    worker_mod.draw_split(plots.figure_jobs(cols, summary, s.title), tmp_path / "two")
    assert pngs(tmp_path / "two") == pngs(tmp_path / "one") and len(pngs(tmp_path / "one")) == 5
