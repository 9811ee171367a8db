"""What runs on a worker: one chunk of sweep points -> one row of statistics per point.

A task carries the base scenario as plain data (a few kB, rebuilt once per worker and
cached by its hash) and, for each point, its index, seed and dotted-path changes. A point
that raises is returned as ``status='failed'`` with its error; the chunk goes on. Workers
return statistics only, never per-replication outcomes, so the driver's memory does not
grow with the number of replications or points.
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from dataclasses import dataclass
from typing import Any

from sim.engine.simulate import resolve_run, simulate
from sim.engine.model import CeasefireModel
from sim.scenario.schema import Scenario, from_data
from sim.sweeps import statistics

_BASES: dict[str, Scenario] = {}


@dataclass(frozen=True)
class ChunkTask:
    """A chunk of points to run (picklable: plain data only)."""

    chunk: int
    base_hash: str
    base_data: dict[str, Any]
    replications: int
    horizon_weeks: int
    outcomes: tuple[str, ...]
    points: tuple[tuple[int, int, dict[str, Any]], ...]  # (point index, seed, changes)


@dataclass
class ChunkResult:
    chunk: int
    rows: list[dict[str, Any]]  # point, status, error, statistics
    elapsed_s: float
    worker: str


def base_scenario(task: ChunkTask) -> Scenario:
    """The base scenario of ``task``, built once per worker process."""
    s = _BASES.get(task.base_hash)
    if s is None:
        if len(_BASES) > 8:
            _BASES.clear()
        s = _BASES[task.base_hash] = from_data(task.base_data, "<sweep base scenario>")
    return s


def release_finished_models() -> None:
    """Drop finished models from Mesa's class-level id registry.

    Mesa 3.3's ``Agent._ids`` is a class attribute keyed by model, so every model ever
    built stays referenced and a long-lived worker grows by ~150 kB per point (mesa issue
    #3179, fixed upstream by PR #3180). Only models that ran to their horizon are dropped,
    so a model being built in another thread keeps its id counter.
    """
    import mesa

    ids = getattr(mesa.Agent, "_ids", None)
    if not isinstance(ids, dict):
        return
    for model in list(ids):
        if isinstance(model, CeasefireModel) and model.week >= model.horizon:
            ids.pop(model, None)


def run_point(base: Scenario, point: int, seed: int, changes: dict[str, Any], replications: int,
              horizon_weeks: int, outcomes: tuple[str, ...]) -> dict[str, Any]:
    """Simulate one point and reduce it to its outcome statistics."""
    scenario = base.with_changes(changes, label=f"<sweep point {point}>") if changes else base
    scenario = resolve_run(scenario, replications=replications, seed=seed, horizon_weeks=horizon_weeks)
    try:
        out = simulate(scenario, record_trajectories=False)
    finally:
        release_finished_models()
    return statistics.compute(out.columns, list(outcomes))


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run every point of a chunk; a failing point is recorded, not raised."""
    t0 = time.perf_counter()
    base = base_scenario(task)
    rows = []
    for point, seed, changes in task.points:
        try:
            stats = run_point(base, point, seed, changes, task.replications, task.horizon_weeks, task.outcomes)
            rows.append({"point": point, "status": "ok", "error": None, **stats})
        except Exception as exc:  # recorded with the point; retried on --resume
            where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
            loc = f" ({os.path.basename(where.filename)}:{where.lineno})" if where else ""
            rows.append({"point": point, "status": "failed", "error": f"{type(exc).__name__}: {exc}{loc}"})
    return ChunkResult(task.chunk, rows, time.perf_counter() - t0, f"{socket.gethostname()}:{os.getpid()}")


def init_worker(driver: int | None = None) -> None:
    """Process-pool initializer: die with the parent, keep ``sim`` imported, leave Ctrl-C to the driver.

    The parent is the forkserver (or the driver with ``spawn``); :func:`~sim.sweeps.lifeline.watch_parent`
    ends the worker when it is gone, on every platform; ``PR_SET_PDEATHSIG`` does it at once on Linux.
    """
    import signal

    from sim.sweeps.lifeline import watch_parent

    watch_parent(driver=driver)
    # Ctrl-C reaches the whole process group: the driver stops (and kills) the workers; a worker
    # of its own would only print a KeyboardInterrupt traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:  # PR_SET_PDEATHSIG = 1: an orphaned worker gets SIGKILL instead of lingering
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    except Exception:  # noqa: BLE001 - not Linux: workers exit when their pipe closes
        pass
