"""``ceasefire-sim debrief GAMES...``: role-play games against the model alone, side by side.

Each game file (or every ``*.yaml``/``*.yml``/``*.json`` of a folder) is replayed and
compared with the model alone in the same world and in an ensemble of the scenario
(:mod:`sim.play.debrief`); the debriefs are printed and written to ``--out``
(``report.html``, self-contained, and ``debrief.json``) atomically with a manifest.
"""

from __future__ import annotations

from pathlib import Path

from sim.commands.common import positive_int
from sim.scenario.errors import InputError, Problem

GAME_SUFFIXES = (".yaml", ".yml", ".json")
MAX_GAMES = 200


def register(sub) -> None:
    p = sub.add_parser("debrief", help="debrief role-play games: each against the model alone; report.html side by side",
                       description="Replay game files (from `ceasefire-sim play` or the app's Play view) and compare "
                                   "each with the model alone: the same world's run and an ensemble of the scenario, "
                                   "the seats' realized utility against the model actors', and the choices that "
                                   "differed with the margins behind the model's. Writes results/debrief/ "
                                   "(report.html, debrief.json).")
    p.add_argument("games", nargs="+", metavar="GAME", help="game files, or folders of them")
    p.add_argument("--ensemble", type=positive_int, default=500, metavar="N",
                   help="replications of the model alone per game (default 500)")
    p.add_argument("--out", default="results/debrief", help="results folder (default: results/debrief)")
    p.add_argument("--force", action="store_true", help="replace an existing results folder")
    p.set_defaults(handler=main)


def game_files(items: list[str]) -> list[Path]:
    found: list[Path] = []
    problems = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            inside = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in GAME_SUFFIXES)
            if not inside:
                problems.append(Problem(item, None, "", "no game files (*.yaml, *.yml, *.json) in this folder"))
            found += inside
        elif p.exists():
            found.append(p)
        else:
            problems.append(Problem(item, None, "", "file not found"))
    if len(found) > MAX_GAMES:
        problems.append(Problem("<command line>", None, "GAME", f"at most {MAX_GAMES} games, got {len(found)}"))
    if problems:
        raise InputError(problems)
    return found


def main(args) -> int:
    from sim.output import results
    from sim.play.debrief import MAX_ENSEMBLE, debrief, format_debrief
    from sim.play.game import read_game
    from sim.play.report import render

    if args.ensemble > MAX_ENSEMBLE:
        raise InputError.single("<command line>", None, "--ensemble", f"at most {MAX_ENSEMBLE:,} replications")
    files = game_files(args.games)
    target = Path(args.out)
    results.check_target(target, args.force)
    reports, problems = [], []
    for f in files:
        try:
            reports.append((f.name, debrief(read_game(f), str(f), args.ensemble)))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    for name, r in reports:
        print(f"[{name}]\n{format_debrief(r)}\n")
    with results.staged_folder(target, args.force) as tmp:
        (tmp / "report.html").write_text(render(reports), encoding="utf-8")
        (tmp / "debrief.json").write_bytes(results.json_bytes({"games": [{"file": n, **r} for n, r in reports]}))
        results.write_manifest(tmp, {"kind": "debrief", "games": [str(f) for f in files],
                                     "ensemble": args.ensemble, "command": results.command_line()})
    print(f"wrote {target}/ (report.html, debrief.json) for {len(reports)} game{'s' if len(reports) != 1 else ''}")
    return 0
