"""Draw a run's figures in a second process, started before the simulation (issue 18).

``ceasefire-sim run`` starts the worker first thing: a fresh Python that imports matplotlib
and the figure code (not the engine nor Mesa: about half a second) while the main process
imports the engine and simulates, on the other core; then, while it waits, the worker draws
one made-up figure into a temporary folder, so that what the first figure of a process
pays once (fonts, PIL, lazily imported modules) is paid off the critical path
(:func:`_warm_up`, stopped as soon as the job arrives). When the simulation is done the main
process sends the few outcome columns the figures read
(:data:`sim.figures.palette.RUN_FIGURE_COLUMNS`), the trajectories and the summary through a
pipe; the worker draws every figure of :func:`sim.figures.run.figure_jobs` into the run's
staging folder (the same code, so the same PNG bytes as drawing in-process) and answers with
one JSON line. The main process is idle meanwhile, so the worker forks (POSIX) and the two
processes draw about half the figures each (:data:`FORKED`; both cores are busy for about
half as long); if the forked helper fails, the worker draws its figures too. The main
process itself never imports matplotlib.

It is started only when a core is free (:func:`free_core`). It is only a shortcut, never on
the critical path for long: if it is not ready
(still importing, e.g. on a loaded machine or after a very short simulation) within
:data:`READY_WAIT_S` seconds of the figures being wanted (environment variable
``CEASEFIRE_SIM_FIGURE_WAIT`` to change it), cannot start, dies or reports an error, it is
stopped and the figures are drawn in-process instead (same bytes). A process that has
already imported matplotlib (a notebook, the test suite) starts no worker. Importing this
module imports neither matplotlib nor the engine.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

#: Seconds :meth:`FigureWorker.draw` waits for a worker still importing before drawing in-process.
READY_WAIT_S = 1.0
READY = "ready"

_ROOT = str(Path(__file__).resolve().parents[2])          # the folder holding this ``sim`` package
_BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); "
         "from sim.figures.worker import serve; raise SystemExit(serve())")


def free_core() -> bool:
    """Whether a core is likely idle for the worker, judged at once: the 1-minute load average is
    below the number of cores minus one half (on a 2-core machine: below 1.5). Measured on the
    shared 2-core machine at a load average of 12 (docs/performance.md), a worker competing for a
    busy core made the simulation about 50% slower and was not ready in time; where the load
    average is unknown (not POSIX), assume a free core. When this says no, :func:`idle_cores`
    looks again (the load average also counts the runs that just ended)."""
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):
        return True
    return load < (os.cpu_count() or 1) - 0.5


#: Seconds over which :func:`idle_cores` measures, and the idle cores it takes to start a worker.
SAMPLE_S = 0.2
IDLE_CORES = 0.5


def _cpu_times() -> tuple[int, int]:
    """(idle, total) clock ticks of all cores since boot, from Linux's ``/proc/stat``."""
    with open("/proc/stat", "rb") as f:
        ticks = [int(x) for x in f.readline().split()[1:9]]   # user nice system idle iowait irq softirq steal
    return ticks[3] + ticks[4], sum(ticks)


def idle_cores(seconds: float = SAMPLE_S) -> float | None:
    """How many cores were idle over the next ``seconds`` (0 to the number of cores), or None
    where it cannot be measured (no ``/proc/stat``).

    The 1-minute load average lags: after a few runs in a row (a script, a benchmark) it stays
    above 1.5 on a 2-core machine for a minute although the machine is idle between them, and
    the worker would never start. Measured while this process imports the engine (one core busy),
    so on an otherwise idle 2-core machine it is about 1."""
    try:
        idle0, total0 = _cpu_times()
        time.sleep(seconds)
        idle1, total1 = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    if total1 <= total0:
        return None
    return (idle1 - idle0) / (total1 - total0) * (os.cpu_count() or 1)


