"""``run``: one scenario -> one results folder (resolved scenario, manifest, tables, figures).

The folder is staged and renamed into place (:mod:`sim.output.results`), so it is either complete
or absent. Same scenario + seed + version -> same bytes in ``outcomes.csv`` and
``summary.json``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from sim.output import resources, results
from sim.engine.simulate import iter_chunks, resolve_run
from sim.engine.outcomes import Outcomes
from sim.output.summary import summarize
from sim.scenario.schema import Scenario, load_scenario


@dataclass
class RunResult:
    folder: Path
    scenario: Scenario
    outcomes: Outcomes
    summary: dict
    timings: dict


class _Keeper:
    """The outcome columns (and trajectories) a run keeps in memory, filled chunk by chunk.

    Arrays are allocated once for all R replications, so joining chunks never doubles the
    memory. ``keep_all=False`` keeps only :data:`sim.output.resources.SUMMARY_COLUMNS`.
    """

    def __init__(self, total: int, horizon: int, keep_all: bool, trajectories: bool):
        self.total, self.horizon, self.keep_all = total, horizon, keep_all
        self.columns: dict[str, np.ndarray] | None = None
        self.paths = np.empty((horizon + 1, total), dtype=np.float32) if trajectories else None
        self.filled = 0
        self.red_lines = None
        # per offer {actor: {part: array}}, NaN until filled; the first KEEP_ALL_MAX replications only
        self.margins: list[dict] = []
        self.margin_rows = resources.margin_rows(total)
        self.margin_weeks = None

    def add(self, part: Outcomes) -> None:
        if self.columns is None:
            names = [k for k in part.columns if self.keep_all or resources.is_summary_column(k)]
            self.red_lines = part.extra.get("red_lines")
            self.columns = {k: np.empty(self.total, dtype=part.columns[k].dtype) for k in names}
            self.margin_weeks = part.extra.get("margin_weeks")
        lo, hi = self.filled, min(self.filled + part.n, self.margin_rows)
        for i, rec in enumerate(part.extra.get("margins", [])):
            if i == len(self.margins):
                self.margins.append({})
            for a, parts in rec.items():
                for k, v in parts.items():
                    kept = self.margins[i].setdefault(a, {}).setdefault(k, np.full(self.margin_rows, np.nan))
                    if hi > lo:
                        kept[lo:hi] = v[:hi - lo]
        lo, hi = self.filled, self.filled + part.n
        for k, col in self.columns.items():
            col[lo:hi] = part.columns[k]
        if self.paths is not None:
            self.paths[:, lo:hi] = part.territory_path
        self.filled = hi

    def outcomes(self, seed: int) -> Outcomes:
        assert self.columns is not None and self.filled == self.total
        extra = {"all_columns": self.keep_all}
        if self.red_lines is not None:
            extra["red_lines"] = self.red_lines
        if self.margin_weeks is not None:
            extra["margins"], extra["margin_weeks"] = self.margins, self.margin_weeks
        return Outcomes(self.columns, self.horizon, seed, self.paths, extra=extra)


def run_scenario(scenario: Scenario | str | Path, *, out: str | Path | None = None,
                 results_root: str | Path = "results", force: bool = False,
                 replications: int | None = None, seed: int | None = None,
                 horizon_weeks: int | None = None, figures: bool = True,
                 progress: Callable[[int], None] | None = None,
                 extra_files: Callable[[Path, "RunResult"], None] | None = None,
                 max_memory: int | None = None, chunk_size: int | None = None,
                 trajectories: bool = True, figure_worker=None, csv_draws: bool | None = None) -> RunResult:
    """Run a scenario and write ``results/<name>/`` (or ``out``).

    ``extra_files(folder, result)`` may add files (e.g. an HTML report) before the folder
    is moved into place.

    The run is planned within ``max_memory`` bytes (default: half the physical memory,
    :mod:`sim.output.resources`; a run that cannot fit raises InputError before anything starts)
    and simulated chunk by chunk; each chunk is appended to ``outcomes.csv``/``.parquet``
    as soon as it is done, so the files are the same bytes whatever the chunking. Runs of
    up to :data:`sim.output.resources.KEEP_ALL_MAX` replications keep every outcome column in
    ``result.outcomes``; larger ones keep the columns the summary and figures read.
    Weekly trajectories are recorded only when ``trajectories`` and something uses them
    (figures or ``extra_files``).

    ``csv_draws``: whether ``outcomes.csv`` also holds the actors' draws (``param.actors.*``);
    ``outcomes.parquet`` always does. Default (None): only when no Parquet is written (no
    pyarrow), so every run's draws are in one of its tables.

    ``figure_worker`` (a started :class:`sim.figures.worker.FigureWorker`, as ``ceasefire-sim
    run`` passes) draws the figures in its own process, which imported matplotlib while this
    one simulated: they are sent to it as soon as the last chunk is simulated, and drawn while
    this process writes that chunk's tables; without it they are drawn here, after the
    tables. The PNG files are the same. ``timings["figures"]`` is how long the figures held the
    run up after the tables were written.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    scenario = resolve_run(scenario, replications, seed, horizon_weeks)
    target = Path(out) if out is not None else Path(results_root) / scenario.name
    results.check_target(target, force)
    record = bool(trajectories and (figures or extra_files is not None))
    plan = resources.plan(scenario, max_memory=max_memory, chunk_size=chunk_size, trajectories=record)
    timings = {"simulate": 0.0, "write_tables": 0.0}
    t0 = time.perf_counter()
    with results.staged_folder(target, force) as tmp:
        (tmp / "scenario.yaml").write_text(scenario.to_yaml(), encoding="utf-8")
        keeper = _Keeper(scenario.replications, scenario.horizon_weeks, plan.keep_all_columns, record)
        writer = results.OutcomesWriter(tmp, csv_draws=csv_draws)
        outcomes = summary = None
        t_submitted = None
        try:
            chunks = iter_chunks(scenario, chunk_size=plan.chunk_size, record_trajectories=record,
                                 progress=progress)
            while True:
                t1 = time.perf_counter()
                part = next(chunks, None)
                timings["simulate"] += time.perf_counter() - t1
                if part is None:
                    break
                t1 = time.perf_counter()
                keeper.add(part)
                timings["write_tables"] += time.perf_counter() - t1
                if keeper.filled == scenario.replications and figures and figure_worker is not None:
                    # the last chunk: the worker draws the figures while this process writes the tables
                    t_submitted = time.perf_counter()
                    outcomes = keeper.outcomes(scenario.seed)
                    summary = summarize(outcomes, scenario.name)
                    figure_worker.submit(outcomes, summary, scenario.title, tmp / "figures")
                t1 = time.perf_counter()
                writer.add(part)
                del part
                timings["write_tables"] += time.perf_counter() - t1
            parquet = writer.close()
        except BaseException:
            writer.abort()
            raise
        if outcomes is None:
            outcomes = keeper.outcomes(scenario.seed)
            summary = summarize(outcomes, scenario.name)
        (tmp / "summary.json").write_bytes(results.json_bytes(summary))
        result = RunResult(target, scenario, outcomes, summary, timings)
        if figures:
            t2 = time.perf_counter()
            if t_submitted is not None:
                figure_worker.result()
            elif figure_worker is not None:
                figure_worker.draw(outcomes, summary, scenario.title, tmp / "figures")
            else:
                from sim.figures import run as plots     # matplotlib only when figures are drawn

                plots.all_figures(outcomes, summary, scenario.title, tmp / "figures")
            # seconds the figures held the run up (a worker draws them while the tables are written)
            timings["figures"] = time.perf_counter() - t2
        if extra_files is not None:
            extra_files(tmp, result)
        timings["total"] = time.perf_counter() - t0
        results.write_manifest(tmp, results.manifest(scenario, outcomes, timings, {
            "kind": "run", "parquet": parquet, "csv_draws": writer.csv_draws, "chunk_size": plan.chunk_size,
            "trajectories": record,
            "memory_estimate_bytes": plan.total,
        }))
    return result
