"""``ceasefire-sim design SCENARIO``: search the offer packages both sides would accept and that last."""

from __future__ import annotations

from sim.commands.common import positive_int, seed_int
from sim.scenario.errors import InputError


def register(sub) -> None:
    p = sub.add_parser("design", help="search offer packages (Pareto front) into results/<name>-design/",
                       description="Vary the terms of the scenario's first offer and find the packages on the "
                                   "front of the objectives (e.g. acceptance, durability, territory): exhaustive "
                                   "for small spaces, NSGA-II (pymoo, the [design] extra) for large ones. Every "
                                   "package runs on the same simulated worlds (common random numbers). Writes "
                                   "packages.parquet/.csv, pareto.csv, pareto/P<id>.yaml, figures/pareto.png, "
                                   "report.html, manifest.json. Exit 2 on bad input. See docs/design.md.")
    p.add_argument("scenario", help="scenario YAML file (its first offer is designed) or a design file")
    p.add_argument("--vary", default=None, help="comma-separated terms to vary (default: every term), e.g. "
                                                "line,monitoring,guarantees,sanctions_relief,army_cap")
    p.add_argument("--objective", default=None, help="comma-separated objectives, optionally name:max or name:min "
                                                     "(default p_agreed,p_holds_3y,territory_end_median)")
    p.add_argument("--constraint", action="append", default=None,
                   help="a constraint on an estimate, e.g. 'p_accept_ukraine >= 0.5' (repeatable)")
    p.add_argument("--replications", "-n", type=positive_int, default=None, help="replications per package (default 300)")
    p.add_argument("--budget", type=positive_int, default=None, help="packages to evaluate at most (default 400; "
                                                                     "a space this small or smaller is searched exhaustively)")
    p.add_argument("--search", choices=("auto", "exhaustive", "nsga2"), default=None, help="search method (default auto)")
    p.add_argument("--seed", type=seed_int, default=None, help="the seed of every package (default: the scenario's)")
    p.add_argument("--horizon-weeks", type=positive_int, default=None, help="weeks to simulate (default: the scenario's)")
    p.add_argument("--workers", "-w", type=positive_int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--executor", choices=("local", "dask"), default=None, help="local process pool (default) or Dask")
    p.add_argument("--address", default=None, help="Dask scheduler address (implies --executor dask)")
    p.add_argument("--out", default=None, help="results folder (default: results/<scenario name>-design)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted design from its saved parts")
    p.add_argument("--force", action="store_true", help="delete the design's results folder and start again")
    p.set_defaults(handler=main)


def main(args) -> int:
    import sys

    from sim.design.output import distance_text, table
    from sim.commands.common import Console
    from sim.design.runner import make_config, planned_packages, run_design

    if args.resume and args.force:
        raise InputError.single("<command line>", None, "--resume", "--resume and --force exclude each other")
    if args.horizon_weeks is not None and args.horizon_weeks > 1040:
        raise InputError.single("<command line>", None, "--horizon-weeks", "at most 1040 weeks (20 years)")
    executor = args.executor or ("dask" if args.address else "local")
    if args.address and executor != "dask":
        raise InputError.single("<command line>", None, "--address", "a scheduler address needs --executor dask")
    config = make_config(args.scenario, vary=args.vary, objectives=args.objective, constraints=args.constraint,
                         replications=args.replications, budget=args.budget, seed=args.seed,
                         horizon_weeks=args.horizon_weeks, search_method=args.search)
    if not args.quiet:
        print(f"design {config.space.base.name}: {config.space.size:,} packages in the space, {config.method} search"
              f"{'' if config.method == 'exhaustive' else f' (budget {config.budget:,})'}, "
              f"{config.replications:,} replications x {config.horizon_weeks} weeks each\n{config.space.describe()}")
    ui = Console.of(args)
    try:
        with ui.progress(planned_packages(config), "design", unit="package") as update:
            result = run_design(config, out=args.out, executor=executor, workers=args.workers, address=args.address,
                                resume=args.resume, force=args.force, progress=update)
    except KeyboardInterrupt:
        print("\ninterrupted: finished batches are kept; continue with the same command and --resume", file=sys.stderr)
        return 130
    if not args.quiet:
        df = table(result)
        cols = ["label"] + config.space.names + [o.metric for o in config.objectives]
        print(f"{len(df)} packages ({result.evaluated_now} run now, {len(df) - result.evaluated_now} from saved "
              f"parts) in {result.elapsed_s:.1f} s on {result.executor.describe()}; front:")
        print(df.loc[df["on_front"], cols].to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        print(distance_text(result, df))
        print(f"results: {result.folder}/")
    return 0
