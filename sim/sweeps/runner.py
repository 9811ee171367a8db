"""Run a sweep: plan the points, send chunks to an executor, stream parts, resume.

A point's result is a pure function of (base scenario, its parameter values, its seed,
replications, horizon, package version): the executor, the number of workers and the
chunking never change it. Seeds come from ``SeedSequence([root seed, point index])``
(never ``root + i``); with ``common_random_numbers`` (the default) every point uses the
root seed, so replication i draws the same uncertain parameters and shocks at every point
and differences between points are due to the swept parameters alone (common random
numbers, a standard variance-reduction device; Law & Kelton, *Simulation Modeling and
Analysis*, ch. 11).
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from sim import __version__
from sim.scenario.errors import InputError, RunExistsError
from sim.output.results import clean_stale, file_hashes
from sim.sweeps import samplers, storage
from sim.sweeps.executors import ExecutorInfo, open_executor, run_unordered
from sim.sweeps.spec import SweepSpec, load_sweep
from sim.sweeps.worker import ChunkTask, run_chunk

#: Replication-weeks per chunk aimed at (~0.5-1 s of engine time on one core).
TARGET_CHUNK_WORK = 600_000
#: At least this many chunks when there are enough points (load balance, resume granularity).
MIN_CHUNKS = 32


def point_seed(spec: SweepSpec, point: int) -> int:
    """The seed of point ``point``: the root seed under common random numbers, else a
    ``SeedSequence([root, point])`` draw (63 bits)."""
    if spec.common_random_numbers:
        return spec.seed
    state = np.random.SeedSequence([spec.seed, point]).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def default_chunk_points(spec: SweepSpec, n_points: int) -> int:
    """Points per chunk: about ``TARGET_CHUNK_WORK`` replication-weeks, and at least
    ``MIN_CHUNKS`` chunks. Depends on the spec only, never on the workers."""
    by_work = max(1, round(TARGET_CHUNK_WORK / (spec.replications * spec.horizon_weeks)))
    by_count = max(1, math.ceil(n_points / MIN_CHUNKS))
    return int(min(by_work, by_count, 10_000))


@dataclass
class SweepPlan:
    """The points of a sweep and how they are cut into chunks."""

    spec: SweepSpec
    design: np.ndarray
    chunk_points: int

    @property
    def n_points(self) -> int:
        return len(self.design)

    @property
    def n_chunks(self) -> int:
        return math.ceil(self.n_points / self.chunk_points)

    @property
    def runs(self) -> int:
        return self.n_points * self.spec.replications

    def chunk_range(self, chunk: int) -> range:
        lo = chunk * self.chunk_points
        return range(lo, min(self.n_points, lo + self.chunk_points))

    def values(self, point: int) -> dict[str, Any]:
        return samplers.point_values(self.spec, self.design[point])

    def task(self, chunk: int) -> ChunkTask:
        s = self.spec
        base_data = s.base.to_dict()
        pts = tuple((i, point_seed(s, i), self.values(i)) for i in self.chunk_range(chunk))
        return ChunkTask(chunk, s.base.hash(), base_data, s.replications, s.horizon_weeks, s.outcomes, pts)

    def budget(self) -> str:
        """The run budget line printed before a sweep starts."""
        s = self.spec
        d = len(s.parameters)
        how = {"grid": "full grid", "lhs": f"Latin hypercube of {s.points}",
               "sobol": f"Sobol'/Saltelli N={s.points}{', second order' if s.second_order else ''}",
               "morris": f"Morris r={s.points} trajectories, {s.morris_levels} levels"}[s.sampler]
        return (f"sweep {s.name}: {how}, {d} parameter{'s' if d != 1 else ''} -> {self.n_points:,} points x "
                f"{s.replications:,} replications = {self.runs:,} runs of {s.horizon_weeks} weeks "
                f"({self.n_chunks:,} chunks of {self.chunk_points} points; "
                f"{'common random numbers' if s.common_random_numbers else 'independent seeds per point'})")


def plan_sweep(spec: SweepSpec, chunk_points: int | None = None) -> SweepPlan:
    design = samplers.design(spec)
    n = len(design)
    return SweepPlan(spec, design, int(chunk_points or spec.chunk_points or default_chunk_points(spec, n)))


@dataclass
class SweepResult:
    """What a finished (or interrupted-and-recorded) sweep reports."""

    folder: Path
    plan: SweepPlan
    executor: ExecutorInfo | None
    chunks_run: int
    chunks_skipped: int
    runs_done: int
    points_ok: int
    points_failed: int
    elapsed_s: float
    errors: list[str] = field(default_factory=list)
    busy_s: float = 0.0  # sum over chunks of the time workers spent computing them

    @property
    def points_path(self) -> Path:
        return self.folder / "points.parquet"

    def summary(self) -> str:
        per_run = self.elapsed_s / self.runs_done * 1e3 if self.runs_done else float("nan")
        where = self.executor.describe() if self.executor else "no workers needed"
        lines = [f"{self.plan.spec.name}: {self.runs_done:,} runs ({self.chunks_run:,} chunks; "
                 f"{self.chunks_skipped:,} already done) on {where} in {self.elapsed_s:.2f} s"
                 + (f", {per_run:.3f} ms per run" if self.runs_done else ""),
                 f"points: {self.points_ok:,} ok, {self.points_failed:,} failed"
                 + (" (retried by --resume)" if self.points_failed else "")]
        for e in self.errors[:5]:
            lines.append(f"  failed: {e}")
        lines.append(f"results: {self.folder}/points.parquet")
        return "\n".join(lines)

    def to_pandas(self):
        import pandas as pd

        return pd.read_parquet(self.points_path)


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {"ceasefire-sim": __version__, "python": sys.version.split()[0]}
    for pkg in ("numpy", "scipy", "mesa", "SALib", "pyarrow", "pandas", "dask", "distributed"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    return out


def _prepare_folder(store: storage.SweepStore, plan: SweepPlan, resume: bool, force: bool
                    ) -> tuple[dict, set[int], bool]:
    """Check the folder; return the manifest, the finished chunks, and whether it is new
    (then nothing is written until the executor is up: see :func:`_start`)."""
    spec = plan.spec
    clean_stale(store.folder)   # staging/replaced folders of killed commands next to it
    old = store.manifest() if store.exists() else None
    if store.exists() and not resume:
        if not force:
            raise RunExistsError(f"{store.folder} already exists; pass --resume to continue that sweep, "
                                 f"--force to start again, or --out DIR for another folder")
        store.remove()
        old = None
    if old is not None:
        if old.get("kind") != "sweep":
            raise RunExistsError(f"{store.folder} is not a sweep results folder; choose another --out")
        if old.get("spec_sha256") != spec.hash():
            raise RunExistsError(f"{store.folder} holds a different sweep (spec hash {old.get('spec_sha256', '?')[:12]}, "
                                 f"this file {spec.hash()[:12]}); pass --force to start again, or --out DIR")
        if old.get("version") != __version__:
            raise RunExistsError(f"{store.folder} was made by ceasefire-sim {old.get('version')}, this is "
                                 f"{__version__}; results would mix versions: pass --force to start again")
        if old.get("chunk_points") != plan.chunk_points:
            plan.chunk_points = int(old["chunk_points"])  # resume cuts chunks as the first session did
        store.clean_temporary()
        status = store.chunk_status()
        done = {c for c, (ok, failed) in status.items() if failed == 0 and c < plan.n_chunks
                and ok == len(plan.chunk_range(c))}
        return old, done, False
    if store.exists() and not any(store.folder.iterdir()):
        store.folder.rmdir()
    elif store.exists():  # --resume of a folder killed before its manifest: start it again
        store.remove()
    manifest = {
        "kind": "sweep", "package": "ceasefire-sim", "version": __version__, "sweep": spec.name,
        "sweep_file": spec.file, "scenario_file": spec.scenario_file, "spec_sha256": spec.hash(),
        "scenario_sha256": spec.base.hash(), "root_seed": spec.seed,
        "common_random_numbers": spec.common_random_numbers, "sampler": spec.sampler,
        "parameters": spec.names, "outcomes": list(spec.outcomes), "n_points": plan.n_points,
        "replications": spec.replications, "horizon_weeks": spec.horizon_weeks, "runs": plan.runs,
        "chunk_points": plan.chunk_points, "n_chunks": plan.n_chunks, "status": "running",
        "versions": _versions(),
        "platform": {"implementation": platform.python_implementation(), "machine": platform.machine(),
                     "system": platform.system()},
        "sessions": [],
    }
    return manifest, set(), True


def _start(store: storage.SweepStore, plan: SweepPlan, manifest: dict, fresh: bool) -> None:
    if fresh:
        store.create(plan.spec, plan.design)
    manifest["status"] = "running"
    store.write_manifest(manifest)


def run_sweep(spec: SweepSpec | str | Path, *, out: str | Path | None = None, results_root: str | Path = "results",
              executor: str | cf.Executor = "local", workers: int | None = None, address: str | None = None,
              resume: bool = False, force: bool = False, chunk_points: int | None = None,
              progress: bool = False, plan: SweepPlan | None = None,
              on_chunk: Callable[[int, int], None] | None = None) -> SweepResult:
    """Run a sweep into ``results/<name>/`` (or ``out``) and return its summary.

    Parameters
    ----------
    spec : SweepSpec or path of a sweep file
    executor : ``'local'`` (process pool; in-process for one worker), ``'dask'``, or any
        ``concurrent.futures.Executor`` (used as is, not shut down)
    workers : local pool size or local Dask cluster size (default: all cores)
    address : Dask scheduler address, e.g. ``tcp://10.0.0.5:8786``
    resume : continue an interrupted sweep: finished chunks are skipped, failed points rerun
    force : delete an existing results folder of a sweep and start again
    progress : tqdm progress bar on stderr (runs/s, ETA, failures)
    on_chunk : called with ``(chunk, failed points)`` after each part is written
    """
    if not isinstance(spec, SweepSpec):
        spec = load_sweep(spec)
    if plan is None:
        plan = plan_sweep(spec, chunk_points)
    folder = Path(out) if out is not None else Path(results_root) / spec.name
    store = storage.SweepStore(folder)
    manifest, done, fresh = _prepare_folder(store, plan, resume, force)
    todo = [c for c in range(plan.n_chunks) if c not in done]
    if not todo:
        _start(store, plan, manifest, fresh)
    started_session = False

    t0 = time.perf_counter()
    started = time.time()
    failed_points, errors, runs_done, busy = 0, [], 0, 0.0
    info: ExecutorInfo | None = None
    bar = _progress_bar(sum(len(plan.chunk_range(c)) for c in todo) * spec.replications, progress, spec.name)
    try:
        if todo:
            kind = executor if isinstance(executor, str) else "given"
            given = None if isinstance(executor, str) else executor
            with open_executor(kind, workers, address, given) as (ex, info):
                _start(store, plan, manifest, fresh)   # only once the executor is up
                started_session = True
                tasks = (plan.task(c) for c in todo)
                for task, result, error in run_unordered(ex, run_chunk, tasks, window=2 * info.workers + 1):
                    if error is not None:  # the whole chunk was lost (worker died, pool broken)
                        rows = [{"point": i, "status": "failed", "error": f"chunk lost: {type(error).__name__}: {error}"}
                                for i, _, _ in task.points]
                    else:
                        rows = result.rows
                        busy += result.elapsed_s
                    values = {i: v for i, _, v in task.points}
                    seeds = {i: s for i, s, _ in task.points}
                    store.write_part(task.chunk, storage.part_table(spec, task.chunk, rows, values, seeds))
                    bad = [r for r in rows if r["status"] != "ok"]
                    failed_points += len(bad)
                    errors += [f"point {r['point']}: {r['error']}" for r in bad][:max(0, 100 - len(errors))]
                    runs_done += len(rows) * spec.replications
                    if bar is not None:
                        bar.update(len(rows) * spec.replications)
                        bar.set_postfix(failed=failed_points, refresh=False)
                    if on_chunk is not None:
                        on_chunk(task.chunk, len(bad))
    finally:
        if bar is not None:
            bar.close()
        elapsed = time.perf_counter() - t0
        if started_session:
            manifest.setdefault("sessions", []).append({
                "started_unix": round(started, 3), "executor": info.kind if info else None,
                "workers": info.workers if info else None, "address": info.address if info else None,
                "chunks_planned": len(todo), "runs_done": runs_done, "elapsed_s": round(elapsed, 4),
                "worker_busy_s": round(busy, 4),
                "runs_per_s": round(runs_done / elapsed, 1) if elapsed > 0 and runs_done else None,
                "command": " ".join(sys.argv), "completed": runs_done == sum(
                    len(plan.chunk_range(c)) for c in todo) * spec.replications})
            manifest["status"] = "interrupted"
            store.write_manifest(manifest)

    status = store.chunk_status()
    ok = sum(v[0] for v in status.values())
    failed = sum(v[1] for v in status.values())
    all_parts = all(c in status for c in range(plan.n_chunks))
    if all_parts:
        store.assemble(spec, range(plan.n_chunks))
    manifest["status"] = "complete" if all_parts and failed == 0 else ("failed_points" if all_parts else "incomplete")
    manifest["points_ok"], manifest["points_failed"] = ok, failed
    total = sum(s.get("elapsed_s", 0) for s in manifest.get("sessions", []))
    manifest["timings_s"] = {"elapsed_total": round(total, 4), "last_session": round(elapsed, 4)}
    hashes = file_hashes(store.folder, skip=("analysis",))   # sweep-analyze writes its own manifest
    manifest["files"], manifest["sha256"] = [*hashes, "manifest.json"], hashes
    store.write_manifest(manifest)
    return SweepResult(folder, plan, info, len(todo), len(done), runs_done, ok, failed, elapsed, errors, busy)


def _progress_bar(total: int, enabled: bool, name: str):
    if not enabled or total == 0:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is in the [sweep] extra
        return None
    bar = tqdm(total=total, unit="run", unit_scale=True, desc=name, file=sys.stderr, dynamic_ncols=True,
               smoothing=0.1, disable=not sys.stderr.isatty())
    bar.set_postfix(failed=0, refresh=False)
    return bar


def sweep(spec: SweepSpec | str | Path | dict, **kwargs):
    """Run a sweep and return its points table as a pandas DataFrame (one row per point).

    ``spec`` is a sweep file, a :class:`SweepSpec`, or the same keys as a sweep file in a
    dict (``scenario`` may then be a :class:`~sim.scenario.schema.Scenario` or a path). Keyword
    arguments are those of :func:`run_sweep`; the folder is ``results/<name>/`` unless
    ``out=`` says otherwise.

    >>> import sim                                                      # doctest: +SKIP
    >>> df = sim.sweep("scenarios/sweeps/attrition.yaml", workers=2)    # doctest: +SKIP
    """
    from sim.sweeps.spec import sweep_from_data

    if isinstance(spec, dict):
        spec = sweep_from_data(spec)
    result = run_sweep(spec, **kwargs)
    if not result.points_path.exists():
        raise InputError.single(str(result.folder), None, "", "the sweep did not finish; run it again with resume=True")
    return result.to_pandas()
