"""``ceasefire-sim play SCENARIO --seat ACTOR``: role-play one actor against the model's agents.

Without ``--autopilot`` the game runs in the terminal, turn by turn (:mod:`sim.play.terminal`);
with it the model's own actor plays the seat (a worked example, and the test oracle: the
game equals ``run``'s row for that replication). Either way the game file is written to
``--out`` (YAML, or JSON if the name ends in ``.json``): ``ceasefire-sim replay`` plays it again.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.commands.common import seed_int
from sim.scenario.errors import InputError, RunExistsError

CLI = "<command line>"


def nonneg_int(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value <= 10 ** 9:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 10**9, got {value}")
    return value


def register(sub) -> None:
    p = sub.add_parser("play", help="role-play one actor (or two) against the model's agents; writes a game file",
                       description="Play a scenario as one actor (or two: --seat twice) against the model's agents, "
                                   "in one replication (the world chosen by --seed and --replication). Turn by turn "
                                   "in the terminal, or with --autopilot the model's own choices for the seat. "
                                   "Writes the game file (--out): `ceasefire-sim replay` plays it again, "
                                   "`ceasefire-sim debrief` compares it with the model alone.")
    p.add_argument("scenario", help="scenario YAML file, e.g. scenarios/freeze.yaml")
    p.add_argument("--seat", action="append", required=True, metavar="ACTOR",
                   help="the actor you play: russia, ukraine, united_states or europe (twice for two players)")
    p.add_argument("--seed", type=seed_int, default=None, help="root random seed (default: the scenario's)")
    p.add_argument("--replication", type=nonneg_int, default=0, metavar="I",
                   help="which replication of the seed is your world (default 0)")
    p.add_argument("--horizon-weeks", type=nonneg_int, default=None, help="weeks to play (default: the scenario's)")
    p.add_argument("--autopilot", action="store_true", help="the model's actor plays the seat (no questions)")
    p.add_argument("--out", default=None, metavar="GAME",
                   help="game file to write (default: results/games/<scenario>-<seat>-<seed>-<replication>.yaml)")
    p.add_argument("--force", action="store_true", help="replace an existing game file")
    p.set_defaults(handler=main)


def write_game(path: Path, game, force: bool) -> None:
    from sim.output.results import atomic_write
    from sim.play.game import format_of

    if path.exists() and not force:
        raise RunExistsError(f"{path} exists; use --force to replace it")
    if path.exists() and path.is_dir():
        raise InputError.single(CLI, None, "--out", f"{path} is a folder; expected a game file name")
    atomic_write(path, game.to_bytes(format_of(path)))


def main(args) -> int:
    from sim.commands.why import check_actor
    from sim.engine.simulate import resolve_run
    from sim.play.game import new_game
    from sim.play.session import Session
    from sim.play.terminal import run_terminal
    from sim.play.world import outcome_label, play
    from sim.scenario.schema import load_scenario

    seats = [check_actor(s)[0] for s in args.seat]
    if args.horizon_weeks is not None and not 1 <= args.horizon_weeks <= 1040:
        raise InputError.single(CLI, None, "--horizon-weeks", "expected 1 to 1040 weeks")
    scenario = resolve_run(load_scenario(args.scenario), seed=args.seed, horizon_weeks=args.horizon_weeks)
    game = new_game(scenario, seats, replication=args.replication)
    out = Path(args.out) if args.out else Path("results") / "games" / \
        f"{scenario.name}-{'-'.join(seats)}-{game.seed}-{game.replication}.yaml"
    if out.exists() and not args.force:
        raise RunExistsError(f"{out} exists; use --force to replace it")
    if args.autopilot:
        played = play(game, autopilot=True, explain=False)
        game.weeks_played, game.outcome = game.horizon, played.outcome()
    else:
        session = Session(game)
        run_terminal(session, sys.stdin, sys.stdout)
    write_game(out, game, args.force)
    if game.outcome is not None:
        row = game.outcome
        util = ", ".join(f"{s} {row['utility_' + s]:.3f}" for s in seats)
        print(f"{scenario.name}, replication {game.replication} of seed {game.seed}: {outcome_label(row)}; "
              f"Russia holds {row['territory_end_pct']:.2f}% at the end; realized utility {util}")
    else:
        print(f"game stopped at week {game.weeks_played} of {game.horizon}")
    print(f"game file written to {out} ({len(game.moves)} moves); replay it with `ceasefire-sim replay {out}`")
    return 0
