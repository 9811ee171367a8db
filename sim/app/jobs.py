"""Run the page's requests one at a time in a worker thread, with progress.

A :class:`Plan` is validated in the request thread (bad input answers HTTP 400 at once);
the :class:`Runner` queues it and its single worker thread simulates each scenario with
:func:`sim.engine.simulate.simulate` (same seed for all: common random numbers), summarises it with
:func:`sim.output.summary.summarize` (so the page shows exactly what ``ceasefire-sim run`` of
the downloaded YAML writes to ``summary.json``), then draws the figures. The HTTP server
never waits for a simulation: the page polls the job.
"""

from __future__ import annotations

import itertools
import math
import queue
import sys
import threading
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sim.engine.simulate import simulate
from sim.scenario.errors import InputError
from sim.scenario.offers import ACTORS
from sim.engine.outcomes import Outcomes
from sim.output.summary import summarize
from sim.scenario.schema import Scenario
from sim.app import controls, reports
from sim.figures import app as figures

#: Jobs kept in memory (older finished ones are forgotten, with their figures).
MAX_JOBS = 12
#: Share of the progress bar given to simulation (the rest: drawing the figures).
SIM_SHARE = 0.85


@dataclass(frozen=True)
class PlannedRun:
    """One scenario of a request: its key in the page, and the scenario with the settings applied."""

    key: str
    scenario: Scenario


@dataclass(frozen=True)
class Plan:
    runs: tuple[PlannedRun, ...]
    settings: controls.Settings


@dataclass
class Job:
    """A queued or finished request. ``lock`` guards the mutable fields."""

    id: str
    plan: Plan
    state: str = "queued"            # queued, running, done, error
    progress: float = 0.0
    message: str = "waiting for the previous run to finish"
    errors: list[str] = field(default_factory=list)
    outcomes: list[Outcomes] = field(default_factory=list)
    summaries: list[dict] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, **kw: Any) -> None:
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, v)

    def status(self) -> dict[str, Any]:
        """The JSON the page polls (``GET /api/jobs/<id>``)."""
        with self.lock:
            out: dict[str, Any] = {"id": self.id, "state": self.state, "progress": round(self.progress, 4),
                                   "message": self.message, "errors": list(self.errors)}
            if self.state == "done":
                out["result"] = self._result()
            return out

    def _result(self) -> dict[str, Any]:
        with_report = reports.available()
        runs = []
        for i, (pr, summary) in enumerate(zip(self.plan.runs, self.summaries)):
            s = pr.scenario
            runs.append({
                "index": i,
                "key": pr.key,
                "name": s.name,
                "title": s.title,
                "slot": i,
                "colour": figures.STYLES[i][0],
                "summary": summary,
                "assumptions": controls.assumptions(s),
                "red_lines": {a: {k: r.enabled for k, r in s.actors[a].red_lines.items()} for a in ACTORS},
                "offers": [{"preset": o.preset, "proposer": o.proposer, "week": o.week,
                            "monitoring": o.terms.monitoring} for o in s.offers],
                "downloads": {
                    "yaml": f"/api/jobs/{self.id}/runs/{i}/scenario.yaml",
                    "summary": f"/api/jobs/{self.id}/runs/{i}/summary.json",
                    "report": f"/api/jobs/{self.id}/runs/{i}/report.html" if with_report else None,
                },
            })
        return {
            "runs": runs,
            "figures": [{"name": n, "url": f"/api/jobs/{self.id}/figures/{n}.png", "alt": alt}
                        for n, (_fn, alt) in figures.FIGURES.items() if n in self.images],
            "settings": {"controls": self.plan.settings.controls,
                         "replications": self.plan.settings.replications,
                         "seed": self.plan.settings.seed},
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "report": f"/api/jobs/{self.id}/report.html" if with_report and len(runs) > 1 else None,
        }


def chunk_for(replications: int) -> int:
    """Replications per chunk: about ten progress steps for big runs, one for small ones.

    Chunking never changes results (randomness is keyed by replication id, see
    :mod:`sim.engine.simulate`); it only sets how often the progress bar moves.
    """
    return max(2000, math.ceil(replications / 10))


def execute(job: Job) -> None:
    """Run every scenario of ``job.plan``, then draw the figures (in the calling thread)."""
    runs = job.plan.runs
    total = sum(pr.scenario.replications for pr in runs)
    done = 0
    t0 = time.perf_counter()
    outs, sums = [], []
    for n, pr in enumerate(runs, start=1):
        job.update(state="running", message=f"simulating {pr.key} ({n} of {len(runs)})")

        def tick(k: int) -> None:
            nonlocal done
            done += k
            job.update(progress=SIM_SHARE * done / total)

        out = simulate(pr.scenario, chunk_size=chunk_for(pr.scenario.replications), progress=tick)
        outs.append(out)
        sums.append(summarize(out, pr.scenario.name))
    t1 = time.perf_counter()
    job.update(message="drawing the figures", progress=SIM_SHARE)
    series = [figures.Series(pr.key, i, o, s) for i, (pr, o, s) in enumerate(zip(runs, outs, sums))]
    images = figures.render_all(series)
    t2 = time.perf_counter()
    job.update(outcomes=outs, summaries=sums, images=images, seconds={"simulate": t1 - t0, "figures": t2 - t1},
               state="done", progress=1.0, message=f"done in {t2 - t0:.1f} s")


class Runner:
    """A queue of jobs and the one worker thread that runs them."""

    def __init__(self) -> None:
        self._jobs: "OrderedDict[str, Job]" = OrderedDict()
        self._lock = threading.Lock()
        self._queue: "queue.Queue[Job | None]" = queue.Queue()
        self._ids = itertools.count(1)
        self._thread = threading.Thread(target=self._work, name="ceasefire-sim-worker", daemon=True)
        self._thread.start()

    def submit(self, plan: Plan) -> Job:
        job = Job(id=str(next(self._ids)), plan=plan)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_JOBS:
                oldest = next(iter(self._jobs.values()))
                if oldest.state in ("queued", "running"):
                    break
                self._jobs.popitem(last=False)
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                execute(job)
            except InputError as exc:
                job.update(state="error", errors=[str(p) for p in exc.problems], message="the run failed")
            except Exception as exc:  # keep serving: report, log, go on with the next job
                traceback.print_exc(file=sys.stderr)
                job.update(state="error", errors=[f"internal error: {type(exc).__name__}: {exc}"],
                           message="the run failed")
