"""What would flip it: the smallest single change that makes a refusing actor accept.

For an actor who refuses an offer in most replications at the offer's first week, try one
change at a time, found with the simulator (the model's own accept decision, common random
numbers: the same seed and replications for every candidate):

* **a term of the offer**: every other choice of each term in
  :data:`sim.scenario.offers.TERM_CHOICES` and each yes/no term flipped;
* **an assumption**: the actor's weights, term values, beliefs and resolve spread, and every
  scenario parameter, scaled by a factor (the whole distribution: x 0.9, 1.1, 0.75, 1.25,
  0.5, 1.5, 0.25, 2), smallest relative change first; and each enabled red line switched off.

The first term change that works (in the order of ``TERM_CHOICES``), the first red line
whose removal works and the smallest assumption change that works are reported (no
assumption is tried while a red line vetoes the offer: the veto does not depend on them) (accept share >= ``target``). The search is
bounded: at most one short run per candidate (horizon = the offer's week + 1).
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

#: Scale factors of an assumption, smallest relative change first.
SCALES = (0.9, 1.1, 0.75, 1.25, 0.5, 1.5, 0.25, 2.0)
#: Yes/no terms that a flip may switch.
BOOL_TERMS = ("extension", "nato_renunciation", "prisoner_exchange")


@dataclass
class Flip:
    """One change that was tried and what the actor then did."""

    kind: str            # 'term', 'assumption' or 'red line'
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


def find_flips(scenario: Scenario, actor: str, index: int = 0, replications: int = 300,
               target: float = 0.5) -> dict:
    """The first term change and the smallest assumption change making ``actor`` accept.

    Returns ``{"baseline": share, "term": Flip | None, "assumption": Flip | None, "tried": n}``.
    """
    base = scenario.with_changes({"replications": int(replications)})
    result = {"baseline": accept_share(base, actor, index), "term": None, "assumption": None, "tried": 0}
    for path, value, text in term_candidates(base, index):
        share = _try(base, {path: value}, actor, index)
        result["tried"] += 1
        if share is not None and share >= target:
            result["term"] = Flip("term", path, text, share)
            break
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
    params = assumption_params(base, actor)
    for factor in SCALES:
        for path, param in params.items():
            if param.kind == "fixed" and param.args[0] == 0:
                continue
            share = _try(base, {path: scaled(param, factor).to_yaml()}, actor, index)
            result["tried"] += 1
            if share is not None and share >= target:
                result["assumption"] = Flip("assumption", path, f"{path} x {factor:g} ({param} -> "
                                            f"{scaled(param, factor)})", share)
                return result
    return result
