"""``ceasefire-sim calibrate FILE``: infer the uncertain parameters from the record (ABC-SMC).

Writes ``results/<name>-calibration/`` (posterior.parquet, tables, figures, report.html,
manifest.json); any scenario then runs on the posterior with ``priors: <posterior.parquet>``.
See docs/calibration.md.
"""

from __future__ import annotations

import time
from pathlib import Path

from sim.commands.common import Console, positive_int, seed_int


def register(sub) -> None:
    p = sub.add_parser("calibrate", help="calibrate the assumptions on the record (ABC-SMC): posterior.parquet, "
                                         "predictive checks, report",
                       description="Approximate Bayesian computation (ABC-SMC, pyabc) of the parameters named in a "
                                   "calibration file (default: every assumption and derived parameter, its range as "
                                   "the prior) from the observed targets (front speed, territory, casualty ratio, "
                                   "the offers accepted and refused, ceasefire durability). Writes "
                                   "results/<name>-calibration/: posterior.parquet, posterior_summary.csv, "
                                   "predictive.csv, generations.csv, figures/, report.html, manifest.json. Same seed, "
                                   "same posterior, for any --workers. Needs the [calibrate] extra.",
                       epilog="example: ceasefire-sim calibrate scenarios/calibration/record_2024_2025.yaml "
                              "--budget 20000 --workers 2")
    p.add_argument("file", help="a calibration file, e.g. scenarios/calibration/record_2024_2025.yaml")
    p.add_argument("--budget", type=positive_int, default=2000, metavar="N",
                   help="total model simulations (particles evaluated), default 2000; checked between "
                        "generations, so the last one may go a little past it")
    p.add_argument("--workers", type=positive_int, default=1, metavar="W",
                   help="worker processes (default 1; the result does not depend on it)")
    p.add_argument("--batch", type=positive_int, default=None, metavar="K",
                   help="particles simulated together in one vectorized run (default 64); speed and memory "
                        "only, the result does not depend on it")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local processes (default) or a Dask cluster (--address, else a local one)")
    p.add_argument("--address", default=None, help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--seed", type=seed_int, default=None, help="root random seed (default: the file's)")
    p.add_argument("--out", default=None, help="results folder (default: results/<name>-calibration)")
    p.add_argument("--force", action="store_true", help="replace an existing calibration folder")
    p.add_argument("--no-figures", action="store_true", help="tables and report only, no PNG figures")
    p.set_defaults(handler=main)


def main(args) -> int:
    from sim.calibration.inference import infer, require
    from sim.calibration.output import default_folder, write_calibration
    from sim.calibration.spec import load_calibration
    from sim.output.results import check_target, command_line
    from sim.sweeps.executors import open_executor

    ui = Console.of(args)
    cal = load_calibration(args.file)
    require()
    if args.seed is not None:
        cal.seed = int(args.seed)
    target = Path(args.out) if args.out else default_folder(cal.name)
    check_target(target, args.force)                  # refuse before computing, not after
    ui.info(f"calibrating {len(cal.priors)} parameters on {len(cal.targets)} targets "
            f"({len(cal.runs())} simulations of {cal.replications} replications per particle), "
            f"budget {args.budget:,} particles")
    timings = {}
    with open_executor(args.executor, args.workers, args.address) as (executor, where):
        t0 = time.perf_counter()
        result = infer(cal, args.budget, map_=executor.map, workers=where.workers, batch=args.batch)
        timings["inference"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        info = write_calibration(result, target, force=args.force, figures=not args.no_figures,
                                 map_=executor.map, command=command_line(), timings=timings)
        timings["checks_and_output"] = time.perf_counter() - t0
    ui.info(f"{result.simulations:,} simulations in {len(result.generations)} generations "
            f"({result.simulated:,} simulated in {result.rounds:,} vectorized rounds of >= {result.batch}) "
            f"({result.stopped_because}); {where.describe()}, {timings['inference']:.0f} s; "
            f"effective sample size {result.ess:.1f} of {len(result.weights)}")
    ui.info("most updated: " + ", ".join(f"{r['parameter']} ({r['update']:.2f})"
                                         for r in info["parameter_rows"][:5]))
    for c in info["predictive_rows"]:
        ui.info(f"  {c['target']:<30} record {c['observed_text']:<14} posterior predictive "
                f"{c['posterior_median']:.3g} ({c['posterior_q05']:.3g}-{c['posterior_q95']:.3g})")
    ui.info(f"calibration written to {target}/ (report.html; use it in a scenario with "
            f"`priors: {target / 'posterior.parquet'}`)")
    ui.timings(timings)
    return 0
