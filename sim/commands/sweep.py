"""``ceasefire-sim sweep FILE``: run a parameter sweep locally or on a Dask cluster."""

from __future__ import annotations

import sys

from sim.commands.common import positive_int
from sim.scenario.errors import InputError


def register(sub) -> None:
    p = sub.add_parser("sweep", help="run a parameter sweep (local processes or Dask) into results/<sweep>/",
                       description="Run a sweep file (scenarios/sweeps/*.yaml): every point is the base scenario "
                                   "with some parameters changed, run for the given replications. Results stream "
                                   "to results/<sweep>/ (one Parquet part per chunk, manifest.json, points.parquet). "
                                   "Exit codes: 0 all points ok, 1 some points failed (rerun with --resume), "
                                   "2 bad input.")
    p.add_argument("sweep", help="sweep YAML file, e.g. scenarios/sweeps/attrition.yaml")
    p.add_argument("--workers", "-w", type=positive_int, default=None,
                   help="worker processes (default: all cores); with --executor dask, the local cluster size")
    p.add_argument("--executor", choices=("local", "dask"), default=None,
                   help="local process pool (default) or Dask (a local cluster unless --address is given)")
    p.add_argument("--address", default=None, help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --executor dask)")
    p.add_argument("--out", default=None, help="results folder (default: results/<sweep name>)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted sweep: skip finished chunks, retry failed points")
    p.add_argument("--force", action="store_true", help="delete the sweep's existing results folder and start again")
    p.add_argument("--chunk-points", type=positive_int, default=None,
                   help="points per task (default: about 0.5-1 s of work, at least 32 chunks)")
    p.add_argument("--dry-run", action="store_true", help="validate and print the run budget, run nothing")
    p.add_argument("--analyze", action="store_true", help="run sweep-analyze on the results when the sweep finishes")
    p.set_defaults(handler=main)


def main(args) -> int:
    from sim.sweeps.runner import plan_sweep, run_sweep
    from sim.sweeps.samplers import sobol_warnings
    from sim.sweeps.spec import load_sweep

    if args.resume and args.force:
        raise InputError.single("<command line>", None, "--resume", "--resume and --force exclude each other")
    executor = args.executor or ("dask" if args.address else "local")
    if args.address and executor != "dask":
        raise InputError.single("<command line>", None, "--address", "a scheduler address needs --executor dask")
    spec = load_sweep(args.sweep)
    plan = plan_sweep(spec, args.chunk_points)
    if not args.quiet:
        print(plan.budget())
    for w in sobol_warnings(spec):
        print(f"warning: {w}", file=sys.stderr)
    if args.dry_run:
        return 0
    try:
        result = run_sweep(spec, plan=plan, out=args.out, executor=executor, workers=args.workers,
                           address=args.address, resume=args.resume, force=args.force, progress=not args.quiet)
    except KeyboardInterrupt:
        print("\ninterrupted: finished chunks are kept; continue with the same command and --resume",
              file=sys.stderr)
        return 130
    if not args.quiet:
        print(result.summary())
    if args.analyze and result.points_failed == 0:
        from sim.commands.sweep_analyze import report

        report(result.folder, quiet=args.quiet)
    return 1 if result.points_failed else 0
