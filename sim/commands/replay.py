"""``ceasefire-sim replay GAME``: play a game file's moves again and check its outcome.

The game is a pure function of the file (scenario + seed + replication + moves): the
outcome must be the one recorded, and ``--out`` writes the same bytes as the original file.
A bad game file is an error with the file, line and key (exit 2); an outcome that differs
(a file from another version of the model, or edited) exits 1.
"""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("replay", help="play a game file again and check its outcome",
                       description="Replay a game file written by `ceasefire-sim play` (or downloaded from the "
                                   "app's Play view): the same moves in the same world give the same outcome. "
                                   "--out writes the replayed game file (the same bytes).")
    p.add_argument("game", help="game file (YAML or JSON)")
    p.add_argument("--out", default=None, metavar="FILE", help="write the replayed game file here")
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    p.set_defaults(handler=main)


def main(args) -> int:
    from sim.commands.play import write_game
    from sim.play.game import read_game
    from sim.play.world import outcome_label, replay

    game = read_game(args.game)
    played = replay(game, args.game)
    recorded = game.outcome
    fresh = played.outcome() if played.finished else None
    game.outcome = fresh
    if args.out:
        write_game(Path(args.out), game, args.force)
    if recorded is not None and fresh != recorded:
        changed = sorted(k for k in set(recorded) | set(fresh or {}) if (fresh or {}).get(k) != recorded.get(k))
        print(f"error: {args.game}: the replayed outcome differs from the recorded one in {', '.join(changed[:8])}"
              f"{' ...' if len(changed) > 8 else ''} (a file from another version of ceasefire-sim, or edited)")
        return 1
    if fresh is None:
        print(f"{args.game}: replayed {len(game.moves)} moves to week {game.weeks_played} of {game.horizon} "
              "(an unfinished game)")
    else:
        seats = ", ".join(f"{s} {fresh['utility_' + s]:.3f}" for s in game.seats)
        print(f"{args.game}: replayed {len(game.moves)} moves: {outcome_label(fresh)}; Russia holds "
              f"{fresh['territory_end_pct']:.2f}% at the end; realized utility {seats}"
              + ("; the same outcome as recorded" if recorded is not None else ""))
    if args.out:
        print(f"wrote {args.out}")
    return 0
