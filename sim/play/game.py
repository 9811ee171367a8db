"""The game file: a scenario, a seed, a replication, the seats and the moves (YAML or JSON).

A game is a pure function of this file: ``ceasefire-sim replay GAME`` plays the moves again
in the same R=1 world (replication ``replication`` of ``seed``, :mod:`sim.engine.rng`) and
writes the same bytes. The format (``docs/classroom.md`` describes it for teachers)::

    game: 1                       # format version
    ceasefire_sim: 0.2.0          # package version that wrote it
    seed: 20250311
    replication: 0                # which replication of the seed is the player's world
    seats: [ukraine]              # one actor, or two
    weeks_played: 156             # the turn reached (the horizon, or earlier if it ended)
    moves:                        # in week order
      - {week: 0, actor: ukraine, kind: accept, offer: 0, value: false}
      - {week: 4, actor: ukraine, kind: propose, parties: [russia, ukraine], terms: {...}}
      - {week: 9, actor: ukraine, kind: break, offer: 1, value: true}
      - {week: 2, actor: united_states, kind: aid, value: 30.0}
    scenario: {...}               # the resolved scenario (every default filled in)
    outcome: {...}                # what the game gave (written by play and replay; checked)

Move kinds (:data:`KINDS`): ``accept`` / ``extend`` (``value`` true or false, ``offer`` the
index into the game's offers: the scenario's, then the players' proposals in move order),
``break`` (``value: true`` breaks the ceasefire of ``offer`` that week; keeping is the
default), ``propose`` (``terms`` and ``parties``: an offer put that week), ``aid`` (a patron's
annual aid level in EUR bn from that week on), ``sanctions`` (``value`` true: the United States
imposes the sanctions of its threat from that week on; false lifts them), ``sanctions_threat`` (the United States
executes its threatened sanctions after Russia alone refused its offer) and ``aid_pause``
(it pauses aid to Kyiv after Ukraine alone refused).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from sim import __version__
from sim.scenario.errors import InputError, Problem
from sim.scenario.offers import ACTORS, BELLIGERENTS, Offer, Terms
from sim.scenario.schema import Scenario, from_data

FORMAT = 1
KINDS = ("accept", "extend", "break", "propose", "aid", "sanctions", "sanctions_threat", "aid_pause")
#: Decisions the game stops for when a seat has no move: the seat must answer.
BLOCKING = ("accept", "extend", "sanctions_threat", "aid_pause")
#: Kinds that name an offer (its index among the game's offers).
WITH_OFFER = ("accept", "extend", "break")
PATRON_KINDS = ("aid", "sanctions", "sanctions_threat", "aid_pause")
#: Who may make which move: the belligerents break ceasefires, the patrons set aid, the US threatens.
ALLOWED = {"aid": ("united_states", "europe"), "sanctions": ("united_states",), "sanctions_threat": ("united_states",),
           "aid_pause": ("united_states",), "break": BELLIGERENTS}
MAX_AID_BN = 1000.0
MAX_SEATS = 2
MAX_MOVES = 5000
TOP_KEYS = ("game", "ceasefire_sim", "seed", "replication", "seats", "weeks_played", "moves", "scenario", "outcome")
MOVE_KEYS = ("week", "actor", "kind", "offer", "value", "terms", "parties")


@dataclass(frozen=True)
class Move:
    """One choice of a seat: at ``week``, ``actor`` makes a ``kind`` of move."""

    week: int
    actor: str
    kind: str
    offer: int | None = None
    value: Any = None
    terms: Terms | None = None
    parties: tuple[str, ...] = BELLIGERENTS

    def key(self) -> tuple:
        """The decision point this move answers (proposals have none)."""
        return (self.week, self.kind, self.actor, self.offer if self.kind in WITH_OFFER else None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"week": self.week, "actor": self.actor, "kind": self.kind}
        if self.kind in WITH_OFFER:
            out["offer"] = self.offer
        if self.kind == "propose":
            out["parties"] = list(self.parties)
            out["terms"] = self.terms.to_yaml()
        else:
            out["value"] = self.value
        return out


def proposal_offer(move: Move, number: int) -> Offer:
    """The :class:`Offer` a ``propose`` move puts on the table in its week."""
    return Offer(name=f"{move.actor}_proposal_{number}", proposer=move.actor, week=move.week, terms=move.terms,
                 parties=tuple(move.parties), preset="custom",
                 source=f"role-play: proposed by the player ({move.actor}) in week {move.week}")


@dataclass
class Game:
    """Scenario + seed + replication + seats + moves: everything a game is."""

    scenario: Scenario
    seed: int
    replication: int
    seats: tuple[str, ...]
    moves: list[Move] = field(default_factory=list)
    weeks_played: int = 0
    outcome: dict[str, Any] | None = None

    @property
    def horizon(self) -> int:
        return self.scenario.horizon_weeks

    def proposals(self) -> list[Move]:
        return [m for m in self.moves if m.kind == "propose"]

    def world_scenario(self) -> Scenario:
        """The scenario the game's model runs: the seed, and the players' proposals as offers."""
        extra = tuple(proposal_offer(m, i) for i, m in enumerate(self.proposals()))
        return replace(self.scenario, seed=self.seed, replications=1, offers=tuple(self.scenario.offers) + extra)

    def offers(self) -> tuple[Offer, ...]:
        return self.world_scenario().offers

    def to_dict(self) -> dict[str, Any]:
        out = {"game": FORMAT, "ceasefire_sim": __version__, "seed": self.seed, "replication": self.replication,
               "seats": list(self.seats), "weeks_played": self.weeks_played,
               "moves": [m.to_dict() for m in self.moves], "scenario": self.scenario.to_dict()}
        if self.outcome is not None:
            out["outcome"] = self.outcome
        return out

    def to_bytes(self, fmt: str = "yaml") -> bytes:
        """The game file: the same game gives the same bytes."""
        data = self.to_dict()
        if fmt == "json":
            return (json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False, allow_nan=False) + "\n").encode()
        head = ("# ceasefire-sim game file: replay it with `ceasefire-sim replay <this file>`,\n"
                "# see docs/classroom.md for the format.\n")
        return (head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)).encode("utf-8")


def format_of(path: str | Path) -> str:
    return "json" if str(path).lower().endswith(".json") else "yaml"


# -- reading and checking --------------------------------------------------------------------
class _Checker:
    def __init__(self, loc):
        self.loc = loc
        self.problems: list[Problem] = []

    def problem(self, path: tuple, message: str) -> None:
        from sim.scenario.yamlio import dotted

        line = self.loc.line(path) if path else None
        self.problems.append(Problem(self.loc.file, line, dotted(path) if path else "", message))

    def integer(self, value, path, lo, hi) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.problem(path, f"expected a whole number from {lo} to {hi}, got {value!r:.60}")
            return None
        return value


def check_actor(c: _Checker, value, path) -> str | None:
    if value not in ACTORS:
        from sim.scenario.schema import _suggest

        c.problem(path, f"expected one of {', '.join(ACTORS)}, got {value!r:.60}{_suggest(value, ACTORS)}")
        return None
    return value


def parse_terms(raw: Any, label: str = "<move>") -> Terms:
    """Terms of a proposal, checked like a scenario's (``offers[0].terms``)."""
    data = {"name": "proposal", "offers": [{"preset": "custom", "terms": raw}]}
    return from_data(data, label).offers[0].terms


