"""A game played: one replication of the scenario, the seats decided by the players.

The game steps an R=1 :class:`~sim.engine.model.CeasefireModel` (replication
``game.replication`` of ``game.seed``: the same draws as that row of ``run``). At every
decision point the model asks its ``decider`` (:meth:`CeasefireModel.choose`); the
:class:`Decider` of a game answers for the seats from the game's moves, and lets the model's
own actors decide everything else. A game is a pure function of its moves: to go on after a
new move it is played again from week 0 (an R=1 run of 156 weeks takes ~0.07 s), so no model
state is ever copied or kept between requests.

* **Blocking** decisions (:data:`sim.play.game.BLOCKING`: accept or refuse an offer, extend a
  truce, the US reaction to a refusal) need a move: without one the game stops there
  (:class:`Pending`) and the seat answers.
* **Standing** choices keep their value until the seat changes them: a ceasefire is kept
  unless a ``break`` move breaks it; a patron's aid is the model's policy until an ``aid`` move
  sets a level, which then holds.
* **Autopilot** answers every decision of the seats with the model's own choice and records
  it as a move: replaying those moves gives the model's run of that replication, bit for bit.

Every decision of a seat is logged (:class:`Decision`) with the model actor's choice at the
same point of the player's world and the margin that explains it (for the debrief).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.engine.model import OUTCOME_CLASSES, CeasefireModel
from sim.engine.outcomes import Outcomes
from sim.engine.simulate import release_model
from sim.engine.subset import ViewCache, view
from sim.output.labels import LABELS
from sim.play.game import BLOCKING, WITH_OFFER, Game, Move
from sim.scenario.errors import InputError, Problem
from sim.scenario.offers import ACTORS


class Pending(Exception):
    """The game stops: a seat must answer the decision ``point`` (a JSON-able dict)."""

    def __init__(self, point: dict[str, Any]):
        super().__init__(point["question"])
        self.point = point


@dataclass
class Decision:
    """One decision of a seat: what the player chose, and what the model's actor would have."""

    week: int
    actor: str
    kind: str
    offer: int | None
    player: Any
    model: Any
    margin: dict[str, float] | None = None   # the parts of the model actor's rule (sum > 0: yes)
    note: str = ""

    @property
    def differs(self) -> bool:
        return self.player != self.model

    def to_json(self) -> dict[str, Any]:
        return {"week": self.week, "actor": self.actor, "kind": self.kind, "offer": self.offer,
                "player": self.player, "model": self.model, "differs": self.differs,
                "margin": self.margin, "note": self.note}


def _f(x) -> float:
    return float(np.asarray(x, dtype=np.float64).reshape(-1)[0])


