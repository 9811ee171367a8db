"""``ceasefire-sim run SCENARIO``: simulate one scenario and write its results folder."""

from __future__ import annotations

from ..runner import run_scenario
from ..tables import format_summary
from .common import add_run_options, check_horizon


def register(sub) -> None:
    p = sub.add_parser("run", help="run a scenario and write results/<name>/",
                       description="Run a scenario file; print a summary table and write results/<name>/ "
                                   "(scenario.yaml, manifest.json, outcomes.csv/.parquet, summary.json, figures/).")
    p.add_argument("scenario", help="scenario YAML file, e.g. scenarios/freeze.yaml")
    add_run_options(p)
    p.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    p.set_defaults(handler=main)


def main(args) -> int:
    check_horizon(args)
    result = run_scenario(args.scenario, out=args.out, force=args.force, replications=args.replications,
                          seed=args.seed, horizon_weeks=args.horizon_weeks, figures=not args.no_figures)
    print(format_summary(result.summary, result.scenario.title))
    print(f"\nresults written to {result.folder}/ in {result.timings['total']:.2f} s "
          f"(simulation {result.timings['simulate']:.2f} s)")
    return 0
