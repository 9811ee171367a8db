"""The app's role-play games: sessions keyed by a random id, bounded in number and in work.

Each browser tab that starts a game gets a random id (:func:`secrets.token_hex`): tabs never
share a game, and an id cannot be guessed by another page. A game is small (its moves; the
R=1 model is rebuilt from them, :mod:`sim.play.session`), so the work is done in the request
thread, under a per-game lock, and at most :data:`MAX_BUSY` games compute at once (others
wait up to :data:`WAIT_SECONDS`, then get 429). At most :data:`MAX_GAMES` games live; a new
one evicts the least recently used game idle for more than :data:`IDLE_SECONDS`, else is
refused (429).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from typing import Any

from sim.app.jobs import Busy
from sim.play.debrief import debrief
from sim.play.game import MAX_SEATS, loads_game, new_game
from sim.play.report import render
from sim.play.session import Session
from sim.scenario.errors import InputError, Problem
from sim.scenario.offers import ACTORS

MAX_GAMES = 24
IDLE_SECONDS = 1800.0
MAX_BUSY = 2
WAIT_SECONDS = 8.0
#: Replications of the model alone in the app's debrief (the CLI's default is 500).
ENSEMBLE = 300
MAX_TEACHER_GAMES = 12
GAME_ID = re.compile(r"^[0-9a-f]{16}$")
REQUEST = "<play request>"


class Games:
    """The live games of one app."""

    def __init__(self, library):
        self.library = library
        self._games: OrderedDict[str, tuple[Session, threading.Lock, list[float]]] = OrderedDict()
        self._lock = threading.Lock()
        self._busy = threading.BoundedSemaphore(MAX_BUSY)

    @contextmanager
    def _work(self):
        if not self._busy.acquire(timeout=WAIT_SECONDS):
            raise Busy("the app is busy with other games; try again in a moment")
        try:
            yield
        finally:
            self._busy.release()

    def __len__(self) -> int:
        return len(self._games)

    # -- games ------------------------------------------------------------------------------
    def start(self, body: Any) -> tuple[str, dict]:
        if not isinstance(body, dict):
            raise InputError.single(REQUEST, None, "", "expected a JSON object")
        seats = body.get("seats")
        if not isinstance(seats, list) or not 1 <= len(seats) <= MAX_SEATS or any(s not in ACTORS for s in seats):
            raise InputError.single(REQUEST, None, "seats", f"choose one or two seats from {', '.join(ACTORS)}")
        key = body.get("scenario")
        if not isinstance(key, str):
            raise InputError.single(REQUEST, None, "scenario", "choose a scenario")
        scenario = self.library.get(key)
        seed, rep = body.get("seed"), body.get("replication", 0)
        problems = []
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2 ** 63):
            problems.append(Problem(REQUEST, None, "seed", "expected a whole number from 0"))
        if isinstance(rep, bool) or not isinstance(rep, int) or not 0 <= rep <= 10 ** 9:
            problems.append(Problem(REQUEST, None, "replication", "expected a whole number from 0 to 10**9"))
        if problems:
            raise InputError(problems)
        with self._work():
            session = Session(new_game(scenario, seats, seed=seed, replication=rep))
        game_id = secrets.token_hex(8)
        with self._lock:
            self._make_room()
            self._games[game_id] = (session, threading.Lock(), [time.monotonic()])
        return game_id, session.state()

    def _make_room(self) -> None:
        while len(self._games) >= MAX_GAMES:
            oldest_id, (_, _, seen) = next(iter(self._games.items()))
            if time.monotonic() - seen[0] < IDLE_SECONDS:
                raise Busy(f"{MAX_GAMES} games are being played; finish one (or wait) before starting another")
            del self._games[oldest_id]

    def get(self, game_id: str) -> tuple[Session, threading.Lock] | None:
        if not GAME_ID.match(game_id or ""):
            return None
        with self._lock:
            entry = self._games.get(game_id)
            if entry is None:
                return None
            self._games.move_to_end(game_id)
            entry[2][0] = time.monotonic()
            return entry[0], entry[1]

    def act(self, game_id: str, body: Any) -> dict | None:
        """One action of a seat (advance, answer, propose, aid, break, autopilot); the new state."""
        found = self.get(game_id)
        if found is None:
            return None
        session, lock = found
        if not isinstance(body, dict):
            raise InputError.single(REQUEST, None, "", "expected a JSON object")
        action = body.get("action")
        with lock, self._work():
            if action == "advance":
                session.advance(body.get("weeks", 1))
            elif action == "answer":
                session.answer(body.get("actor"), body.get("value"))
            elif action == "propose":
                session.propose(body.get("actor"), body.get("terms"), body.get("parties") or ["russia", "ukraine"])
            elif action == "aid":
                session.set_aid(body.get("actor"), body.get("value"))
            elif action == "sanctions":
                session.set_sanctions(body.get("actor"), body.get("value"))
            elif action == "break":
                session.break_ceasefire(body.get("actor"))
            elif action == "autopilot":
                session.autopilot_rest()
            else:
                raise InputError.single(REQUEST, None, "action", "expected one of advance, answer, propose, aid, "
                                                                 "sanctions, break, autopilot")
            return session.state()

    def state(self, game_id: str) -> dict | None:
        found = self.get(game_id)
        if found is None:
            return None
        session, lock = found
        with lock:
            return session.state()

    def file(self, game_id: str, fmt: str) -> bytes | None:
        found = self.get(game_id)
        if found is None:
            return None
        session, lock = found
        with lock:
            return session.game.to_bytes(fmt)

    def debrief(self, game_id: str) -> dict | None:
        found = self.get(game_id)
        if found is None:
            return None
        session, lock = found
        with lock, self._work():
            if not session.finished:
                raise InputError.single(REQUEST, None, "game", "finish the game first (or let the model play it out)")
            return debrief(session.game, "<this game>", ENSEMBLE)

    # -- the teacher's view ---------------------------------------------------------------------
    def teacher(self, body: Any) -> dict:
        """Game files uploaded by the teacher -> the side-by-side debrief (rows, and report.html)."""
        files = body.get("games") if isinstance(body, dict) else None
        if not isinstance(files, list) or not files or len(files) > MAX_TEACHER_GAMES \
                or not all(isinstance(f, dict) and isinstance(f.get("text"), str) for f in files):
            raise InputError.single(REQUEST, None, "games", f"expected 1 to {MAX_TEACHER_GAMES} game files "
                                                            "({name, text})")
        reports, problems = [], []
        with self._work():
            for i, f in enumerate(files):
                name = str(f.get("name") or f"game {i + 1}")[:100]
                try:
                    reports.append((name, debrief(loads_game(f["text"], name), name, ENSEMBLE)))
                except InputError as exc:
                    problems.extend(exc.problems)
        if problems:
            raise InputError(problems)
        rows = [{"file": n, "scenario": r["scenario"], "seats": r["seats"], "seed": r["seed"],
                 "replication": r["replication"], "outcome": r["player"]["outcome"],
                 "model_outcome": r["model_same_world"]["outcome"],
                 "territory_end_pct": r["player"]["territory_end_pct"],
                 "model_territory_end_pct": r["model_same_world"]["territory_end_pct"],
                 "utility": r["utility"], "differing": r["decisions"]["differing"],
                 "decisions": r["decisions"]["total"]} for n, r in reports]
        return {"rows": rows, "html": render(reports, "Role-play debrief: the class")}
