"""``ceasefire-sim play`` in a terminal: the situation each turn, the seat's commands.

Reads commands from ``inp`` (standard input; a script works as well as a keyboard) and
writes to ``out``. At a question, answer ``y`` or ``n``. At a turn::

    n [K]             advance K weeks (default 1); questions on the way stop the advance
    propose k=v ...   put an offer this week, e.g. ``propose line=current monitoring=international``
                      (any term of the scenario schema; ``parties=russia,ukraine``; ``by=<seat>``)
    break             break the ceasefire in force
    aid X             (a patron) set the annual aid level to X EUR bn from this week
    sanctions on|off  (the United States) impose or lift the sanctions of its threat
    auto              let the model's actor play the seat to the end
    show              the situation again;  help;  quit (the game so far is kept)

The end of the input is ``quit``.
"""

from __future__ import annotations

from typing import IO

from sim.output.labels import LABELS
from sim.play.session import Session
from sim.scenario.errors import InputError
from sim.scenario.offers import BELLIGERENTS

HELP = __doc__.split("::", 1)[1].split("The end")[0].rstrip()
BOOL_TERMS = ("extension", "nato_renunciation", "prisoner_exchange")


def format_situation(sit: dict) -> str:
    """A turn's situation in plain words (what the app's Play view shows)."""
    f, fo, pr, cf = sit["front"], sit["forces"], sit["pressure"], sit["ceasefire"]
    arrow = "advancing" if f["trend_pp_per_week"] > 0.0005 else "receding" if f["trend_pp_per_week"] < -0.0005 else "still"
    lines = [f"== {sit['actor_label']}, week {sit['week']} of {sit['horizon']} ==",
             f"Front: Russia holds {f['territory_pct']:.2f}% of Ukraine ({arrow}: "
             f"{f['trend_pp_per_week']:+.3f} pp/week over the last 4 weeks)",
             f"Forces: Russia {fo['russia_k']:.0f}k, Ukraine {fo['ukraine_k']:.0f}k soldiers; you believe Russia's "
             f"relative combat power is x{fo['believed_russia_power_x']:.3f} of what it is",
             f"Casualties: yours {fo['own_casualties_k']:.1f}k, the other side's {fo['enemy_casualties_k']:.1f}k",
             f"Aid: US EUR {pr['us_aid_bn_per_year']:.1f}bn/yr"
             + (f" (paused until week {pr['us_aid_paused_until_week']})" if pr["us_aid_paused_until_week"] else "")
             + f", Europe EUR {pr['europe_aid_bn_per_year']:.1f}bn/yr; sanctions cut Russian shell output by "
               f"{pr['sanctions_production_cut']:.0%}" + ("; the US threat of new sanctions was executed"
                                                          if pr["us_sanctions_threat_executed"] else "")]
    if cf["holding"]:
        lines.append(f"Ceasefire: holding since week {cf['since_week']}"
                     + (f", ends in week {cf['ends_week']:g}" if cf["ends_week"] is not None else " (indefinite)"))
    elif sit["ended"]:
        lines.append("The war has ended: " + ("Ukraine collapsed" if sit["collapse"] == 1 else "Russia collapsed"))
    else:
        lines.append("No ceasefire.")
    if sit.get("offer"):
        o = sit["offer"]
        lines.append(f"ON THE TABLE: offer {o['index']} by {LABELS.get(o['proposer'], o['proposer'])}: {o['text']}")
        if o["proposer"] == "united_states":
            lines.append(f"  US pressure: if Russia alone refuses, new sanctions (credibility {pr['us_threat_credibility']:.0%});"
                         f" if Ukraine alone refuses, US aid pauses ~{pr['aid_pause_weeks']:.0f} weeks")
    for o in sit["scheduled_offers"][:3]:
        lines.append(f"Scheduled: offer {o['index']} by {LABELS.get(o['proposer'], o['proposer'])} in week {o['week']}"
                     + (f" (every {o['repeat_every_weeks']} weeks)" if o["repeat_every_weeks"] else "") + f": {o['text']}")
    if sit["red_lines"]:
        lines.append("Your red lines:")
        for r in sit["red_lines"]:
            mark = "  CROSSED by this offer: " if r["crossed"] else "  - "
            lines.append(f"{mark}{r['key']}: {r['description']} [{r['citation']}]")
    return "\n".join(lines)