class Decider:
    """The decision hook of a game's model: the seats' moves, else the model's choice.

    Parameters
    ----------
    game : Game (its ``moves`` are read; with ``autopilot`` the model's choices are appended)
    model : the game's R=1 model
    autopilot : answer every seat decision with the model's own choice (and record it)
    autopilot_from : the first week autopilot answers (earlier standing choices stay the players')
    explain : compute the model actor's margin at every seat decision (the debrief's)
    """

    def __init__(self, game: Game, model: CeasefireModel, autopilot: bool = False, explain: bool = True,
                 autopilot_from: int = 0):
        self.game, self.model, self.autopilot, self.explain = game, model, autopilot, explain
        self.autopilot_from = autopilot_from
        self.seats = set(game.seats)
        self.moves: dict[tuple, int] = {}
        for i, m in enumerate(game.moves):
            if m.kind != "propose":
                if m.key() in self.moves:
                    raise InputError.single("<game>", None, f"moves[{i}]",
                                            f"a second {m.kind} move of {m.actor} in week {m.week}")
                self.moves[m.key()] = i
        self.used: set[int] = set()
        self.aid: dict[str, float] = {}
        self.sanctions: dict[str, bool] = {}
        self.decisions: list[Decision] = []
        self.n_scenario_offers = len(game.scenario.offers)

    def __call__(self, kind, actor, choice, where, offer=None):
        if actor not in self.seats or (where is not None and not bool(np.asarray(where)[0])):
            return choice
        m, t = self.model, self.model.week
        key = (t, kind, actor, offer if kind in WITH_OFFER else None)
        if kind == "aid":
            return self._aid(actor, choice, key, t)
        if kind == "sanctions":
            return self._sanctions(actor, choice, key, t)
        if kind in ("accept", "extend"):
            o = m.offers[offer]
            if actor not in o.parties:           # not asked: its answer does not count
                return choice
            if kind == "accept" and offer >= self.n_scenario_offers and o.proposer == actor:
                self.decisions.append(Decision(t, actor, kind, offer, True, bool(choice[0]), None, "own proposal"))
                return np.ones_like(choice)
        model_choice = bool(np.asarray(choice)[0])
        if key in self.moves:
            i = self.moves[key]
            self.used.add(i)
            value = bool(self.game.moves[i].value)
        elif self.autopilot and t >= self.autopilot_from:
            value = model_choice
            if kind in BLOCKING or value:
                self.game.moves.append(Move(t, actor, kind, offer, value))
                self.moves[key] = len(self.game.moves) - 1
                self.used.add(len(self.game.moves) - 1)
        elif kind == "break":
            value = False                        # standing: a ceasefire is kept unless broken
        else:
            raise Pending(self.point(kind, actor, offer))
        if kind == "sanctions_threat" and value:     # executing the threat overrides sanctions lifted before
            self.sanctions.pop(actor, None)
        margin = self.margin(kind, actor, offer) if self.explain else None
        note = ""
        if margin and "vetoed" in margin:     # a red line: the model's actor refuses whatever the margin
            note = "vetoed by red line " + ", ".join(margin.pop("vetoed"))
        self.decisions.append(Decision(t, actor, kind, offer, value, model_choice, margin, note))
        return np.full(np.shape(choice), value, dtype=bool)

    def _aid(self, actor, choice, key, t):
        model_level = _f(choice)
        if key in self.moves:
            i = self.moves[key]
            self.used.add(i)
            self.aid[actor] = float(self.game.moves[i].value)
            self.decisions.append(Decision(t, actor, "aid", None, self.aid[actor], round(model_level, 6)))
        if actor in self.aid:
            return np.full(self.model.n, self.aid[actor])
        return choice

    def _sanctions(self, actor, choice, key, t):
        """Standing: the US sanctions the seat set hold from their week on (else as they are)."""
        if key in self.moves:
            i = self.moves[key]
            self.used.add(i)
            self.sanctions[actor] = bool(self.game.moves[i].value)
            self.decisions.append(Decision(t, actor, "sanctions", None, self.sanctions[actor],
                                           bool(np.asarray(choice)[0])))
        if actor in self.sanctions:
            return np.full(self.model.n, self.sanctions[actor])
        return choice

    # -- what the model's actor weighs ----------------------------------------------------
    def margin(self, kind: str, actor: str, offer: int | None) -> dict[str, float] | None:
        """The parts of the model actor's rule at this point; their sum > 0 means yes.

        Computed on a view of the model with its own caches, so the game's numbers are
        untouched (the oracle tests check it).
        """
        m, t = self.model, self.model.week
        if kind == "accept":
            from sim.engine.decomposition import BREAKDOWN, decision_parts

            v = view(m, np.arange(m.n), ViewCache())
            a = v.actors[actor]
            o = m.offers[offer]
            parts = {k: round(_f(x), 6) for k, x in decision_parts(a, o, t).items() if k != BREAKDOWN}
            if a.vetoes(o):
                parts["vetoed"] = a.vetoes(o)
            return parts
        if kind == "extend":
            v = view(m, np.arange(m.n), ViewCache())
            a = v.actors[actor]
            ev = a.evaluate(m.offers[offer], proposal=False)
            parts = {"margin": round(_f(ev.margin), 6), "resolve": round(-_f(a.resolve), 6),
                     "noise": round(-_f(m.weekly_noise(f"decide:{actor}", t)), 6)}
            if ev.vetoed:
                parts["vetoed"] = list(ev.vetoed)
            return parts
        if kind == "break":
            a = m.actors[actor]
            terms = m.offers[offer].terms
            return {"gain_from_resuming": round(_f(m.keep_gain[actor]), 6),
                    "violation_cost": round(-_f(m.violation_cost(terms)), 6),
                    "resolve": round(_f(a.resolve), 6),
                    "noise": round(-_f(m.weekly_noise(f"break:{actor}", t)), 6)}
        if kind == "sanctions_threat":
            return {"credibility": round(_f(m.p["united_states.threat_credibility"]), 6),
                    "draw": round(-_f(m.threat_draw), 6)}
        return None

    # -- the question put to the seat -------------------------------------------------------
    def point(self, kind: str, actor: str, offer: int | None) -> dict[str, Any]:
        m = self.model
        questions = {
            "accept": "accept or refuse the offer on the table?",
            "extend": "the truce ends this week: extend it?",
            "sanctions_threat": "Russia alone refused your offer: execute the threatened sanctions?",
            "aid_pause": "Ukraine alone refused your offer: pause aid to Kyiv (the 2025 policy)?",
        }
        return {"week": m.week, "actor": actor, "kind": kind, "offer": offer,
                "question": f"{LABELS.get(actor, actor)}, week {m.week}: {questions[kind]}",
                "situation": situation(m, actor, offer)}