def _spawn() -> subprocess.Popen | None:
    try:
        return subprocess.Popen([sys.executable, "-c", _BOOT, _ROOT], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return None


class FigureWorker:
    """Parent side: start with :meth:`start`, use once with :meth:`draw`, :meth:`close` always."""

    def __init__(self, proc: subprocess.Popen | None):
        self.proc = proc
        self.used_worker = False          # whether the last draw() was done by the worker
        self._ready = threading.Event()
        self._decided = threading.Event()  # set once it is known whether there is a worker
        self._closed = False
        self._lock = threading.Lock()
        self._first: list[str] = []
        if proc is not None:
            self._watch(proc)
        self._decided.set()

    def _watch(self, proc: subprocess.Popen) -> None:
        threading.Thread(target=self._await_ready, args=(proc,), daemon=True).start()

    def _await_ready(self, proc: subprocess.Popen) -> None:
        try:
            self._first.append(proc.stdout.readline().decode("utf-8", "replace").strip())
        except (OSError, ValueError):
            pass
        self._ready.set()

    @classmethod
    def start(cls) -> "FigureWorker":
        """Start a worker: none if this process already has matplotlib (drawing here is as fast),
        or if no core is free (the worker's imports would slow the simulation). A core is free if
        the load average says so (:func:`free_core`), or else if one is measured idle over the next
        :data:`SAMPLE_S` seconds (:func:`idle_cores`), measured in a thread while this process
        goes on importing the engine."""
        if "matplotlib.pyplot" in sys.modules:
            return cls(None)
        if free_core():
            return cls(_spawn())
        worker = cls(None)
        worker._decided.clear()
        threading.Thread(target=worker._start_if_idle, daemon=True).start()
        return worker

    def _start_if_idle(self) -> None:
        try:
            idle = idle_cores()
            if idle is not None and idle >= IDLE_CORES:
                with self._lock:
                    if not self._closed:
                        self.proc = _spawn()
                        if self.proc is not None:
                            self._watch(self.proc)
        finally:
            self._decided.set()

    def ready(self, wait: float | None = None) -> bool:
        """Whether the worker has imported the figure code (waiting up to ``wait`` seconds)."""
        if wait is None:
            try:
                wait = float(os.environ.get("CEASEFIRE_SIM_FIGURE_WAIT", READY_WAIT_S))
            except ValueError:
                wait = READY_WAIT_S
        t0 = time.monotonic()
        self._decided.wait(max(0.0, wait))
        if self.proc is None:
            return False
        self._ready.wait(max(0.0, wait - (time.monotonic() - t0)))
        return self._ready.is_set() and self._first == [READY]

    def draw(self, out, summary: dict, title: str, folder: Path) -> list[Path]:
        """Every figure of the run into ``folder`` (by the worker, else in-process); their paths."""
        self.submit(out, summary, title, folder)
        return self.result()

    def submit(self, out, summary: dict, title: str, folder: Path) -> None:
        """Send the figures to a ready worker and return at once (:meth:`result` waits for
        them), so that this process can go on writing the tables meanwhile; without a ready
        worker, :meth:`result` draws them here."""
        from sim.figures.palette import RUN_FIGURE_COLUMNS

        folder = Path(folder)
        self._job = (out, summary, title, folder)
        self._talk = None
        if not self.ready():
            self.close()                  # none, still importing or broken: drawing here is quicker
            return
        job = {"columns": {k: out.columns[k] for k in ("replication", *RUN_FIGURE_COLUMNS)},
               "horizon_weeks": out.horizon_weeks, "seed": out.seed, "paths": out.territory_path,
               "summary": summary, "title": title, "folder": str(folder)}
        answer: list = []
        self._talk = threading.Thread(target=lambda: answer.append(self._ask(job)), daemon=True)
        self._talk.answer = answer
        self._talk.start()

    def result(self) -> list[Path]:
        """The paths of the figures :meth:`submit` asked for, once they are written (drawn here
        if the worker failed or there was none)."""
        talk, self._talk = getattr(self, "_talk", None), None
        if talk is not None:
            talk.join()
            self.proc = None
            answer = talk.answer[0] if talk.answer else None
            if answer is not None and answer.get("ok"):
                self.used_worker = True
                return [Path(p) for p in answer["files"]]
        from sim.figures import run as plots

        self.used_worker = False
        out, summary, title, folder = self._job
        return plots.all_figures(out, summary, title, folder)

    def _ask(self, job: dict[str, Any]) -> dict | None:
        proc = self.proc
        try:
            data, _ = proc.communicate(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            return json.loads(data.decode("utf-8").strip().splitlines()[-1]) if proc.returncode == 0 else None
        except (OSError, ValueError, IndexError):
            self._kill(proc)
            return None

    @staticmethod
    def _kill(proc: subprocess.Popen) -> None:
        try:
            proc.kill()
            proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass

    def close(self) -> None:
        """Stop an unused worker (the run failed or drew no figures), or one still to be started."""
        with self._lock:
            self._closed = True
            proc, self.proc = self.proc, None
        if proc is not None:
            self._kill(proc)

    def __enter__(self) -> "FigureWorker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class RunColumns:
    """What the run's figures read of an :class:`sim.engine.outcomes.Outcomes`, without the engine."""

    def __init__(self, columns: dict, horizon_weeks: int, seed: int, territory_path):
        self.columns, self.horizon_weeks, self.seed, self.territory_path = columns, horizon_weeks, seed, territory_path

    @property
    def n(self) -> int:
        return len(self.columns["replication"])


#: The figures the worker's forked helper draws while the worker draws the others: the
#: three-panel casualties figure costs about as much as the other four together
#: (docs/performance.md).
FORKED = ("casualties_cost.png",)


def _fork() -> int | None:
    """``os.fork()``, or None where there is none or it fails (then everything is drawn here)."""
    if not hasattr(os, "fork"):
        return None
    try:
        return os.fork()
    except OSError:
        return None


def draw_split(jobs: list, folder: Path) -> list[Path]:
    """Draw ``jobs`` (:func:`sim.figures.run.figure_jobs`) into ``folder``, those named in
    :data:`FORKED` by a forked copy of this process meanwhile; the paths in the jobs' order.

    Each figure is drawn by the same code either way (the same bytes). Only for the worker
    process, which has no threads and nothing else to do: the main process never forks.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    there = [(name, draw) for name, draw in jobs if name in FORKED]
    here = [(name, draw) for name, draw in jobs if name not in FORKED]
    pid = _fork() if there and here else None
    if pid == 0:                                   # the helper: draw, then leave at once
        code = 1
        try:
            for name, draw in there:
                draw(folder / name)
            code = 0
        finally:
            os._exit(code)                         # no cleanup of the worker's state, no output
    for name, draw in (here if pid is not None else jobs):
        draw(folder / name)
    if pid is not None:
        _, status = os.waitpid(pid, 0)
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
            for name, draw in there:              # the helper failed: draw its figures here
                draw(folder / name)
    return [folder / name for name, _ in jobs]


def _job_waiting() -> bool:
    """Whether the main process has sent the job (or closed the pipe); True where it cannot be known."""
    try:
        import select

        return bool(select.select([sys.stdin.buffer], [], [], 0)[0])
    except (ImportError, OSError, ValueError):
        return True


def _warm_up(plots, waiting=_job_waiting) -> None:
    """Draw a made-up run's outcome bars into a temporary folder, unless the job is already
    waiting: the first figure a process draws pays for loading the font, PIL's PNG writer and
    modules matplotlib imports on first use, which the run's figures then need not. Best
    effort: any error is ignored (the real figures are drawn the same either way)."""
    import tempfile

    if waiting():
        return
    classes = plots.OUTCOME_CLASSES
    summary = {"horizon_weeks": 156, "outcome_probabilities": {c: 1 / len(classes) for c in classes},
               "outcome_intervals_95": {c: [0.1, 0.2] for c in classes}}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            plots.outcome_bars(summary, "warm-up", Path(tmp) / "warm.png")
    except Exception:  # noqa: BLE001 - only a warm-up
        pass


def serve() -> int:
    """Worker side: import the figure code, read one job from stdin, draw, answer on stdout."""
    try:
        from sim.figures import run as plots

        sys.stdout.write(READY + "\n")
        sys.stdout.flush()
        _warm_up(plots)
        job = pickle.load(sys.stdin.buffer)
        out = RunColumns(job["columns"], job["horizon_weeks"], job["seed"], job["paths"])
        files = draw_split(plots.figure_jobs(out, job["summary"], job["title"]), Path(job["folder"]))
        answer = {"ok": True, "files": [str(p) for p in files]}
    except EOFError:                       # the main process went away before sending a job
        return 0
    except Exception as exc:  # noqa: BLE001 - the main process draws in-process instead
        answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
    return 0