def parse_proposal(words: list[str]) -> tuple[dict, list[str]]:
    terms: dict = {}
    parties = list(BELLIGERENTS)
    for w in words:
        key, sep, value = w.partition("=")
        if not sep:
            raise InputError.single("<input>", None, key, "expected term=value (e.g. monitoring=international)")
        if key == "by":
            continue
        if key == "parties":
            parties = [p for p in value.split(",") if p]
        elif key in BOOL_TERMS:
            terms[key] = value.lower() in ("true", "yes", "1")
        elif key in ("duration_days", "army_cap"):
            terms[key] = None if value.lower() in ("none", "null", "") else (int(value) if value.isdigit() else _num(value))
        else:
            terms[key] = value
    return terms, parties


def _num(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def run_terminal(session: Session, inp: IO[str], out: IO[str]) -> None:
    """Play ``session`` from ``inp`` until the game ends or the input says ``quit``."""
    seats = session.game.seats
    say = lambda text="": print(text, file=out, flush=True)  # noqa: E731
    say(f"{session.game.scenario.title}: you play {', '.join(LABELS[s] for s in seats)} "
        f"(seed {session.game.seed}, replication {session.game.replication}). Type 'help' for the commands.")
    shown = None
    while not session.finished:
        p = session.pending
        if p is not None:
            if shown != ("q", p["week"], p["kind"], p["actor"], p["offer"]):
                say(format_situation(p["situation"]))
                shown = ("q", p["week"], p["kind"], p["actor"], p["offer"])
            say(f"? {p['question']} [y/n]")
        else:
            if shown != ("t", session.turn):
                for seat in seats:
                    say(format_situation(session.state()["situations"][seat]))
                shown = ("t", session.turn)
            say(f"> week {session.turn} ({'/'.join(seats)}): n [K], propose ..., break, aid X, auto, show, help, quit")
        line = inp.readline()
        if not line:
            say("(end of input: the game so far is kept)")
            return
        words = line.split()
        if not words:
            continue
        cmd = words[0].lower()
        try:
            if cmd in ("quit", "q", "exit"):
                return
            if cmd == "help":
                say(HELP)
            elif cmd == "show":
                shown = None
            elif p is not None:
                if cmd in ("y", "yes", "accept", "n", "no", "refuse"):
                    session.answer(p["actor"], cmd in ("y", "yes", "accept"))
                else:
                    say("answer y or n")
            elif cmd in ("n", "next"):
                session.advance(int(words[1]) if len(words) > 1 and words[1].isdigit() else 1)
            elif cmd == "propose":
                terms, parties = parse_proposal(words[1:])
                session.propose(_seat(words, seats), terms, parties)
                say(f"offer {len(session.played.model.offers) - 1} proposed for week {session.turn}")
            elif cmd == "break":
                session.break_ceasefire(_belligerent(seats))
                say("you will break the ceasefire this week")
            elif cmd == "aid":
                session.set_aid(_patron(seats), _num(words[1]) if len(words) > 1 else None)
                say(f"aid set to EUR {float(words[1]):g}bn per year from this week")
            elif cmd == "sanctions":
                on = len(words) > 1 and words[1].lower() in ("on", "yes", "true", "1")
                session.set_sanctions(_patron(seats), on)
                say(f"sanctions {'imposed' if on else 'lifted'} from this week")
            elif cmd == "auto":
                session.autopilot_rest()
            else:
                say(f"unknown command {cmd!r}; type 'help'")
        except InputError as exc:
            for prob in exc.problems:
                say(f"error: {prob}")
        except (ValueError, IndexError) as exc:
            say(f"error: {exc}")
    say(f"Game over at week {session.game.horizon}: {LABELS.get(session.game.outcome['outcome'], session.game.outcome['outcome'])}")


def _seat(words, seats) -> str:
    """``by=<seat>`` in a two-seat game; else the first seat."""
    for w in words:
        if w.startswith("by="):
            return w[3:]
    return seats[0]


def _belligerent(seats) -> str:
    return next((s for s in seats if s in BELLIGERENTS), seats[0])


def _patron(seats) -> str:
    return next((s for s in seats if s not in BELLIGERENTS), seats[0])
