"""The margin ``V_deal - V_war`` of an offer as named parts (prepares the veto records of issue 14).

``margin_parts(actor, offer)`` gives, per replication, what each term of utility contributes to
an actor's margin: territory, own casualties, economic cost, security (the threatening army),
and each term value the offer triggers. The parts add up to :attr:`Evaluation.margin`. The
expected breakdown (believed probability that the ceasefire breaks within 52 weeks) is given
beside them: it is not an additive part but the weight every part of the deal carries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.actors.base import term_matches
from sim.engine.forecast import PARTS


@dataclass
class MarginParts:
    """Named parts of an actor's margin in every replication (arrays of shape (R,))."""

    parts: dict[str, np.ndarray]
    expected_breakdown_52: np.ndarray | None

    def total(self) -> np.ndarray:
        return sum(self.parts.values())


def margin_parts(actor, offer, proposal: bool = True) -> MarginParts:
    """``V_deal - V_war`` of ``offer`` for ``actor``, split into :data:`PARTS` and term values."""
    full = actor.evaluate(offer, proposal)
    parts = {}
    for part in PARTS:
        ev = actor.evaluate(offer, proposal, part=part)
        parts[part] = ev.v_deal - ev.v_war
    n = actor.model.n
    for key, value in actor.term_values.items():
        if term_matches(key, offer):
            parts[f"term:{key}"] = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()
    breakdown = None if full.survival_52 is None else np.clip(1.0 - full.survival_52, 0.0, 1.0)
    return MarginParts(parts, breakdown)
