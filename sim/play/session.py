"""An interactive game: turns, moves, questions; what the terminal and the app drive.

A :class:`Session` holds a :class:`~sim.play.game.Game` and the turn reached. At a turn the
seats make standing moves (propose an offer, break a ceasefire, set aid), then advance one
or several weeks; a blocking decision inside those weeks stops the advance with a question
(:attr:`Session.pending`) until the seat answers. Every step replays the game's moves from
week 0 (:func:`sim.play.world.play`), so the state is only the list of moves.
"""

from __future__ import annotations

from typing import Any

from sim.play.game import ALLOWED, MAX_AID_BN, MAX_MOVES, Game, Move, parse_terms
from sim.play.world import Played, offer_json, play, situation
from sim.scenario.errors import InputError
from sim.scenario.offers import (ACTORS, BELLIGERENTS, GUARANTEES, LINES, MONITORING, RECOGNITION, SANCTIONS_RELIEF,
                                 SCOPES, Terms)

#: The terms a proposal form offers (choices from :mod:`sim.scenario.offers`; numbers may be blank).
TERM_CHOICES = {"line": LINES, "recognition": RECOGNITION, "scope": SCOPES, "monitoring": MONITORING,
                "guarantees": GUARANTEES, "sanctions_relief": SANCTIONS_RELIEF,
                "duration_days": "days or blank (indefinite)", "army_cap": "thousand soldiers or blank (none)",
                "extension": "bool", "nato_renunciation": "bool", "prisoner_exchange": "bool"}

MOVE = "<move>"