@dataclass
class Played:
    """A game played up to ``model.week`` (or stopped at ``pending``)."""

    game: Game
    model: CeasefireModel
    decisions: list[Decision]
    pending: dict[str, Any] | None
    unused: list[int] = field(default_factory=list)   # moves whose decision never came

    @property
    def week(self) -> int:
        return self.model.week

    @property
    def finished(self) -> bool:
        return self.pending is None and self.model.week >= self.model.horizon

    def outcome(self) -> dict[str, Any]:
        """The game's row of the outcomes table (as ``run`` writes it), JSON-able."""
        return outcome_row(Outcomes.from_model(self.model))


def outcome_row(out: Outcomes, i: int = 0) -> dict[str, Any]:
    row = {}
    for k, v in out.columns.items():
        x = v[i]
        if isinstance(x, (np.bool_, bool)):
            row[k] = bool(x)
        elif isinstance(x, (np.integer, int)):
            row[k] = int(x)
        elif isinstance(x, (np.floating, float)):
            row[k] = None if not np.isfinite(x) else float(x)
        else:
            row[k] = str(x)
    return row


def build_model(game: Game) -> CeasefireModel:
    return CeasefireModel(game.world_scenario(), replication_ids=np.array([game.replication], dtype=np.int64))


def play(game: Game, until: int | None = None, autopilot: bool = False, explain: bool = True,
         autopilot_from: int = 0) -> Played:
    """Play ``game`` from week 0 to week ``until`` (default: the horizon), or to its next question.

    After a collapse no decision is left: the game runs on to the horizon (utilities keep
    accruing at the terminal line, as in ``run``).
    """
    model = build_model(game)
    decider = Decider(game, model, autopilot=autopilot, explain=explain, autopilot_from=autopilot_from)
    model.decider = decider
    target = model.horizon if until is None else min(int(until), model.horizon)
    pending = None
    try:
        while model.week < target or (bool(model.ended[0]) and model.week < model.horizon):
            model.step()
    except Pending as exc:
        pending = exc.point
    unused = [i for i, mv in enumerate(game.moves)
              if mv.kind != "propose" and i not in decider.used and mv.week < model.week]
    release_model(model)
    return Played(game, model, decider.decisions, pending, unused)


def replay(game: Game, file: str = "<game>") -> Played:
    """Play a game file's moves to its ``weeks_played``; every move must answer a decision.

    Raises
    ------
    InputError
        A decision no move answers (an incomplete file), or a move no decision matches.
    """
    played = play(game, until=game.weeks_played)
    problems = []
    if played.pending is not None:
        p = played.pending
        what = f" offer {p['offer']}" if p.get("offer") is not None else ""
        problems.append(Problem(file, None, "moves", f"no move answers week {p['week']}: {p['actor']} {p['kind']}"
                                                     f"{what} ({p['question']})"))
    for i in played.unused:
        mv = game.moves[i]
        problems.append(Problem(file, None, f"moves[{i}]", f"no {mv.kind} decision of {mv.actor} in week {mv.week}"
                                f"{' on offer ' + str(mv.offer) if mv.offer is not None else ''} in this game"))
    for i, mv in enumerate(game.moves):
        if mv.week >= game.weeks_played:
            problems.append(Problem(file, None, f"moves[{i}]", f"week {mv.week} is not before weeks_played "
                                                               f"({game.weeks_played})"))
    if problems:
        raise InputError(problems)
    return played


# -- what the seat sees -------------------------------------------------------------------------
def describe_terms(terms) -> str:
    parts = [f"line: {terms.line.replace('_', ' ')}"]
    if terms.recognition != "none":
        parts.append(f"recognition {terms.recognition.replace('_', ' ')}")
    parts.append("indefinite" if terms.duration_days is None else f"{terms.duration_days} days"
                 + (", extendable" if terms.extension else ""))
    if terms.scope != "full":
        parts.append("energy strikes only")
    if terms.monitoring != "none":
        parts.append(f"{terms.monitoring} monitoring")
    if terms.guarantees != "none":
        parts.append(f"guarantees: {terms.guarantees.replace('_', ' ')}")
    if terms.army_cap is not None:
        parts.append(f"Ukrainian army cap {terms.army_cap:g}k")
    if terms.sanctions_relief != "none":
        parts.append(f"{terms.sanctions_relief} sanctions relief")
    if terms.nato_renunciation:
        parts.append("NATO renunciation")
    if terms.prisoner_exchange:
        parts.append("prisoner exchange")
    return ", ".join(parts)


