"""The proposer's choice of line: ``terms: {line: proposer_optimal}``.

In the bargaining model of Fearon (1995) the proposer offers the settlement it likes best
among those the responder accepts. With ``line: proposer_optimal`` the proposer of an offer
does this for the ceasefire line, per replication and every time the offer is put:

    L* = argmax_L V_deal,proposer(L)   subject to   V_deal,r(L) - V_war,r > 0 for every responder r

where every value is the model's own (:meth:`sim.engine.actors.base.Actor.evaluate`: the war
equations projected over the planning horizon, the breakdown risk of the keep-or-break rule)
and the responders' values are computed **through the proposer's beliefs**: the projections
use the proposer's believed balance of forces and reload fear (:class:`SeenBy`), and the
responder's private resolve and weekly shock are taken at their mean, 0, since the proposer
does not know them. Under ``information: complete`` the proposer's view of the responder is
the responder's own, so a feasible line is accepted.

Candidates are line quantities (% of Ukraine held by Russia): the named lines of
``sim/scenario/offers.py`` (``current``, ``four_regions``, ``pre_2022``, ``pre_2014``) and a grid
from 0 to 100% in steps of :data:`GRID_STEP`; the best feasible candidate is then refined by
:data:`REFINE_STEPS` bisections towards the best infeasible one that the proposer would
prefer (the responder's reservation line lies between them). Red lines written in quantities
(``cedes_unheld``, ``returns_held``: :mod:`sim.engine.lines`) are checked at every candidate;
for red lines written on named lines, a named line that a
party vetoes is not a candidate, and a line quantity at or beyond a vetoed named line (below
it for Russia, whose utility rises with territory; above it for Ukraine) counts as crossing
the same red line. If no candidate is feasible the proposer offers the unvetoed candidate
that comes closest to acceptance (the largest smallest responder margin); if every candidate
is vetoed the offer is not made in that replication (no deal can start).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.engine.subset import view

PROPOSER_OPTIMAL = "proposer_optimal"
NAMED = ("current", "four_regions", "pre_2022", "pre_2014")
#: Spacing of the grid of candidate lines (percentage points of Ukraine).
GRID_STEP = 2.5
#: Bisections refining the best feasible candidate (GRID_STEP / 2**6 = 0.04 pp).
REFINE_STEPS = 6


def uses_chooser(offers) -> bool:
    return any(o.terms.line == PROPOSER_OPTIMAL for o in offers)


class SeenBy:
    """Actor ``actor`` as ``observer`` sees it: its preferences, ``observer``'s beliefs.

    The believed balance of forces and the reload fear are the observer's; the resolve is its
    mean (0), the observer's expectation. Everything else is the actor's own (the model's
    actors know each other's weights and term values).
    """

    def __init__(self, actor, observer):
        from sim.engine.durability import belief_group

        self._actor = actor
        self._observer = observer
        self.belief_key = f"{belief_group(observer)}>{actor.key}"
        self.reload_fear = observer.reload_fear
        self.believes_in_reload_of = observer.believes_in_reload_of
        self.resolve = 0.0

    def __getattr__(self, name):
        return getattr(self._actor, name)

    def current_bias(self):
        return self._observer.current_bias()

    def evaluate(self, offer, proposal: bool = True):
        from sim.engine.actors.base import Actor

        return Actor.evaluate(self, offer, proposal)


def line_crossings(m, actor, offer) -> np.ndarray | None:
    """Per replication, the least extreme line quantity ``actor`` vetoes (None if none).

    For an actor whose utility rises with the line (Russia) lines at or below the returned
    value cross a red line; for one whose utility falls (Ukraine), lines at or above.
    """
    base = set(actor.vetoes(offer))
    bounds = []
    for name in NAMED:
        if set(actor.vetoes(replace(offer, terms=replace(offer.terms, line=name)))) - base:
            bounds.append(np.broadcast_to(np.asarray(m.line_of(replace(offer.terms, line=name)), float), (m.n,)))
    if not bounds:
        return None
    return np.max(bounds, axis=0) if actor.sign > 0 else np.min(bounds, axis=0)


def _crosses(actor, bound, line):
    if bound is None:
        return np.zeros(np.shape(line), dtype=bool)
    return line <= bound if actor.sign > 0 else line >= bound


def _evaluate(v, offer, proposer, responders, line):
    """(proposer's V_deal, smallest responder margin as the proposer sees it) at ``line``."""
    v.proposal_line = np.broadcast_to(np.asarray(line, dtype=np.float64), (v.n,)).copy()
    cache = v.__dict__.get("_forecast_cache", {})
    for key in [k for k in cache if isinstance(k, tuple) and k and k[0] == "deal"]:
        del cache[key]          # the deal's paths depend on the line; the war's do not
    value = proposer.evaluate(offer).v_deal
    margin = np.full(v.n, np.inf)
    for r in responders:
        margin = np.minimum(margin, r.evaluate(offer).margin)
    return value, margin


def quantity_ok(v, offer, actors) -> np.ndarray:
    """Where no red line written in quantities (:mod:`sim.engine.lines`) of ``actors`` vetoes
    the line now in ``v.proposal_line``."""
    from sim.engine import lines

    ok = np.ones(v.n, dtype=bool)
    for a in actors:
        for mask in lines.quantity_vetoes(a.profile, offer, v).values():
            ok &= ~mask
    return ok


def choose(v, offer) -> np.ndarray:
    """The proposer's line in every replication of ``v`` (a model or a view); NaN if none."""
    proposer = v.actors[offer.proposer]
    parties = [v.actors[p] for p in offer.parties]
    responders = [SeenBy(a, proposer) for a in parties if a.key != proposer.key]
    bounds = [(a, line_crossings(v, a, offer)) for a in {**{a.key: a for a in parties}, proposer.key: proposer}.values()]
    n = v.n
    named = [np.broadcast_to(np.asarray(v.line_of(replace(offer.terms, line=nm)), float), (n,)).copy()
             for nm in NAMED]
    grid = [np.full(n, x) for x in np.arange(0.0, 100.0 + 1e-9, GRID_STEP)]
    cands = [np.clip(c, 0.0, 100.0) for c in named + grid]
    values, margins, allowed = [], [], []
    for line in cands:
        value, margin = _evaluate(v, offer, proposer, responders, line)
        ok = quantity_ok(v, offer, [a for a, _ in bounds])
        for actor, bound in bounds:
            ok &= ~_crosses(actor, bound, line)
        values.append(value)
        margins.append(margin)
        allowed.append(ok)
    values, margins, allowed = np.array(values), np.array(margins), np.array(allowed)
    lines = np.array(cands)
    feasible = allowed & (margins > 0)
    cols = np.arange(n)
    best = np.argmax(np.where(feasible, values, -np.inf), axis=0)
    fallback = np.argmax(np.where(allowed, margins, -np.inf), axis=0)
    any_feasible = feasible.any(axis=0)
    pick = np.where(any_feasible, best, fallback)
    chosen = lines[pick, cols]
    chosen_value = values[pick, cols]
    # refine: bisect towards the nearest allowed, infeasible candidate the proposer prefers
    better = allowed & ~feasible & (values > chosen_value)
    dist = np.where(better, np.abs(lines - chosen), np.inf)
    target = np.argmin(dist, axis=0)
    refine = any_feasible & better.any(axis=0)
    lo, hi = chosen.copy(), np.where(refine, lines[target, cols], chosen)
    for _ in range(REFINE_STEPS if refine.any() else 0):
        mid = np.where(refine, 0.5 * (lo + hi), chosen)
        value, margin = _evaluate(v, offer, proposer, responders, mid)
        ok = (margin > 0) & quantity_ok(v, offer, [a for a, _ in bounds])
        for actor, bound in bounds:
            ok &= ~_crosses(actor, bound, mid)
        take = refine & ok & (value > chosen_value)
        chosen = np.where(take, mid, chosen)
        chosen_value = np.where(take, value, chosen_value)
        lo = np.where(take, mid, lo)
        hi = np.where(refine & ~take, mid, hi)
    return np.where(allowed.any(axis=0), np.round(chosen, 9), np.nan)


def propose(m, offer, live: np.ndarray) -> None:
    """Set ``m.proposal_line`` where ``live`` if ``offer`` lets its proposer choose the line.

    Computed on a view of the live replications with its own forecast cache, so the
    candidates' projections never mix with the decisions' (:mod:`sim.engine.durability`).
    """
    if offer.terms.line != PROPOSER_OPTIMAL or offer.terms.scope != "full" or not live.any():
        return
    idx = np.flatnonzero(live)
    v = view(m, idx, m._view_cache)
    v._forecast_cache = {}
    line = m.proposal_line.copy()
    line[idx] = choose(v, offer)
    m.proposal_line = line


def record(m, offer, live: np.ndarray, deal: np.ndarray) -> np.ndarray:
    """Record the proposed line (``chosen_line``: the first agreed one, else the last offered).

    Returns ``deal`` without the replications where no line could be offered.
    """
    if offer.terms.line != PROPOSER_OPTIMAL:
        return deal
    deal = deal & np.isfinite(m.proposal_line)
    m.chosen_line = np.where(live & ~m.line_agreed, m.proposal_line, m.chosen_line)
    m.line_agreed = m.line_agreed | deal
    return deal
