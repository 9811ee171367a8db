"""``ceasefire-sim sensitivity SCENARIO``: which assumptions carry a scenario's conclusions.

Sets every uncertain input to the low and high end of its range, one at a time (common
random numbers otherwise), prints the factors that move the chosen outcome most, and
writes ``results/<name>_sensitivity/`` (``sensitivity.csv``, ``sensitivity.json``,
``scenario.yaml``, ``manifest.json`` and one tornado chart per outcome in ``figures/``), atomically, never over an existing folder without ``--force``.
"""

from __future__ import annotations

from pathlib import Path

from sim.commands.common import Console, check_horizon, positive_int, seed_int
from sim.output.labels import SENSITIVITY_OUTCOMES
from sim.scenario.errors import InputError


def register(sub) -> None:
    p = sub.add_parser("sensitivity", help="one-at-a-time sensitivity of a scenario to every uncertain default",
                       description="Set each uncertain parameter, weight, term value, belief and resolve "
                                   "spread to the low and high end of its range (one at a time, common random "
                                   "numbers otherwise); print the factors that move the outcome most and write "
                                   "a table and tornado charts to results/<name>_sensitivity/.")
    p.add_argument("scenario", help="scenario YAML file, e.g. scenarios/freeze.yaml")
    p.add_argument("--replications", "-n", type=positive_int, default=1000,
                   help="replications per run (default 1,000; 1 + 2 x factors runs)")
    p.add_argument("--seed", type=seed_int, default=None, help="root random seed (default: the scenario's)")
    p.add_argument("--horizon-weeks", type=positive_int, default=None, help="weeks to simulate")
    p.add_argument("--outcome", choices=list(SENSITIVITY_OUTCOMES), default=None,
                   help="outcome to rank factors by (default: p_agreed, or territory if no deal is ever agreed)")
    p.add_argument("--top", type=positive_int, default=15, help="factors shown (default 15)")
    p.add_argument("--factor", action="append", default=None, metavar="PATH",
                   help="vary only this input (repeatable), e.g. attrition.exchange_ratio")
    p.add_argument("--workers", "-w", type=positive_int, default=None,
                   help="worker processes, as for sweep (default: all cores); the same bytes for any number")
    p.add_argument("--out", default=None, help="results folder (default: results/<name>_sensitivity)")
    p.add_argument("--no-write", action="store_true", help="print the table only; write nothing")
    p.add_argument("--force", action="store_true", help="replace an existing results folder")
    p.set_defaults(handler=main)


def main(args) -> int:
    from sim.analysis.sensitivity import format_table, one_at_a_time, to_csv
    from sim.engine.simulate import resolve_run
    from sim.output import results
    from sim.scenario.schema import load_scenario
    from sim.sweeps.executors import open_executor

    ui = Console.of(args)
    check_horizon(args)
    scenario = load_scenario(args.scenario)
    target = Path(args.out) if args.out else Path("results") / f"{scenario.name}_sensitivity"
    if not args.no_write:
        results.check_target(target, args.force)     # fail before minutes of work
    try:
        with open_executor("local", args.workers) as (executor, info), \
                ui.progress(1, f"sensitivity ({info.describe()})") as update:
            res = one_at_a_time(scenario, replications=args.replications, seed=args.seed,
                                horizon_weeks=args.horizon_weeks, only=args.factor, progress=update,
                                executor=None if info.workers == 1 else executor)
    except KeyError as exc:
        raise InputError.single("<command line>", None, "--factor", str(exc.args[0])) from None
    if args.no_write:                                # the table is all that was asked for
        print(format_table(res, args.outcome, args.top))
        return 0
    ui.info(format_table(res, args.outcome, args.top))
    from sim.figures.validation import tornado

    with results.staged_folder(target, args.force) as tmp:
        (tmp / "sensitivity.csv").write_bytes(to_csv(res))
        (tmp / "sensitivity.json").write_bytes(results.json_bytes(res.to_json()))
        resolved = resolve_run(scenario, args.replications, args.seed, args.horizon_weeks)
        (tmp / "scenario.yaml").write_text(resolved.to_yaml(), encoding="utf-8")
        (tmp / "figures").mkdir()
        for key in SENSITIVITY_OUTCOMES:
            tornado(res, key, tmp / "figures" / f"tornado_{key}.png", top=args.top)
        results.write_manifest(tmp, {
            "kind": "sensitivity", "scenario": resolved.name, "scenario_file": scenario.source_file,
            "scenario_sha256": resolved.hash(), "seed": resolved.seed, "replications": resolved.replications,
            "horizon_weeks": resolved.horizon_weeks, "factors": args.factor, "command": results.command_line(),
        })
    ui.info(f"\nresults written to {target}/")
    return 0
