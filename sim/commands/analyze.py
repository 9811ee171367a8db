"""``ceasefire-sim analyze SCENARIO``: bargaining range over time and the offer game's equilibria."""

from __future__ import annotations

from pathlib import Path

from sim.commands.common import Console, add_run_options, check_horizon, positive_int


def register(sub) -> None:
    p = sub.add_parser("analyze", help="bargaining range, belief gap and equilibria of the offer game",
                       description="Compute both belligerents' reservation lines and the bargaining range "
                                   "at every week, the belief gap, and the offer game (payoffs played by the "
                                   "simulator) solved in every replication: the distribution of its equilibrium "
                                   "paths next to the simulated frequencies; write results/<name>-analysis/ "
                                   "(analysis.json, figures/bargaining_range.png, figures/belief_gap.png).")
    p.add_argument("scenario", help="scenario YAML file, e.g. scenarios/freeze.yaml")
    add_run_options(p, out_default="results/<scenario name>-analysis")
    p.add_argument("--offer", type=int, default=0, help="index of the scenario offer to analyse (default 0)")
    p.add_argument("--violate-after", type=positive_int, default=52,
                   help="weeks after the agreement at which a violating side breaks it (default 52)")
    p.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    p.set_defaults(handler=main)


def main(args) -> int:
    from sim.analysis.bargaining import analyze_scenario, default_folder, format_analysis, write_analysis
    from sim.engine.simulate import resolve_run
    from sim.output.results import check_target
    from sim.scenario.schema import load_scenario

    ui = Console.of(args)
    check_horizon(args)
    scenario = resolve_run(load_scenario(args.scenario), args.replications, args.seed, args.horizon_weeks)
    target = Path(default_folder(scenario) if args.out is None else args.out)
    check_target(target, args.force)          # refuse before computing, not after
    with ui.progress(3, "analyze", unit="stage") as update:
        analysis = analyze_scenario(scenario, offer_index=args.offer, violate_after=args.violate_after,
                                    progress=lambda done, _total: update(done))
        update.describe("analyze: writing")
        write_analysis(analysis, target, force=args.force, figures=not args.no_figures)
        update(3)
    ui.info(format_analysis(analysis.report))
    ui.info(f"\nanalysis written to {target}/")
    ui.timings(analysis.report.get("timings_s", {}))
    return 0
