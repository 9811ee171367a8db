"""The figure worker draws the very PNG files the in-process code draws, and falls back to it."""

from __future__ import annotations

import subprocess
import sys

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
    assert not worker_mod.free_core() and FigureWorker.start().proc is None
    monkeypatch.setattr(worker_mod.os, "getloadavg", lambda: (0.3, 1.0, 1.0))
    assert worker_mod.free_core()
    w = FigureWorker.start()
    try:
        assert w.proc is not None
    finally:
        w.close()
