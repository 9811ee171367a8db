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
    parts = {}
    for part in PARTS:
        ev = actor.evaluate(offer, proposal, part=part)
        parts[part] = ev.v_deal - ev.v_war
    survival_52 = ev.survival_52          # the believed survival does not depend on the part
    n = actor.model.n
    for key, value in actor.term_values.items():
        if term_matches(key, offer):
            parts[f"term:{key}"] = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()
    breakdown = None if survival_52 is None else np.clip(1.0 - survival_52, 0.0, 1.0)
    return MarginParts(parts, breakdown)


#: Parts of the accept rule beyond the valuation: ``V_deal - V_war - e - eps > 0`` accepts.
SHOCK_PARTS = ("resolve", "noise")
#: Key of the believed 52-week breakdown probability beside the parts (not a part).
BREAKDOWN = "expected_breakdown_52"
#: Key of "would break the deal at once" (1.0 / 0.0) beside the parts, for a belligerent on a
#: full ceasefire: it then refuses whatever the parts say (:mod:`sim.engine.commitment`).
AT_ONCE = "would_break_at_once"


def decision_parts(actor, offer, week: int) -> dict[str, np.ndarray]:
    """The quantity :meth:`Actor.decide` compares with 0, split into named parts.

    ``V_deal - V_war - e - eps``: the valuation's parts (:func:`margin_parts`), minus the
    private resolve ``e`` (``resolve``) and minus the weekly shock ``eps`` of week ``week``
    (``noise``, the same keyed draw the decision uses). The parts add up to that quantity;
    an actor no red line vetoes accepts iff it is > 0 and (a belligerent on a full ceasefire)
    :data:`AT_ONCE` is 0. :data:`BREAKDOWN` (the believed
    probability the ceasefire breaks within 52 weeks; NaN when no full ceasefire) rides along.
    """
    mp = margin_parts(actor, offer)
    n = actor.model.n
    out = dict(mp.parts)
    out["resolve"] = -np.broadcast_to(np.asarray(actor.resolve, dtype=np.float64), (n,))
    out["noise"] = -actor.model.weekly_noise(f"decide:{actor.key}", week)
    out[BREAKDOWN] = np.full(n, np.nan) if mp.expected_breakdown_52 is None else mp.expected_breakdown_52
    if actor.key in ("russia", "ukraine") and offer.terms.scope == "full":
        from sim.engine.commitment import breaks_at_once

        out[AT_ONCE] = breaks_at_once(actor, offer, week).astype(np.float64)
    return out


def part_names(parts: dict[str, np.ndarray]) -> list[str]:
    """The additive parts of a :func:`decision_parts` record (all keys but :data:`BREAKDOWN`
    and :data:`AT_ONCE`)."""
    return [k for k in parts if k not in (BREAKDOWN, AT_ONCE)]


def concat_margins(chunks: list[list[dict]], sizes: list[int]) -> list[dict]:
    """Join the per-offer margin records of consecutive chunks (NaN where a chunk has none).

    ``chunks[c][i][actor][part]`` is an array of chunk ``c``'s size ``sizes[c]``.
    """
    k = max((len(c) for c in chunks), default=0)
    out = []
    for i in range(k):
        records = [c[i] if i < len(c) else {} for c in chunks]
        keys: dict[str, dict] = {}
        for rec in records:
            for a, parts in rec.items():
                keys.setdefault(a, {}).update(dict.fromkeys(parts))
        out.append({a: {key: np.concatenate([rec[a][key] if key in rec.get(a, {}) else np.full(size, np.nan)
                                              for rec, size in zip(records, sizes)]) for key in names}
                    for a, names in keys.items()})
    return out
