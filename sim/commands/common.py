"""Options shared by the commands that run scenarios."""

from __future__ import annotations

import argparse

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
