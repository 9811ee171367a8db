"""Options shared by the commands: run settings, and ``-q/--quiet`` / ``-v/--verbose`` for all.

Keep this module light (argparse only): ``ceasefire-sim --help`` imports it.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager

from sim.scenario.errors import InputError


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def seed_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"expected a seed between 0 and 2**63-1, got {value}")
    return value


def add_run_options(p: argparse.ArgumentParser, out_default: str = "results/<scenario name>") -> None:
    """``--replications --seed --horizon-weeks --out --force`` (``out_default``: the ``--out`` help)."""
    p.add_argument("--replications", "-n", type=positive_int, default=None,
                   help="Monte Carlo replications (default: the scenario's, 2,000 if unset)")
    p.add_argument("--seed", type=seed_int, default=None, help="root random seed (default: the scenario's)")
    p.add_argument("--horizon-weeks", type=positive_int, default=None,
                   help="weeks to simulate (default: the scenario's, 156 if unset)")
    p.add_argument("--out", default=None, help=f"results folder (default: {out_default})")
    p.add_argument("--force", action="store_true", help="replace an existing results folder")


def check_horizon(args) -> None:
    if args.horizon_weeks is not None and args.horizon_weeks > 1040:
        raise InputError.single("<command line>", None, "--horizon-weeks", "at most 1040 weeks (20 years)")


def add_verbosity(p: argparse.ArgumentParser) -> None:
    """``-q/--quiet`` and ``-v/--verbose``; :func:`sim.cli.build_parser` adds them to every command."""
    group = p.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true",
                       help="print only errors, warnings and what was asked for: no progress bar, "
                            "no summary of the results written")
    group.add_argument("-v", "--verbose", action="store_true",
                       help="also print where the time went (timings of each stage)")


class Console:
    """What a command prints, by verbosity: ``info`` (not with -q), ``detail`` (only with -v),
    and :meth:`progress` bars (on a terminal only, never with -q)."""

    def __init__(self, quiet: bool = False, verbose: bool = False):
        self.quiet, self.verbose = quiet, verbose and not quiet

    @classmethod
    def of(cls, args) -> "Console":
        return cls(bool(getattr(args, "quiet", False)), bool(getattr(args, "verbose", False)))

    def info(self, text: str = "") -> None:
        if not self.quiet:
            print(text)

    def detail(self, text: str) -> None:
        if self.verbose:
            print(text, file=sys.stderr)

    def timings(self, timings: dict, what: str = "time") -> None:
        """With -v: one line per stage, in seconds."""
        if self.verbose and timings:
            parts = ", ".join(f"{k} {v:.2f} s" for k, v in timings.items())
            self.detail(f"{what}: {parts}")

    @contextmanager
    def progress(self, total: int, desc: str, unit: str = "run", unit_scale: bool = False):
        """A progress bar on standard error (:func:`sim.output.progress.bar`); silent with -q or off a terminal.

        The hook for any long command (``design`` included): ``with ui.progress(n, "design") as update:``.
        """
        from sim.output.progress import bar

        with bar(total, desc, enabled=not self.quiet, unit=unit, unit_scale=unit_scale) as update:
            yield update
