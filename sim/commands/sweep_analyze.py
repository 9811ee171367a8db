"""``ceasefire-sim sweep-analyze DIR``: sensitivity indices, bar charts and heatmaps of a sweep."""

from __future__ import annotations

from pathlib import Path

from sim.sweeps.analysis import analyze
from sim.commands.common import positive_int


def register(sub) -> None:
    p = sub.add_parser("sweep-analyze", help="Sobol' or Morris indices and heatmaps of a finished sweep",
                       description="Read results/<sweep>/ and write analysis/: Sobol' first-order and total "
                                   "indices with 95% intervals (sobol sweeps) or Morris mu*/sigma (morris "
                                   "sweeps) per outcome, a bar chart of the indices, and heatmaps of an outcome "
                                   "across two parameters.")
    p.add_argument("folder", help="a sweep results folder, e.g. results/attrition")
    p.add_argument("--outcome", action="append", default=None, metavar="NAME",
                   help="analyse this outcome (repeatable; default: every outcome the sweep recorded)")
    p.add_argument("--heatmap", nargs=2, action="append", default=None, metavar=("X", "Y"),
                   help="heatmap across two parameters (repeatable; default: the two most influential per outcome)")
    p.add_argument("--heatmap-outcome", default=None, metavar="NAME",
                   help="outcome shown by --heatmap (default: the first outcome)")
    p.add_argument("--bins", type=positive_int, default=8, help="bins per range parameter in heatmaps (default 8)")
    p.add_argument("--no-figures", action="store_true", help="indices only, no PNG figures")
    p.set_defaults(handler=main)


def report(folder, quiet: bool = False, **kwargs) -> int:
    result = analyze(folder, **kwargs)
    if not quiet:
        print(result.text())
        print(f"\nanalysis written to {Path(folder) / 'analysis'}/: {', '.join(result.files)}")
    return 0


def main(args) -> int:
    return report(args.folder, outcomes=args.outcome, heatmaps=[tuple(h) for h in args.heatmap or []] or None,
                  heatmap_outcome=args.heatmap_outcome, bins=args.bins, figures=not args.no_figures)
