"""``run``: one scenario -> one results folder (resolved scenario, manifest, tables, figures).

The folder is staged and renamed into place (:mod:`sim.results`), so it is either complete
or absent. Same scenario + seed + version -> same bytes in ``outcomes.csv`` and
``summary.json``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import plots, results
from .api import resolve_run, simulate
from .outcomes import Outcomes, summarize
from .scenario import Scenario, load_scenario


@dataclass
class RunResult:
    folder: Path
    scenario: Scenario
    outcomes: Outcomes
    summary: dict
    timings: dict


def run_scenario(scenario: Scenario | str | Path, *, out: str | Path | None = None,
                 results_root: str | Path = "results", force: bool = False,
                 replications: int | None = None, seed: int | None = None,
                 horizon_weeks: int | None = None, figures: bool = True,
                 progress: Callable[[int], None] | None = None,
                 extra_files: Callable[[Path, "RunResult"], None] | None = None) -> RunResult:
    """Run a scenario and write ``results/<name>/`` (or ``out``).

    ``extra_files(folder, result)`` may add files (e.g. an HTML report) before the folder
    is moved into place.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    scenario = resolve_run(scenario, replications, seed, horizon_weeks)
    target = Path(out) if out is not None else Path(results_root) / scenario.name
    results.check_target(target, force)
    timings = {}
    t0 = time.perf_counter()
    outcomes = simulate(scenario, progress=progress)
    timings["simulate"] = time.perf_counter() - t0
    summary = summarize(outcomes, scenario.name)
    with results.staged_folder(target, force) as tmp:
        t1 = time.perf_counter()
        (tmp / "scenario.yaml").write_text(scenario.to_yaml(), encoding="utf-8")
        (tmp / "outcomes.csv").write_bytes(results.outcomes_csv(outcomes))
        parquet = results.write_parquet(outcomes, tmp / "outcomes.parquet")
        (tmp / "summary.json").write_bytes(results.json_bytes(summary))
        timings["write_tables"] = time.perf_counter() - t1
        result = RunResult(target, scenario, outcomes, summary, timings)
        if figures:
            t2 = time.perf_counter()
            plots.all_figures(outcomes, summary, scenario.title, tmp / "figures")
            timings["figures"] = time.perf_counter() - t2
        if extra_files is not None:
            extra_files(tmp, result)
        timings["total"] = time.perf_counter() - t0
        files = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
        (tmp / "manifest.json").write_bytes(results.json_bytes(
            results.manifest(scenario, outcomes, timings, {"parquet": parquet, "files": files + ["manifest.json"]})))
    return result