def offer_json(model, i: int) -> dict[str, Any]:
    o = model.offers[i]
    return {"index": i, "name": o.name, "proposer": o.proposer, "week": o.week,
            "repeat_every_weeks": o.repeat_every_weeks, "parties": list(o.parties),
            "terms": o.terms.to_yaml(), "text": describe_terms(o.terms), "source": o.source}


def situation(model: CeasefireModel, actor: str, offer: int | None = None) -> dict[str, Any]:
    """The state of the war as ``actor`` sees it now (JSON-able): what a player's turn shows.

    The actor sees the true front, forces and stocks (as the model's actors do) and its own
    belief about the balance (the multiplier on Russia's relative combat power it projects
    with, :meth:`Actor.current_bias`); its red lines with their sources.
    """
    from sim.scenario.sources import cite

    m, t = model, model.week
    s = m.war
    path = [round(float(x), 4) for x in m.territory_path[:t + 1, 0]] if m.territory_path is not None else []
    recent = path[-5:]
    trend = (recent[-1] - recent[0]) / (len(recent) - 1) if len(recent) > 1 else 0.0
    a = m.actors[actor]
    own, enemy = ("ru", "ua") if actor == "russia" else ("ua", "ru")
    in_cf = bool(m.in_ceasefire[0])
    deal = int(m.deal[0])
    table = [i for i, o in enumerate(m.offers) if o.due(t)] if t < m.horizon else []
    upcoming = [i for i, o in enumerate(m.offers) if t < m.horizon and (o.week > t or o.repeat_every_weeks)]
    p = m.p
    pressure = {
        "us_aid_bn_per_year": round(_f(m.us_aid), 3),
        "europe_aid_bn_per_year": round(_f(m.eu_aid), 3),
        "us_aid_paused_until_week": int(_f(m.us_pause_until)) if _f(m.us_pause_until) > t else None,
        "us_sanctions_threat_executed": bool(m.threat_executed[0]),
        "us_threat_credibility": round(_f(p["united_states.threat_credibility"]), 3),
        "sanctions_production_cut": round(_f(p["sanctions.production_cut"]), 3),
        "aid_pause_weeks": round(_f(p["united_states.aid_pause_weeks"]), 1),
    }
    red_lines = [{"key": k, "description": r.description, "source": r.source, "citation": cite(r.source),
                  "crossed": offer is not None and k in a.vetoes(m.offers[offer])}
                 for k, r in a.profile.red_lines.items() if r.enabled]
    return {
        "week": t, "horizon": m.horizon, "actor": actor, "actor_label": LABELS.get(actor, actor),
        "ended": bool(m.ended[0]), "collapse": int(m.collapse[0]),
        "front": {"territory_pct": round(float(s.territory[0]), 4), "trend_pp_per_week": round(trend, 4),
                  "path": path},
        "forces": {"own_k": round(_f(getattr(s, own + "_force")), 2), "enemy_k": round(_f(getattr(s, enemy + "_force")), 2),
                   "russia_k": round(_f(s.ru_force), 2), "ukraine_k": round(_f(s.ua_force), 2),
                   "believed_russia_power_x": round(_f(a.current_bias()), 4),
                   "own_casualties_k": round(_f(getattr(s, own + "_casualties")), 2),
                   "enemy_casualties_k": round(_f(getattr(s, enemy + "_casualties")), 2),
                   "ukraine_mobilization_pool_k": round(_f(s.ua_pool), 1)},
        "pressure": pressure,
        "ceasefire": {"holding": in_cf, "offer": deal if in_cf else None,
                      "since_week": int(m.current_start[0]) if in_cf else None,
                      "ends_week": (None if not in_cf or not np.isfinite(m.term_end[0]) else round(float(m.term_end[0]), 2)),
                      "ceasefires_so_far": int(m.ceasefires[0])},
        "offers_on_table": [offer_json(m, i) for i in table],
        "offer": offer_json(m, offer) if offer is not None else None,
        "scheduled_offers": [offer_json(m, i) for i in upcoming if i not in table],
        "red_lines": red_lines,
        "utility_so_far": round(_f(m.utility[actor]), 4),
    }


def outcome_label(row: dict) -> str:
    return LABELS.get(row["outcome"], row["outcome"])


__all__ = ["Decider", "Decision", "Pending", "Played", "play", "replay", "situation", "outcome_row",
           "OUTCOME_CLASSES", "ACTORS"]
