"""``ceasefire-sim discover FOLDER CONDITION``: scenario discovery on a sweep or a run.

Also reachable as ``ceasefire-sim sweep-analyze FOLDER --discover CONDITION`` (the same
options and output). The folder is a sweep's (its ``points.parquet``: one row per point)
or a single run's (``outcomes.parquet``/``.csv``: one row per replication, whose drawn
parameters are the ``param.*`` columns). See docs/sweeps.md, "Scenario discovery".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import argparse
import os
import sys
from pathlib import Path

from sim.commands.common import positive_int

if TYPE_CHECKING:                                   # the analysis needs pandas: imported on use
    from sim.analysis import discovery


def _fraction(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0 < v < 1:
        raise argparse.ArgumentTypeError(f"expected a number strictly between 0 and 1, got {v}")
    return v


def _step(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"expected a step >= 0, got {v}")
    return v


def add_options(p: argparse.ArgumentParser) -> None:
    """The discovery options (shared by ``discover`` and ``sweep-analyze --discover``)."""
    g = p.add_argument_group("scenario discovery")
    g.add_argument("--min-coverage", type=_fraction, default=0.8, metavar="C",
                   help="choose the densest PRIM box that still holds this share of the cases of interest "
                        "(default 0.8)")
    g.add_argument("--step", type=_step, default=None, metavar="K",
                   help="choose step K of the peeling trajectory instead (read it from a first run)")
    g.add_argument("--peel-alpha", type=_fraction, default=0.05, metavar="A",
                   help="share of the rows peeled off at each PRIM step (default 0.05)")
    g.add_argument("--mass-min", type=_fraction, default=0.05, metavar="M",
                   help="PRIM stops peeling at this share of the rows (default 0.05)")
    g.add_argument("--tree-depth", type=positive_int, default=3, metavar="D", help="CART tree depth (default 3)")
    g.add_argument("--trees", type=positive_int, default=250, metavar="N",
                   help="extra trees for the feature scores (default 250)")
    g.add_argument("--list-columns", action="store_true",
                   help="print the table's columns (what a condition can use) and stop")
    g.add_argument("--out", default=None, metavar="DIR",
                   help="output folder (default: FOLDER/discovery/<condition as a name>)")
    g.add_argument("--force", action="store_true", help="replace an existing discovery folder")


def register(sub) -> None:
    p = sub.add_parser("discover", help="scenario discovery: where does a condition hold? (PRIM, CART, "
                                        "feature scores)",
                       description="Which parameter values lead to an outcome? Marks the rows of a sweep "
                                   "(points) or of a run (replications) that meet CONDITION, then finds a PRIM "
                                   "box (peeling trajectory with coverage and density), a CART tree and the "
                                   "extra-trees feature score of every parameter. Writes "
                                   "FOLDER/discovery/<name>/ (box.json, box.csv, trajectory.csv, "
                                   "feature_scores.csv, tree.txt, figures/, manifest.json). Needs the "
                                   "[discover] extra.",
                       epilog="conditions: comparisons (== != < <= > >=) of columns with numbers or quoted "
                              "text, joined by and / or / not and parentheses, e.g. \"p_ceasefire_holds > 0.5\", "
                              "\"outcome == 'ceasefire_holds'\", \"territory_end_pct < 19 and not "
                              "ceasefire_censored\".")
    p.add_argument("folder", help="a sweep or run results folder, e.g. results/attrition or results/freeze")
    p.add_argument("condition", nargs="?", default=None,
                   help="the cases of interest, e.g. \"p_ceasefire_holds > 0.5\"")
    add_options(p)
    p.add_argument("--no-figures", action="store_true", help="tables only, no PNG figures")
    p.set_defaults(handler=main)


def load_table(folder: str | Path) -> "discovery.Table":
    from sim.analysis import discovery

    """A sweep folder (via the sweep loader, which checks it is finished) or a run folder."""
    folder = Path(folder)
    if (folder / "sweep.json").is_file():
        discovery.require()
        from sim.sweeps.analysis import load

        data = load(folder)
        return discovery.table_from_sweep(folder, data.spec, data.points)
    discovery.require()
    return discovery.load_run(folder)


def _columns(table: "discovery.Table") -> str:
    params = {d.column for d in table.dimensions}
    lines = [f"{table.source}: {len(table.frame):,} {table.row_word}", "parameters (explained by the box):"]
    lines += [f"  {d.column}" + (f"  [{d.unit}]" if d.unit else "") for d in table.dimensions]
    lines.append("other columns (usable in a condition):")
    for c in table.frame.columns:
        if c in params:
            continue
        s = table.frame[c]
        if s.dtype.kind in "biuf":
            what = "true/false" if s.dtype.kind == "b" else f"{s.min():.4g} to {s.max():.4g}"
        else:
            vals = sorted({str(v) for v in s.dropna()})
            what = ("'" + "', '".join(vals[:8]) + "'" + (" ..." if len(vals) > 8 else "")) if vals else "empty"
        lines.append(f"  {c}: {what}")
    return "\n".join(lines)


def run(args, condition: str | None) -> int:
    from sim.analysis import discovery
    from sim.output.results import check_target

    table = load_table(args.folder)
    if args.list_columns:
        print(_columns(table))
        return 0
    if not condition:
        from sim.scenario.errors import InputError

        raise InputError.single("<command line>", None, "condition",
                                "give the cases of interest, e.g. \"p_ceasefire_holds > 0.5\" "
                                "(--list-columns shows what a condition can use)")
    target = Path(args.out) if args.out else discovery.default_folder(table.folder, condition)
    check_target(target, args.force)                 # refuse before computing, not after
    settings = discovery.Settings(peel_alpha=args.peel_alpha, mass_min=args.mass_min,
                                  min_coverage=args.min_coverage, step=args.step, tree_depth=args.tree_depth,
                                  trees=args.trees)
    result = discovery.discover(table, condition, settings)
    print(discovery.format_discovery(result))
    command = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv))
    files = discovery.write_discovery(result, target, force=args.force, figures=not args.no_figures,
                                      command=command)
    print(f"\ndiscovery written to {target}/: {', '.join(files)}")
    return 0


def main(args) -> int:
    return run(args, args.condition)