def read_game(path: str | Path) -> Game:
    """Read and check a game file (YAML or JSON: JSON is YAML).

    Raises
    ------
    InputError
        Every problem found, each with the file, line and key.
    """
    from sim.scenario.yamlio import load

    loc = load(path)
    return game_from(loc)


def loads_game(text: str, file: str = "<game>") -> Game:
    from sim.scenario.yamlio import loads

    return game_from(loads(text, file))


def game_from(loc) -> Game:
    c = _Checker(loc)
    data = loc.data
    if not isinstance(data, dict):
        raise InputError.single(loc.file, None, "", "expected a game file (a mapping with game, seed, seats, "
                                                    "moves, scenario); write one with `ceasefire-sim play`")
    for k in data:
        if k not in TOP_KEYS:
            c.problem((k,), f"unknown key; expected one of {', '.join(TOP_KEYS)}")
    if data.get("game") != FORMAT:
        c.problem(("game",), f"expected game: {FORMAT} (the game file format), got {data.get('game')!r:.40}")
    seed = c.integer(data.get("seed"), ("seed",), 0, 2 ** 63 - 1)
    replication = c.integer(data.get("replication"), ("replication",), 0, 10 ** 9)
    seats_raw = data.get("seats")
    seats: list[str] = []
    if not isinstance(seats_raw, list) or not 1 <= len(seats_raw) <= MAX_SEATS:
        c.problem(("seats",), f"expected a list of one or two actors from {', '.join(ACTORS)}, got {seats_raw!r:.60}")
    else:
        for i, s in enumerate(seats_raw):
            if check_actor(c, s, ("seats", i)) is not None:
                seats.append(s)
        if len(set(seats)) != len(seats):
            c.problem(("seats",), "a seat is taken twice")
    scenario = None
    if not isinstance(data.get("scenario"), dict):
        c.problem(("scenario",), "expected the resolved scenario (a mapping, as `ceasefire-sim play` writes it)")
    else:
        try:
            scenario = from_data(data["scenario"], f"{loc.file}: scenario")
        except InputError as exc:
            c.problems.extend(exc.problems)
    horizon = scenario.horizon_weeks if scenario else 1040
    weeks = c.integer(data.get("weeks_played", 0), ("weeks_played",), 0, horizon)
    moves: list[Move] = []
    raw_moves = data.get("moves") or []
    if not isinstance(raw_moves, list) or len(raw_moves) > MAX_MOVES:
        c.problem(("moves",), f"expected a list of at most {MAX_MOVES} moves")
        raw_moves = []
    n_offers = len(scenario.offers) if scenario else 0
    last_week = 0
    for i, item in enumerate(raw_moves):
        move = parse_move(c, item, ("moves", i), seats, horizon)
        if move is None:
            continue
        if move.week < last_week:
            c.problem(("moves", i, "week"), f"moves must be in week order: week {move.week} after week {last_week}")
        last_week = max(last_week, move.week)
        if move.kind == "propose":
            n_offers += 1
        moves.append(move)
    for i, move in enumerate(moves):
        if move.kind in WITH_OFFER and move.offer is not None and move.offer >= n_offers:
            c.problem(("moves", i, "offer"), f"offer {move.offer} does not exist: the game has {n_offers} offers "
                                             "(the scenario's, then the proposals)")
    if c.problems:
        raise InputError(c.problems)
    outcome = data.get("outcome") if isinstance(data.get("outcome"), dict) else None
    return Game(scenario, seed, replication, tuple(seats), moves, weeks, outcome)


