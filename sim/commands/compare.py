"""``ceasefire-sim compare A.yaml B.yaml ...``: scenarios side by side, one HTML report.

Runs every scenario with common random numbers (one seed for all: ``--seed`` or the first
scenario's), prints the paired table and writes ``results/compare-<a>-<b>-.../``:
``comparison.csv``, ``figures/*.png``, ``report.html``, ``scenarios/*.yaml`` (resolved) and
``manifest.json``. The folder is staged and renamed into place (complete or absent).
"""

from __future__ import annotations

import time
from pathlib import Path

from sim.commands.common import Console, add_run_options, check_horizon
from sim.scenario.errors import InputError

#: Longest folder name before the names are shortened ("compare-a-b-and-3-more").
MAX_FOLDER_NAME = 120


def register(sub) -> None:
    p = sub.add_parser("compare", help="run scenarios side by side and write one self-contained HTML report",
                       description="Run two or more scenario files with common random numbers (replication i "
                                   "draws the same uncertain parameters in every scenario), print each outcome's "
                                   "probability with the paired difference against the first scenario, and write "
                                   "results/compare-<names>/ (comparison.csv, figures/, report.html).")
    p.add_argument("scenarios", nargs="+", help="scenario YAML files; the first is the reference")
    add_run_options(p, out_default="results/compare-<scenario names>")
    p.set_defaults(handler=main)


def folder_name(names: list[str]) -> str:
    """``compare-freeze-truce_30day-refusal`` (shortened when very long)."""
    name = "compare-" + "-".join(names)
    if len(name) > MAX_FOLDER_NAME:
        name = f"compare-{names[0]}-{names[1]}-and-{len(names) - 2}-more"[:MAX_FOLDER_NAME]
    return name


def main(args) -> int:
    from sim.analysis.compare import common_settings, format_table, load_all, run_comparison, table_csv
    from sim.figures.compare import comparison_figures
    from sim.output import results
    from sim.pipeline.report import ReportRun, render_report

    ui = Console.of(args)
    check_horizon(args)
    if len(args.scenarios) < 2:
        raise InputError.single("<command line>", None, "scenarios",
                                "compare needs at least two scenario files (use `run` for one)")
    scenarios = load_all(args.scenarios)
    target = Path(args.out) if args.out is not None else Path("results") / folder_name([s.name for s in scenarios])
    results.check_target(target, args.force)
    t0 = time.perf_counter()
    resolved, _ = common_settings(scenarios, args.replications, args.seed, args.horizon_weeks)
    total = sum(s.replications for s in resolved)
    with ui.progress(total, "compare", unit="rep", unit_scale=True) as update:
        comparison = run_comparison(scenarios, replications=args.replications, seed=args.seed,
                                    horizon_weeks=args.horizon_weeks, progress=update.advance)
    timings = {"simulate": time.perf_counter() - t0}
    ui.info(format_table(comparison.rows, comparison.header))
    command = " ".join(["ceasefire-sim compare", *args.scenarios, "--seed", str(comparison.seed),
                        "--replications", str(comparison.replications),
                        "--horizon-weeks", str(comparison.horizon_weeks)])
    with results.staged_folder(target, args.force) as tmp:
        t1 = time.perf_counter()
        (tmp / "comparison.csv").write_bytes(table_csv(comparison.rows))
        (tmp / "scenarios").mkdir()
        for i, s in enumerate(comparison.scenarios):
            (tmp / "scenarios" / f"{i + 1}_{s.name}.yaml").write_text(s.to_yaml(), encoding="utf-8")
        figures = comparison_figures(comparison.labels, comparison.outcomes, tmp / "figures")
        runs = [ReportRun(s, o, summary, label) for s, o, summary, label in
                zip(comparison.scenarios, comparison.outcomes, comparison.summaries, comparison.labels)]
        html = render_report(runs, figures=figures, seed_from=comparison.seed_from, command=command)
        (tmp / "report.html").write_text(html, encoding="utf-8")
        timings["write"] = time.perf_counter() - t1
        timings["total"] = time.perf_counter() - t0
        results.write_manifest(tmp, {
            "kind": "comparison",
            "seed": comparison.seed,
            "seed_from": comparison.seed_from,
            "replications": comparison.replications,
            "horizon_weeks": comparison.horizon_weeks,
            "reference": comparison.labels[0],
            "scenarios": [{"label": label, "name": s.name, "file": s.source_file, "scenario_sha256": s.hash()}
                          for label, s in zip(comparison.labels, comparison.scenarios)],
            "created_unix": round(time.time(), 3),
            "timings_s": {k: round(v, 4) for k, v in timings.items()},
            "command": results.command_line(),
        })
    ui.info(f"\nresults written to {target}/ (open {target / 'report.html'} in a browser) "
            f"in {timings['total']:.2f} s")
    ui.timings(timings)
    return 0
