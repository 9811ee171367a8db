"""What would flip it: the smallest single change that makes a refusing actor accept.

For an actor who refuses an offer in most replications at the offer's first week, try one
change at a time, found with the simulator (the model's own accept decision, common random
numbers: the same seed and replications for every candidate):

* **a term of the offer**: every other choice of each term in
  :data:`sim.scenario.offers.TERM_CHOICES` and each yes/no term flipped;
* **a term's number** (the army cap, a truce's duration): the smallest change of the value,
  up or down, found by bisection between the offer's value and the schema's bound (a whole
  number of thousand soldiers or of days);
* **an assumption**: the actor's weights, term values, beliefs and resolve spread, and every
  scenario parameter, scaled by a factor (the whole distribution), down to x 0.25 or up to
  x 2; the smallest factor that works is found by bisection to 0.001, and the assumption
  needing the smallest relative change |factor - 1| is reported; and each enabled red line
  switched off.

The first term choice that works (in the order of ``TERM_CHOICES``), the smallest change of
a term's number, the first red line whose removal works and the smallest assumption change
are reported (accept share >= ``target``; no assumption is tried while a red line vetoes the
offer: the veto does not depend on them). Bisection assumes the accept share crosses the
target once between the current value and the end of the range, which the common random
numbers make a step function: every reported change was itself simulated, and the value one
step nearer the current one was simulated and does not flip. Every run is short (horizon =
the offer's week + 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.actors.base import vetoing_red_lines
from sim.engine.decomposition import part_names
from sim.engine.model import CeasefireModel
from sim.scenario.distributions import Param
from sim.scenario.errors import InputError
from sim.scenario.offers import TERM_CHOICES
from sim.scenario.schema import Scenario

#: Bisection step of a scale factor (the factor is a whole number of thousandths).
SCALE_STEP = 1000
#: Numeric terms bisected: name -> (lowest, highest value, unit) (the schema's bounds).
NUMERIC_TERMS = {"army_cap": (0, 5000, "thousand soldiers"), "duration_days": (1, 36500, "days")}
#: Yes/no terms that a flip may switch.
BOOL_TERMS = ("extension", "nato_renunciation", "prisoner_exchange")


@dataclass
class Flip:
    """One change that was tried and what the actor then did."""

    kind: str            # 'term', 'term value', 'assumption' or 'red line'
    path: str            # the dotted path given to Scenario.with_changes
    description: str
    accept_share: float

    def to_json(self) -> dict:
        return {"kind": self.kind, "path": self.path, "change": self.description,
                "accept_share": round(self.accept_share, 6)}


def accept_share(scenario: Scenario, actor: str, index: int) -> float | None:
    """Share of the replications offered ``index`` at its first week in which ``actor`` accepts."""
    offer = scenario.offers[index]
    m = CeasefireModel(scenario, horizon_weeks=offer.week + 1, record_trajectories=False).run()
    rec = (m.margins[index] or {}).get(actor)
    if not rec:
        return None
    total = sum(rec[k] for k in part_names(rec))
    put = np.isfinite(total)
    if not put.any():
        return None
    if m.actors[actor].vetoes(offer):
        return 0.0
    vetoed = np.zeros(m.n, dtype=bool)          # red lines in quantities veto per replication
    for mask in m.quantity_vetoed[index][actor].values():
        vetoed |= mask
    return float(np.mean((total > 0)[put] & ~vetoed[put]))


def scaled(param: Param, factor: float) -> Param:
    """The distribution of ``factor * X`` (spreads scale too, except the lognormal's sigma)."""
    if param.kind == "lognormal":
        return Param(param.kind, (param.args[0] * factor, param.args[1]))
    return Param(param.kind, tuple(a * factor for a in param.args))


def term_candidates(scenario: Scenario, index: int):
    terms = scenario.offers[index].terms
    for name, choices in TERM_CHOICES.items():
        for value in choices:
            if value != getattr(terms, name):
                yield f"offers[{index}].terms.{name}", value, f"{name.replace('_', ' ')}: " \
                    f"{str(getattr(terms, name)).replace('_', ' ')} -> {str(value).replace('_', ' ')}"
    for name in BOOL_TERMS:
        now = bool(getattr(terms, name))
        yield f"offers[{index}].terms.{name}", not now, f"{name.replace('_', ' ')}: {now} -> {not now}"


def assumption_params(scenario: Scenario, actor: str) -> dict[str, Param]:
    prof = scenario.actors[actor]
    out = {}
    for part in ("weights", "term_values", "beliefs"):
        for key, param in getattr(prof, part).items():
            out[f"actors.{actor}.{part}.{key}"] = param
    out[f"actors.{actor}.resolve_sd"] = prof.resolve_sd
    out.update(scenario.params)
    return out


def _try(scenario, changes, actor, index):
    try:
        changed = scenario.with_changes(changes)
    except InputError:        # out of the parameter's bounds, or not a valid offer
        return None
    return accept_share(changed, actor, index)


def bisect(flips, near: int, far: int) -> int:
    """The integer nearest ``near`` (exclusive) towards ``far`` (inclusive) where ``flips`` is
    true, given ``flips(far)`` and not ``flips(near)``: one crossing assumed in between."""
    while abs(far - near) > 1:
        mid = (near + far) // 2
        if flips(mid):
            far = mid
        else:
            near = mid
    return far


def first_flip(flips, start: int, levels: list[int]) -> int | None:
    """Walk ``levels`` (ordered away from ``start``) to the first that flips, then bisect the
    bracket before it: the flip nearest ``start`` (to one integer step), or None."""
    near = start
    for level in levels:
        if flips(level):
            return bisect(flips, near, level)
        near = level
    return None


#: Coarse levels of a numeric term, as multiples of its value (then bisected).
TERM_LEVELS_UP = (1.1, 1.25, 1.5, 2, 3, 5, 10, 30, 100, 1000)
TERM_LEVELS_DOWN = (0.9, 0.75, 0.5, 0.25, 0.0)


def _relative(value: float, start: float) -> float:
    return abs(value - start) / max(abs(start), 1.0)


def _numeric_terms(base: Scenario, actor: str, index: int, target: float, result: dict) -> Flip | None:
    """The smallest change of a numeric term (army cap, duration) that makes ``actor`` accept."""
    terms = base.offers[index].terms
    best = None
    for name, (lo, hi, unit) in NUMERIC_TERMS.items():
        now = getattr(terms, name)
        if now is None:
            continue
        path = f"offers[{index}].terms.{name}"
        shares: dict[int, float | None] = {}

        def flips(v: int, path=path, shares=shares) -> bool:
            if v not in shares:
                shares[v] = _try(base, {path: v}, actor, index)
                result["tried"] += 1
            return shares[v] is not None and shares[v] >= target

        start = int(round(now))
        for factors in (TERM_LEVELS_UP, TERM_LEVELS_DOWN):
            levels = []
            for f in factors:
                v = min(max(int(round(start * f)), lo), hi)
                if v != start and v not in levels:
                    levels.append(v)
            found = first_flip(flips, start, levels + [e for e in (hi if factors is TERM_LEVELS_UP else lo,)
                                                       if e != start and e not in levels])
            if found is not None and (best is None or _relative(found, start) < _relative(best[1], best[3])):
                best = (name, found, shares[found], start, unit, path)
    if best is None:
        return None
    name, found, share, start, unit, path = best
    return Flip("term value", path, f"{name.replace('_', ' ')}: {start:,} -> {found:,} {unit}", share)


#: Coarse levels of an assumption's scale factor, by relative change (then bisected to 0.001).
SCALE_LEVELS = ((0.9, 1.1), (0.75, 1.25), (0.5, 1.5), (0.25, 2.0))


def _assumption(base: Scenario, actor: str, index: int, target: float, result: dict) -> Flip | None:
    """The assumption needing the smallest relative scaling |factor - 1| to make ``actor`` accept.

    The coarse levels are tried for every assumption, nearest first; at the first level where
    any assumption flips, each that does is bisected back towards the previous level, and the
    smallest factor wins (none can flip nearer: the previous level flipped none).
    """
    params = {p: v for p, v in assumption_params(base, actor).items() if not (v.kind == "fixed" and v.args[0] == 0)}
    cache: dict[tuple[str, int], float | None] = {}

    def flips(path: str, k: int) -> bool:                    # factor k / SCALE_STEP
        if (path, k) not in cache:
            cache[path, k] = _try(base, {path: scaled(params[path], k / SCALE_STEP).to_yaml()}, actor, index)
            result["tried"] += 1
        v = cache[path, k]
        return v is not None and v >= target

    one = SCALE_STEP
    previous = {True: one, False: one}                        # per direction (up?): the last level tried
    for level in SCALE_LEVELS:
        ks = [int(round(f * SCALE_STEP)) for f in level]
        hits = [(path, k) for k in ks for path in params if flips(path, k)]
        if hits:
            found = [(path, bisect(lambda j, path=path: flips(path, j), previous[k > one], k)) for path, k in hits]
            path, k = min(found, key=lambda pk: (abs(pk[1] - one), pk[1]))
            factor = k / SCALE_STEP
            return Flip("assumption", path, f"{path} x {factor:g} ({params[path]} -> {scaled(params[path], factor)})",
                        cache[path, k])
        previous = {k > one: k for k in ks}
    return None


def find_flips(scenario: Scenario, actor: str, index: int = 0, replications: int = 300,
               target: float = 0.5) -> dict:
    """The first term choice, the smallest change of a term's number, the first red line and
    the smallest assumption change making ``actor`` accept.

    Returns ``{"baseline": share, "term": Flip | None, "term_value": Flip | None,
    "red_line": Flip | None, "assumption": Flip | None, "tried": runs}``.
    """
    base = scenario.with_changes({"replications": int(replications)})
    result = {"baseline": accept_share(base, actor, index), "term": None, "term_value": None, "assumption": None,
              "tried": 0}
    for path, value, text in term_candidates(base, index):
        share = _try(base, {path: value}, actor, index)
        result["tried"] += 1
        if share is not None and share >= target:
            result["term"] = Flip("term", path, text, share)
            break
    result["term_value"] = _numeric_terms(base, actor, index, target, result)
    for name, rl in base.actors[actor].red_lines.items():
        if rl.enabled:
            path = f"actors.{actor}.red_lines.{name}"
            share = _try(base, {path: False}, actor, index)
            result["tried"] += 1
            if share is not None and share >= target:
                result["red_line"] = Flip("red line", path, f"red line '{name}' switched off", share)
                break
    vetoed = vetoing_red_lines(base.actors[actor], base.offers[index])
    if vetoed:      # a veto depends only on the terms and the red lines: no valuation change helps
        result["vetoed_by"] = vetoed
        return result
    result["assumption"] = _assumption(base, actor, index, target, result)
    return result
