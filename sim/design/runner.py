"""Run a design: search the space, evaluate packages in parallel, keep parts, resume.

::

    results/<scenario>-design/
      manifest.json          design hash, seed, search, status, SHA-256 of every file
      parts/batch-000012.parquet   one part per finished batch of packages (atomic)
      packages.parquet/.csv, pareto.csv, pareto/<package>.yaml, figures/pareto.png, report.html

A part is written (temporary name + rename, :func:`sim.output.results.atomic_write`) when
its batch is done, so a kill leaves whole parts only. ``resume`` reads the parts back as a
cache and runs the search again: an exhaustive search skips the packages it finds, and
NSGA-II (seeded) replays the same generations, taking the saved rows instead of running
them, so the resumed table equals the uninterrupted one row for row.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim import __version__
from sim.design import objectives as objectives_mod
from sim.design import search
from sim.design.evaluate import BatchTask, run_batch
from sim.design.objectives import Constraint, Objective
from sim.design.space import DEFAULT_BUDGET, DEFAULT_REPLICATIONS, DesignSpace
from sim.scenario.errors import RunExistsError
from sim.sweeps.executors import ExecutorInfo, open_executor, run_unordered
from sim.sweeps.storage import SweepStore

PART_PREFIX = "batch-"


@dataclass(frozen=True)
class DesignConfig:
    """Everything that determines a design's results."""

    space: DesignSpace
    objectives: tuple[Objective, ...]
    constraints: tuple[Constraint, ...] = ()
    replications: int = DEFAULT_REPLICATIONS
    seed: int = 0
    horizon_weeks: int = 156
    budget: int = DEFAULT_BUDGET
    search: str = "auto"
    name: str = ""

    @property
    def method(self) -> str:
        return search.choose(self.space, self.budget, self.search)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario_sha256": self.space.base.hash(), "scenario": self.space.base.name,
            "variables": {v.name: [list(x) if isinstance(x, tuple) else x for x in v.levels]
                          for v in self.space.variables},
            "objectives": [f"{o.metric}:{o.sense}" for o in self.objectives],
            "constraints": [c.text for c in self.constraints], "replications": self.replications,
            "seed": self.seed, "horizon_weeks": self.horizon_weeks, "budget": self.budget,
            "search": self.method,
        }

    def hash(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class DesignStore(SweepStore):
    """The results folder of a design (a sweep folder's lifecycle, with batch parts)."""

    kind = "design"

    def part_path(self, chunk: int) -> Path:
        return self.parts / f"{PART_PREFIX}{chunk:06d}.parquet"

    def read_parts(self) -> list[dict[str, Any]]:
        import pyarrow.parquet as pq

        rows = []
        for f in sorted(self.parts.glob(f"{PART_PREFIX}*.parquet")):
            try:
                rows += pq.read_table(f).to_pylist()
            except Exception:  # noqa: BLE001 - an unreadable part is run again
                continue
        return rows


def _key(index: tuple[int, ...]) -> str:
    return "-".join(str(i) for i in index)


@dataclass
class DesignResult:
    folder: Path
    config: DesignConfig
    rows: list[dict[str, Any]]            # one per package, in id order (index, metrics)
    executor: ExecutorInfo | None
    evaluated_now: int
    reused: int
    elapsed_s: float
    files: dict[str, str] = field(default_factory=dict)


class _Evaluator:
    """Assigns package ids in the order the search asks, and evaluates the new ones."""

    def __init__(self, config: DesignConfig, store: DesignStore, cache: dict[str, dict], executor: cf.Executor,
                 workers: int, batch_packages: int | None, progress=None, total: int = 0):
        self.config, self.store, self.cache = config, store, cache
        self.progress, self.total = progress, total
        self.executor, self.workers, self.batch_packages = executor, workers, batch_packages
        self.ids: dict[str, int] = {}
        self.order: list[tuple[int, ...]] = []
        self.evaluated_now = 0
        self.busy_s = 0.0
        base = config.space.base
        self.base_hash, self.base_data = base.hash(), base.to_dict()

    def count(self) -> int:
        return len(self.order)

    def __call__(self, indices: list[tuple[int, ...]]) -> list[dict[str, Any]]:
        todo = []
        for idx in indices:
            k = _key(idx)
            if k not in self.ids:
                self.ids[k] = len(self.order)
                self.order.append(idx)
                if k not in self.cache:
                    todo.append(idx)
        self._run(todo)
        return [self.cache[_key(idx)] for idx in indices]

    def _run(self, todo: list[tuple[int, ...]]) -> None:
        if not todo:
            return
        c = self.config
        # about 8 batches per worker, so the last ones leave little idle time (issue 18: with 3 per
        # worker, two workers spent a quarter of the run waiting)
        size = self.batch_packages or max(1, min(16, math.ceil(len(todo) / (8 * self.workers))))
        tasks = []
        for lo in range(0, len(todo), size):
            group = todo[lo:lo + size]
            packages = tuple((self.ids[_key(i)], c.space.changes(c.space.package(i))) for i in group)
            tasks.append(BatchTask(packages[0][0], self.base_hash, self.base_data, c.replications, c.seed,
                                   c.horizon_weeks, packages))
        index_of = {self.ids[_key(i)]: i for i in todo}
        for task, result, error in run_unordered(self.executor, run_batch, tasks, window=2 * self.workers + 1):
            if error is not None:
                raise error
            rows = []
            for r in result.rows:
                idx = index_of[r["package"]]
                rows.append({"key": _key(idx), **{f"idx_{v.name}": i for v, i in zip(c.space.variables, idx)}, **r})
            self.store.write_part(task.chunk, _table(rows))
            for r in rows:
                self.cache[r["key"]] = r
            self.evaluated_now += len(rows)
            self.busy_s += result.elapsed_s
            if self.progress is not None:
                self.total = max(self.total, self.evaluated_now)
                self.progress(self.evaluated_now, self.total)


def _table(rows: list[dict[str, Any]]):
    import pyarrow as pa

    return pa.Table.from_pylist(rows)


def _prepare(store: DesignStore, config: DesignConfig, resume: bool, force: bool) -> dict[str, dict]:
    """Check the folder; return the cache of packages already evaluated (resume)."""
    if store.exists() and not resume:
        if not force:
            raise RunExistsError(f"{store.folder} already exists; pass --resume to continue that design, --force "
                                 f"to start again, or --out DIR for another folder")
        store.remove()
    if not store.exists():
        return {}
    old = store.manifest()
    if old is None or old.get("kind") != "design":
        raise RunExistsError(f"{store.folder} is not a design results folder; choose another --out")
    if old.get("design_sha256") != config.hash():
        raise RunExistsError(f"{store.folder} holds a different design (hash {str(old.get('design_sha256'))[:12]}, "
                             f"this one {config.hash()[:12]}); pass --force to start again, or --out DIR")
    if old.get("version") != __version__:
        raise RunExistsError(f"{store.folder} was made by ceasefire-sim {old.get('version')}, this is "
                             f"{__version__}: pass --force to start again")
    store.clean_temporary()
    return {r["key"]: r for r in store.read_parts()}


def run_design(config: DesignConfig, *, out: str | Path | None = None, results_root: str | Path = "results",
               executor: str | cf.Executor = "local", workers: int | None = None, address: str | None = None,
               resume: bool = False, force: bool = False, batch_packages: int | None = None,
               write_outputs: bool = True, progress=None) -> DesignResult:
    """Search the space of ``config`` and write ``results/<scenario>-design/`` (or ``out``).

    ``progress(done, total)`` is called after each batch: packages run in this session, and
    those the search will run at most (:func:`planned_packages`; NSGA-II may stop earlier).
    """
    folder = Path(out) if out is not None else Path(results_root) / f"{config.name or config.space.base.name}-design"
    store = DesignStore(folder)
    cache = _prepare(store, config, resume, force)
    reused = len(cache)
    manifest = {"kind": "design", "package": "ceasefire-sim", "version": __version__,
                "design_sha256": config.hash(), "design": config.to_dict(), "status": "running",
                "command": " ".join(sys.argv)}
    t0 = time.perf_counter()
    kind = executor if isinstance(executor, str) else "given"
    given = None if isinstance(executor, str) else executor
    with open_executor(kind, workers, address, given) as (ex, info):
        store.parts.mkdir(parents=True, exist_ok=True)
        store.write_manifest(manifest)
        ev = _Evaluator(config, store, cache, ex, info.workers, batch_packages, progress,
                        max(0, planned_packages(config) - reused))
        shipped = config.space.index_of(config.space.shipped())
        if config.method == "exhaustive":
            # the scenario's own package first (id 0), in the same batches as the rest: evaluating
            # it alone first would leave every worker but one idle meanwhile (issue 18)
            search.exhaustive(config.space, lambda indices: ev(([shipped] if shipped is not None else []) + indices))
        else:
            if shipped is not None:
                ev([shipped])
            search.nsga2(config.space, config.objectives, config.constraints, config.budget, config.seed, ev, ev.count)
    elapsed = time.perf_counter() - t0
    rows = []
    for pid, idx in enumerate(ev.order):
        r = dict(cache[_key(idx)])
        r["package"] = pid
        rows.append(r)
    result = DesignResult(folder, config, rows, info, ev.evaluated_now, reused, elapsed)
    manifest.update({"status": "complete", "packages": len(rows), "evaluated_this_session": ev.evaluated_now,
                     "reused_from_parts": len(rows) - ev.evaluated_now, "search": config.method,
                     "executor": info.kind, "workers": info.workers,
                     "timings_s": {"last_session": round(elapsed, 4), "worker_busy": round(ev.busy_s, 4)},
                     "shipped_on_grid": shipped is not None})
    if write_outputs:
        from sim.design import output

        result.files = output.write_all(result)
        manifest["files_sha256"] = result.files
    store.write_manifest(manifest)
    return result


def planned_packages(config: DesignConfig) -> int:
    """Packages a design evaluates at most: the whole space (exhaustive) or the budget (NSGA-II),
    plus the scenario's own package when it lies on the grid."""
    size = config.space.size
    return size if config.method == "exhaustive" else min(size, config.budget + 1)


def make_config(scenario, *, vary=None, objectives=None, constraints=None, replications: int | None = None,
                budget: int | None = None, seed: int | None = None, horizon_weeks: int | None = None,
                search_method: str | None = None, name: str | None = None) -> DesignConfig:
    """A validated design from a scenario (a :class:`~sim.scenario.schema.Scenario`, a scenario
    file or a design file) and the command-line settings (which win over a design file's)."""
    from sim.design import space as space_mod
    from sim.scenario.schema import Scenario, load_scenario

    settings: dict[str, Any] = {}
    file = "<command line>"
    if isinstance(scenario, Scenario):
        space = space_mod.parse_vary(scenario, vary)
    elif space_mod.is_design_file(scenario) or space_mod.has_design_section(scenario):
        d = space_mod.load_design(scenario)       # a design file, or a scenario's design: section
        settings, file = d.settings, d.file
        space = d.space if vary is None else space_mod.parse_vary(d.space.base, vary)
        name = name or d.name
    else:
        space = space_mod.parse_vary(load_scenario(scenario), vary)
    horizon = horizon_weeks or settings.get("horizon_weeks") or space.base.horizon_weeks
    metrics = objectives_mod.registry(horizon)
    if objectives is None and "objectives" in settings:
        objs = objectives_mod.parse_objectives(settings["objectives"], metrics, file, settings.get("objectives_lines"),
                                               settings.get("key_prefix", "") + "objectives")
    else:
        objs = objectives_mod.parse_objectives(objectives, metrics)
    if constraints is None and "constraints" in settings:
        cons = objectives_mod.parse_constraints(settings["constraints"], metrics, file,
                                                settings.get("constraints_lines"), settings.get("key_prefix", "") + "constraints")
    else:
        cons = objectives_mod.parse_constraints(constraints, metrics)
    return DesignConfig(space=space, objectives=objs, constraints=cons,
                        replications=replications or settings.get("replications") or DEFAULT_REPLICATIONS,
                        seed=space.base.seed if seed is None and "seed" not in settings else
                        (seed if seed is not None else settings["seed"]),
                        horizon_weeks=horizon, budget=budget or settings.get("budget") or DEFAULT_BUDGET,
                        search=search_method or settings.get("search") or "auto", name=name or "")


def design(scenario, *, vary=None, objectives=None, constraints=None, replications=None, budget=None, seed=None,
           horizon_weeks=None, search_method=None, **run_kwargs):
    """Search the packages of ``scenario``'s first offer; return the packages table (DataFrame).

    >>> import sim                                                                  # doctest: +SKIP
    >>> df = sim.design("scenarios/freeze.yaml", vary="monitoring,guarantees",      # doctest: +SKIP
    ...                 objectives="p_agreed,p_holds_3y", replications=500)
    >>> df[df.on_front]                                                              # doctest: +SKIP

    Keyword arguments after the design settings go to :func:`run_design` (``out``,
    ``workers``, ``executor``, ``resume``, ``force``, ...).
    """
    from sim.design import output

    config = make_config(scenario, vary=vary, objectives=objectives, constraints=constraints,
                         replications=replications, budget=budget, seed=seed, horizon_weeks=horizon_weeks,
                         search_method=search_method)
    return output.table(run_design(config, **run_kwargs))