class Session:
    """A game being played turn by turn."""

    def __init__(self, game: Game):
        self.game = game
        self.turn = 0                    # the week whose start the seats see
        self.target = 0                  # where the current advance is going
        self.played: Played = play(game, until=0, explain=False)
        self.notes: list[str] = []

    # -- state ------------------------------------------------------------------------------
    @property
    def pending(self) -> dict[str, Any] | None:
        return self.played.pending

    @property
    def finished(self) -> bool:
        return self.played.finished

    def state(self) -> dict[str, Any]:
        """Everything a turn shows (JSON-able)."""
        g, m = self.game, self.played.model
        views = {seat: (self.pending["situation"] if self.pending and self.pending["actor"] == seat
                        else situation(m, seat)) for seat in g.seats}
        return {"scenario": g.scenario.name, "title": g.scenario.title, "seed": g.seed,
                "replication": g.replication, "seats": list(g.seats), "turn": self.turn,
                "horizon": g.horizon, "finished": self.finished,
                "pending": None if self.pending is None else {k: v for k, v in self.pending.items() if k != "situation"},
                "situations": views, "moves": len(g.moves), "notes": list(self.notes),
                "offers": [offer_json(m, i) for i in range(len(m.offers))],
                "decisions": [d.to_json() | {"model": None, "margin": None, "differs": None} if not self.finished else d.to_json()
                              for d in self.played.decisions],
                "outcome": self.played.outcome() if self.finished else None,
                "term_choices": {k: list(v) if isinstance(v, tuple) else v for k, v in TERM_CHOICES.items()},
                "term_defaults": Terms().to_yaml()}

    # -- moves ------------------------------------------------------------------------------------
    def _seat(self, actor: str) -> str:
        if actor not in self.game.seats:
            raise InputError.single(MOVE, None, "actor", f"{actor!r} is not a seat of this game "
                                                         f"(seats: {', '.join(self.game.seats)})")
        return actor

    def _standing(self) -> None:
        if self.finished:
            raise InputError.single(MOVE, None, "", "the game is over: download the game file or open the debrief")
        if self.pending is not None:
            raise InputError.single(MOVE, None, "", f"answer first: {self.pending['question']}")
        if len(self.game.moves) >= MAX_MOVES:
            raise InputError.single(MOVE, None, "", f"at most {MAX_MOVES} moves in a game")

    def propose(self, actor: str, terms: dict, parties=BELLIGERENTS) -> None:
        """Put an offer on the table this week (any terms of the scenario schema)."""
        self._standing()
        self._seat(actor)
        parties = tuple(parties)
        if not parties or any(p not in ACTORS for p in parties) or len(set(parties)) != len(parties):
            raise InputError.single(MOVE, None, "parties", f"expected distinct actors from {', '.join(ACTORS)}")
        if not isinstance(terms, dict):
            raise InputError.single(MOVE, None, "terms", "expected a mapping of terms")
        parsed = parse_terms(terms, MOVE)
        self.game.moves.append(Move(self.turn, actor, "propose", None, None, parsed, parties))
        self.played = play(self.game, until=self.turn, explain=False)

    def set_aid(self, actor: str, level: float) -> None:
        """A patron's annual aid level (EUR bn) from the end of this week on."""
        self._standing()
        self._seat(actor)
        if actor not in ALLOWED["aid"]:
            raise InputError.single(MOVE, None, "kind", f"{actor} gives no aid (only {', '.join(ALLOWED['aid'])})")
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 <= level <= MAX_AID_BN:
            raise InputError.single(MOVE, None, "value", f"expected an aid level from 0 to {MAX_AID_BN:g} EUR bn per year")
        self._replace(Move(self.turn, actor, "aid", None, float(level)))

    def set_sanctions(self, actor: str, value: bool) -> None:
        """The United States imposes (True) or lifts (False) the sanctions of its threat from this week on."""
        self._standing()
        self._seat(actor)
        if actor not in ALLOWED["sanctions"]:
            raise InputError.single(MOVE, None, "kind", f"only {', '.join(ALLOWED['sanctions'])} imposes these sanctions")
        if not isinstance(value, bool):
            raise InputError.single(MOVE, None, "value", "expected true or false")
        self._replace(Move(self.turn, actor, "sanctions", None, value))

    def break_ceasefire(self, actor: str) -> None:
        """Break the ceasefire in force this week."""
        self._standing()
        self._seat(actor)
        if actor not in BELLIGERENTS:
            raise InputError.single(MOVE, None, "kind", f"{actor} has no army in the field: only Russia or Ukraine break")
        m = self.played.model
        if not bool(m.in_ceasefire[0]):
            raise InputError.single(MOVE, None, "kind", "there is no ceasefire to break")
        self._replace(Move(self.turn, actor, "break", int(m.deal[0]), True))

    def _replace(self, move: Move) -> None:
        self.game.moves = [m for m in self.game.moves if m.key() != move.key()] + [move]

    def answer(self, actor: str, value: bool) -> None:
        """Answer the pending question (accept, extend, execute the threat, pause aid) and go on."""
        p = self.pending
        if p is None:
            raise InputError.single(MOVE, None, "", "no question is waiting for an answer")
        if actor != p["actor"]:
            raise InputError.single(MOVE, None, "actor", f"the question is {p['actor']}'s")
        if not isinstance(value, bool):
            raise InputError.single(MOVE, None, "value", "expected true or false")
        self.game.moves.append(Move(p["week"], actor, p["kind"], p["offer"], value))
        self._go()

    def advance(self, weeks: int = 1) -> None:
        """Play ``weeks`` weeks (the seats' standing choices hold), or up to the next question."""
        if self.pending is not None:
            raise InputError.single(MOVE, None, "", f"answer first: {self.pending['question']}")
        if self.finished:
            return
        if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
            raise InputError.single(MOVE, None, "weeks", "expected a whole number of weeks >= 1")
        self.target = min(self.turn + weeks, self.game.horizon)
        self._go()

    def _go(self) -> None:
        self.played = play(self.game, until=self.target, explain=False)
        dropped = [self.game.moves[i] for i in self.played.unused]
        if dropped:          # a standing move whose decision never came (the truce lapsed first)
            for mv in dropped:
                self.notes.append(f"week {mv.week}: no {mv.kind} decision came for {mv.actor} (move dropped)")
            self.game.moves = [mv for i, mv in enumerate(self.game.moves) if i not in set(self.played.unused)]
            self.played = play(self.game, until=self.target, explain=False)
        if self.pending is None:
            self.turn = self.played.week
        self.game.weeks_played = self.turn
        if self.finished:                # the model's margins, for the debrief: computed once
            self.played = play(self.game, until=self.game.horizon, explain=True)
            self.game.outcome = self.played.outcome()
            self.game.weeks_played = self.game.horizon

    def autopilot_rest(self) -> None:
        """Let the model's actors play the seats to the end (records their choices as moves)."""
        if self.finished:
            return
        self.played = play(self.game, autopilot=True, autopilot_from=self.turn, explain=False)
        self.turn = self.target = self.played.week
        self._go()
