"""The app's design view (issue 15): pick the terms to vary, press Search, see the front.

A design request is validated in the request thread (unknown scenario or term, bad
replications, too much work: HTTP 400) and queued on the same :class:`sim.app.jobs.Runner`
as the runs, so the app's bounds hold for both: one job at a time in the worker thread, at
most :data:`sim.app.jobs.MAX_PENDING` waiting (429), at most :data:`sim.app.jobs.MAX_WORK`
replication-weeks (packages x replications x weeks) and :data:`MAX_PACKAGES` packages per
search. The search is exhaustive, in-process, with :func:`sim.design.runner.run_design` (the
engine of ``ceasefire-sim design``: same seed, same rows), in a temporary folder removed
afterwards; the page gets the packages, which are on the front and the distance of the
scenario's own package to it, and draws the front as SVG (``static/design.js``).

Clicking a package runs it like any scenario (:func:`package_plan`: an ordinary run job, whose
results the page shows in its Results section).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.app import controls, jobs
from sim.design import output as design_output
from sim.design import space as space_mod
from sim.design.runner import DesignConfig, make_config, run_design
from sim.scenario.errors import InputError, Problem

REQUEST = "<design request>"
#: Most packages one search may evaluate (the exhaustive search tries them all).
MAX_PACKAGES = 64
#: Replications per package: at least, at most, default.
REPLICATIONS_RANGE = (100, 2000)
DEFAULT_REPLICATIONS = 200


def terms() -> dict[str, Any]:
    """The terms the page offers to vary, with the levels each takes (the schema's)."""
    out = []
    for name in space_mod.variable_names():
        levels = space_mod.default_levels(name)
        if levels is None:
            continue
        var = space_mod.Variable(name, "", tuple(levels))
        out.append({"name": name, "levels": [var.text(x) for x in levels]})
    return {"terms": out, "max_packages": MAX_PACKAGES, "replications": {
        "lo": REPLICATIONS_RANGE[0], "hi": REPLICATIONS_RANGE[1], "default": DEFAULT_REPLICATIONS}}


@dataclass(frozen=True)
class DesignPlan:
    """A validated search, queued like a run (``runs`` is empty: nothing to download per run)."""

    key: str
    config: DesignConfig
    runs: tuple = ()

    def execute(self, job: jobs.Job) -> None:
        """Run the search in the job runner's thread, reporting progress after every batch."""
        total = self.config.space.size
        job.update(state="running", message=f"searching {total} packages of {self.key}")
        t0 = time.perf_counter()
        tmp = Path(tempfile.mkdtemp(prefix="ceasefire-sim-design-"))
        try:
            def tick(done: int, planned: int) -> None:
                job.update(progress=min(0.99, done / max(planned, 1)),
                           message=f"searching {self.key}: {done} of {planned} packages")

            result = run_design(self.config, out=tmp / "design", workers=1, write_outputs=False, progress=tick)
            table = design_output.table(result)
            found = {"kind": "design", "scenario": self.key, "objectives": [o.metric for o in self.config.objectives],
                     "senses": [o.sense for o in self.config.objectives],
                     "variables": [{"name": v.name, "levels": [v.text(x) for x in v.levels]}
                                   for v in self.config.space.variables],
                     "replications": self.config.replications, "seed": self.config.seed,
                     "packages": json.loads(table.to_json(orient="records", double_precision=15)),
                     "distance": design_output.distance_text(result, table),
                     "yaml": {int(r["package"]): design_output._scenario_yaml(result, r) for r in result.rows}}
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        job.update(charts=found, state="done", progress=1.0, seconds={"design": time.perf_counter() - t0},
                   message=f"{len(found['packages'])} packages in {time.perf_counter() - t0:.1f} s")

    def result(self, job: jobs.Job) -> dict[str, Any]:
        found = {k: v for k, v in job.charts.items() if k != "yaml"}
        return {**found, "run": f"/api/design/{job.id}/run"}


def plan(library, body: Any) -> DesignPlan:
    """Validate ``{"scenario": key, "vary": [terms], "replications": n, "seed": s}``."""
    if not isinstance(body, dict):
        raise InputError.single(REQUEST, None, "", "expected a JSON object")
    problems: list[Problem] = []
    key = body.get("scenario")
    scenario = None
    if not isinstance(key, str):
        problems.append(Problem(REQUEST, None, "scenario", "choose the scenario whose first offer is designed"))
    else:
        try:
            scenario = library.get(key)
        except InputError as exc:
            problems.extend(exc.problems)
    vary = body.get("vary")
    if not isinstance(vary, list) or not vary or not all(isinstance(v, str) for v in vary):
        problems.append(Problem(REQUEST, None, "vary", "tick at least one term to vary"))
        vary = None
    reps = body.get("replications", DEFAULT_REPLICATIONS)
    lo, hi = REPLICATIONS_RANGE
    if not (isinstance(reps, int) and not isinstance(reps, bool) and lo <= reps <= hi):
        problems.append(Problem(REQUEST, None, "replications", f"expected a whole number between {lo} and {hi}, "
                                                               f"got {reps!r:.40}"))
        reps = None
    seed = body.get("seed")
    if seed is not None and seed != "":
        try:
            seed = int(seed)
            if not 0 <= seed <= 2**63 - 1:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(Problem(REQUEST, None, "seed", f"expected a whole number from 0, got {seed!r:.40}"))
            seed = None
    else:
        seed = None
    if problems:
        raise InputError(problems)
    try:
        config = make_config(scenario, vary=vary, replications=reps, seed=seed, search_method="exhaustive")
    except InputError as exc:          # said in the words of the page, not of the command line
        raise InputError([Problem(REQUEST, None, "vary" if p.key.startswith("--vary") else p.key,
                                  p.message) for p in exc.problems]) from None
    size = config.space.size
    if size > MAX_PACKAGES:
        raise InputError.single(REQUEST, None, "vary", (
            f"these terms make {size:,} packages; at most {MAX_PACKAGES} are searched in the app: tick fewer terms, "
            "or run `ceasefire-sim design` (NSGA-II for large spaces)"))
    work = size * config.replications * config.horizon_weeks
    if work > jobs.MAX_WORK:
        raise InputError.single(REQUEST, None, "replications", (
            f"this search asks for {work:,} replication-weeks (packages x replications x weeks); at most "
            f"{jobs.MAX_WORK:,} are allowed in the app: choose fewer replications or terms"))
    return DesignPlan(key, config)


def package_plan(job: jobs.Job | None, body: Any) -> jobs.Plan:
    """A run of one package of a finished search (an ordinary run job)."""
    if job is None or not isinstance(job.plan, DesignPlan) or job.state != "done":
        raise InputError.single(REQUEST, None, "job", "no finished design search with this id")
    pid = body.get("package") if isinstance(body, dict) else None
    yaml_by_id = job.charts.get("yaml", {})
    if not isinstance(pid, int) or isinstance(pid, bool) or pid not in yaml_by_id:
        raise InputError.single(REQUEST, None, "package", f"expected a package id of this search (0 to "
                                                           f"{len(yaml_by_id) - 1}), got {pid!r:.40}")
    from sim.app import library as library_mod

    scenario = library_mod.parse_pasted(yaml_by_id[pid])
    settings = controls.Settings({}, scenario.replications, scenario.seed)
    return jobs.Plan((jobs.PlannedRun(f"{design_output.label(pid)}", controls.apply(scenario, settings)),), settings)