def parse_move(c: _Checker, item: Any, path: tuple, seats, horizon: int) -> Move | None:
    if not isinstance(item, dict):
        c.problem(path, f"expected a move mapping (week, actor, kind, ...), got {item!r:.60}")
        return None
    ok = True
    for k in item:
        if k not in MOVE_KEYS:
            c.problem(path + (k,), f"unknown move key; expected one of {', '.join(MOVE_KEYS)}")
            ok = False
    week = c.integer(item.get("week"), path + ("week",), 0, horizon - 1)
    actor = check_actor(c, item.get("actor"), path + ("actor",))
    if actor is not None and actor not in seats:
        c.problem(path + ("actor",), f"{actor} is not a seat of this game (seats: {', '.join(seats)})")
        ok = False
    kind = item.get("kind")
    if kind not in KINDS:
        from sim.scenario.schema import _suggest

        c.problem(path + ("kind",), f"expected one of {', '.join(KINDS)}, got {kind!r:.60}{_suggest(kind, KINDS)}")
        return None
    if actor is not None and kind in ALLOWED and actor not in ALLOWED[kind]:
        c.problem(path + ("kind",), f"{actor} cannot make a {kind} move (only {', '.join(ALLOWED[kind])})")
        ok = False
    offer = value = terms = None
    parties: tuple[str, ...] = BELLIGERENTS
    if kind in WITH_OFFER:
        offer = c.integer(item.get("offer"), path + ("offer",), 0, 10 ** 6)
    if kind == "propose":
        try:
            terms = parse_terms(item.get("terms") or {}, f"{c.loc.file}: {'.'.join(map(str, path))}")
        except InputError as exc:
            c.problems.extend(exc.problems)
            ok = False
        raw = item.get("parties", list(BELLIGERENTS))
        if not isinstance(raw, list) or not raw or any(p not in ACTORS for p in raw) or len(set(raw)) != len(raw):
            c.problem(path + ("parties",), f"expected a list of distinct actors from {', '.join(ACTORS)}, got {raw!r:.60}")
            ok = False
        else:
            parties = tuple(raw)
    elif kind == "aid":
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not 0 <= value <= MAX_AID_BN:
            c.problem(path + ("value",), f"expected an aid level in EUR bn per year from 0 to {MAX_AID_BN:g}, got {value!r:.60}")
            ok = False
        else:
            value = float(value)
    else:
        value = item.get("value")
        if not isinstance(value, bool):
            c.problem(path + ("value",), f"expected true or false, got {value!r:.60}")
            ok = False
    if not ok or week is None or actor is None or (kind in WITH_OFFER and offer is None):
        return None
    return Move(week, actor, kind, offer, value, terms, parties)


def new_game(scenario: Scenario, seats, seed: int | None = None, replication: int = 0) -> Game:
    """A game not yet played, with its seats checked."""
    problems = []
    seats = tuple(seats)
    if not 1 <= len(seats) <= MAX_SEATS or len(set(seats)) != len(seats):
        problems.append(Problem("<command line>", None, "--seat", "choose one actor, or two different ones"))
    for s in seats:
        if s not in ACTORS:
            from sim.scenario.schema import _suggest

            problems.append(Problem("<command line>", None, "--seat",
                                    f"unknown actor {s!r}; expected one of {', '.join(ACTORS)}{_suggest(s, ACTORS)}"))
    if problems:
        raise InputError(problems)
    return Game(scenario, scenario.seed if seed is None else int(seed), int(replication), seats)
