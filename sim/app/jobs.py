"""Run the page's requests one at a time in a worker thread, with progress.

A :class:`Plan` is validated in the request thread (bad input answers HTTP 400 at once);
the :class:`Runner` queues it and its single worker thread simulates each scenario with
:func:`sim.engine.simulate.simulate` (same seed for all: common random numbers), summarises it with
:func:`sim.output.summary.summarize` (so the page shows exactly what ``ceasefire-sim run`` of
the downloaded YAML writes to ``summary.json``), then computes the numbers of the four
charts (:func:`sim.figures.app.chart_data`), which the browser draws. PNG figures are drawn
only when a student downloads one. The HTTP server never waits for a simulation: the page
asks for the job's status, and may wait on the server for its next change (long polling).

Bounds, so that a burst of requests (or a hostile page) cannot grow memory or work
without limit: at most :data:`MAX_PENDING` jobs queued or running (beyond it
:meth:`Runner.submit` raises :class:`Busy`, answered 429), at most :data:`MAX_WORK`
replication-weeks per request (checked by the server before queueing), and only the
:data:`MAX_FINISHED` most recent finished jobs are kept (older ones are released with
their outcomes, whatever is still queued).
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
from sim.output.labels import part_label
from sim.output.summary import summarize
from sim.scenario.schema import Scenario
from sim.app import controls, reports
from sim.figures import app as figures

#: Finished jobs kept in memory (older ones are forgotten, with their outcomes).
MAX_FINISHED = 6
#: Jobs queued or running at once; one more is refused (HTTP 429).
MAX_PENDING = 4
#: Most replication-weeks one request may ask for, summed over its scenarios: three
#: scenarios of 20,000 replications over the shipped 156-week horizon (a few seconds).
MAX_WORK = controls.MAX_SCENARIOS * controls.REPLICATIONS_RANGE[1] * 156
#: Share of the progress bar given to simulation (the rest: summaries and chart data).
SIM_SHARE = 0.95
#: Longest a status request may wait for the job to change (seconds).
MAX_WAIT = 10.0


def _return_freed_memory() -> None:
    """Give freed heap pages back to the system (glibc ``malloc_trim``; elsewhere nothing).

    Thousands of small numpy arrays per run fragment the heap: without this, the resident
    size of a server that releases its finished jobs still creeps up run after run.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class Busy(Exception):
    """The queue is full: the request is refused, nothing is queued."""


def work_of(runs) -> int:
    """Replication-weeks of a request (what :data:`MAX_WORK` bounds)."""
    return sum(pr.scenario.replications * pr.scenario.horizon_weeks for pr in runs)


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
    charts: dict[str, Any] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    version: int = 0
    lock: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def update(self, **kw: Any) -> None:
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, v)
            self.version += 1
            self.lock.notify_all()

    @property
    def finished(self) -> bool:
        return self.state in ("done", "error")

    def wait_change(self, since: int, timeout: float) -> None:
        """Block until the job changes after ``version == since``, it finishes, or ``timeout`` s."""
        with self.lock:
            self.lock.wait_for(lambda: self.version > since or self.finished, timeout=min(timeout, MAX_WAIT))

    def status(self) -> dict[str, Any]:
        """The JSON the page polls (``GET /api/jobs/<id>``)."""
        with self.lock:
            out: dict[str, Any] = {"id": self.id, "state": self.state, "progress": round(self.progress, 4),
                                   "message": self.message, "errors": list(self.errors), "version": self.version}
            if self.state == "done":
                out["result"] = self._result()
            return out

    def png(self, name: str) -> bytes | None:
        """Chart ``name`` as PNG, drawn on first request and kept (downloads only)."""
        with self.lock:
            if self.state != "done" or name not in figures.CHARTS:
                return None
            if name not in self.images:
                self.images[name] = figures.render_png(self.charts, name)
            return self.images[name]

    def held_bytes(self) -> int:
        """Bytes of the simulation results this job keeps (outcome columns and trajectories)."""
        with self.lock:
            total = 0
            for o in self.outcomes:
                total += sum(a.nbytes for a in o.columns.values())
                total += o.territory_path.nbytes if o.territory_path is not None else 0
            return total

    def _result(self) -> dict[str, Any]:
        if hasattr(self.plan, "result"):             # another kind of job (the design view: sim.app.design)
            return self.plan.result(self)
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
                "dash": figures.DASHES[i],
                "summary": summary,
                # what the waterfall (why.js) writes for each part of the margins (sim.output.labels)
                "part_labels": {name: part_label(name) for m in summary.get("margins", [])
                                for row in m["actors"].values() for name in row["parts"]},
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
            "charts": self.charts,
            "figures": [{"name": c["name"], "url": f"/api/jobs/{self.id}/figures/{c['name']}.png", "alt": c["alt"]}
                        for c in self.charts.get("charts", [])],
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
    """Run every scenario of ``job.plan``, then draw the figures (in the calling thread).

    A plan with its own ``execute`` (a design search, :mod:`sim.app.design`) runs that instead,
    in the same thread and queue, so the same bounds hold.
    """
    if hasattr(job.plan, "execute"):
        job.plan.execute(job)
        return
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
    series = [figures.Series(pr.key, i, o, s) for i, (pr, o, s) in enumerate(zip(runs, outs, sums))]
    charts = figures.chart_data(series)
    t2 = time.perf_counter()
    job.update(outcomes=outs, summaries=sums, charts=charts, seconds={"simulate": t1 - t0, "charts": t2 - t1},
               state="done", progress=1.0, message=f"done in {t2 - t0:.2f} s")


class Runner:
    """A bounded queue of jobs and the one worker thread that runs them."""

    def __init__(self, max_pending: int = MAX_PENDING, max_finished: int = MAX_FINISHED) -> None:
        self.max_pending = max_pending
        self.max_finished = max_finished
        self._jobs: "OrderedDict[str, Job]" = OrderedDict()
        self._lock = threading.Lock()
        self._queue: "queue.Queue[Job | None]" = queue.Queue()
        self._ids = itertools.count(1)
        self._thread = threading.Thread(target=self._work, name="ceasefire-sim-worker", daemon=True)
        self._thread.start()

    def submit(self, plan: Plan) -> Job:
        """Queue ``plan``.

        Raises
        ------
        Busy
            When :attr:`max_pending` jobs are already queued or running.
        """
        with self._lock:
            pending = sum(not j.finished for j in self._jobs.values())
            if pending >= self.max_pending:
                raise Busy(f"the app is busy: {pending} runs are waiting or running (at most "
                           f"{self.max_pending}); try again when one has finished")
            job = Job(id=str(next(self._ids)), plan=plan)
            self._jobs[job.id] = job
        self._queue.put(job)
        return job

    def _release(self) -> None:
        """Forget the oldest finished jobs beyond :attr:`max_finished` (queued ones are never dropped)."""
        with self._lock:
            finished = [k for k, j in self._jobs.items() if j.finished]
            for k in finished[: max(0, len(finished) - self.max_finished)]:
                del self._jobs[k]

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Every job held (queued, running or kept finished), oldest first."""
        with self._lock:
            return list(self._jobs.values())

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
            finally:
                self._release()
                del job                      # the worker keeps no reference to a released job
                if self._queue.empty():      # idle: nobody waits for this
                    _return_freed_memory()
