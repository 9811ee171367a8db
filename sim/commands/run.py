"""``ceasefire-sim run SCENARIO``: simulate one scenario and write its results folder."""

from __future__ import annotations

import argparse

from sim.commands.common import Console, add_run_options, check_horizon, positive_int
from sim.scenario.errors import InputError


def size(text: str) -> int:
    from sim.output.resources import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


#: Smallest ``--chunk-size``: below it the per-chunk overhead dominates (``--chunk-size 7``
#: ran 400 times slower than the default, issue 19) and memory is not the limit anyway.
MIN_CHUNK_OPTION = 100


def chunk_size(text: str) -> int:
    value = positive_int(text)
    if value < MIN_CHUNK_OPTION:
        raise argparse.ArgumentTypeError(f"expected at least {MIN_CHUNK_OPTION} replications per chunk, got {value} "
                                         f"(smaller chunks only slow the run down; results never depend on it)")
    return value


def register(sub) -> None:
    p = sub.add_parser("run", help="run a scenario and write results/<name>/",
                       description="Run a scenario file; print a summary table and write results/<name>/ "
                                   "(scenario.yaml, manifest.json, outcomes.csv/.parquet, summary.json, figures/, "
                                   "report.html).")
    p.add_argument("scenario", help="scenario YAML file, e.g. scenarios/freeze.yaml")
    add_run_options(p)
    p.add_argument("--no-figures", action="store_true", help="skip the PNG figures and report.html")
    p.add_argument("--no-trajectories", action="store_true",
                   help="do not record weekly territory paths (saves memory on huge runs; no fan chart)")
    p.add_argument("--csv-draws", action="store_true",
                   help="also write the actors' per-replication draws (param.actors.* columns) to outcomes.csv; "
                        "outcomes.parquet always has them")
    p.add_argument("--max-memory", type=size, default=None, metavar="SIZE",
                   help="refuse a run estimated to need more (e.g. 2G, 500M; default: half the physical memory)")
    p.add_argument("--chunk-size", type=chunk_size, default=None, metavar="N",
                   help=f"replications per model chunk, at least {MIN_CHUNK_OPTION:,} (default 20,000, smaller "
                        f"if memory requires); never changes results")
    p.set_defaults(handler=main)


def write_report(folder, result) -> None:
    """``report.html``: the run's self-contained report, embedding the PNGs of ``figures/`` (not redrawn)."""
    from sim.pipeline.report import ReportRun, render_report, single_run_figures

    run = ReportRun.from_result(result)
    html = render_report([run], figures=single_run_figures(run, folder / "figures"),
                         command=f"ceasefire-sim run {result.scenario.source_file or result.scenario.name} "
                                 f"--seed {result.scenario.seed} --replications {result.scenario.replications} "
                                 f"--horizon-weeks {result.scenario.horizon_weeks}")
    (folder / "report.html").write_text(html, encoding="utf-8")


def main(args) -> int:
    from sim.figures.worker import FigureWorker

    # first thing: the figure worker imports matplotlib while this process imports the engine
    # and simulates (issue 18); it is stopped on any error
    with (FigureWorker.start() if not args.no_figures else FigureWorker(None)) as worker:
        return _main(args, worker)


def _main(args, worker) -> int:
    from sim.engine.simulate import resolve_run
    from sim.output.tables import format_summary
    from sim.pipeline.runner import run_scenario
    from sim.scenario.schema import MAX_REPLICATIONS, load_scenario

    ui = Console.of(args)
    check_horizon(args)
    if args.replications is not None and args.replications > MAX_REPLICATIONS:
        raise InputError.single("<command line>", None, "--replications", f"at most {MAX_REPLICATIONS:,}")
    scenario = resolve_run(load_scenario(args.scenario), args.replications, args.seed, args.horizon_weeks)
    with ui.progress(scenario.replications, scenario.name, unit="rep", unit_scale=True) as update:
        result = run_scenario(scenario, out=args.out, force=args.force, figures=not args.no_figures,
                              extra_files=None if args.no_figures else write_report,
                              max_memory=args.max_memory, chunk_size=args.chunk_size,
                              trajectories=not args.no_trajectories, progress=update.advance,
                              figure_worker=worker, csv_draws=True if args.csv_draws else None)
    ui.info(format_summary(result.summary, result.scenario.title))
    if args.no_trajectories and not args.no_figures:
        ui.info("note: --no-trajectories: the territory fan chart was skipped")
    ui.info(f"\nresults written to {result.folder}/ in {result.timings['total']:.2f} s "
            f"(simulation {result.timings['simulate']:.2f} s)")
    ui.timings(result.timings)
    return 0
