"""``ceasefire-sim validate FILE...``: check scenario files without running them."""

from __future__ import annotations

import sys

from sim.commands.common import Console
from sim.scenario.errors import InputError


def register(sub) -> None:
    p = sub.add_parser("validate", help="check scenario files (exit 2 on any error)",
                       description="Check scenario files: every error names the file, line and key.")
    p.add_argument("files", nargs="+", help="scenario YAML files")
    p.set_defaults(handler=main)


def main(args) -> int:
    from sim.scenario.schema import load_scenario

    ui = Console.of(args)
    bad = 0
    for f in args.files:
        try:
            s = load_scenario(f)
        except InputError as exc:
            bad += 1
            for problem in exc.problems:
                print(f"error: {problem}", file=sys.stderr)
            continue
        ui.info(f"ok: {f} ({s.name}: {len(s.offers)} offer(s), {s.replications:,} replications, "
              f"{s.horizon_weeks} weeks)")
    return 2 if bad else 0
