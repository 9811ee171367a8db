"""No accepting a ceasefire one means to break at once (issue 12).

A belligerent's acceptance rule (``V_deal - V_war > e + noise``) and its keep-or-break rule
(``G - cost > -e + eps``, :meth:`sim.engine.actors.base.Actor.breaks_ceasefire`) are two
decisions about the same deal. Before this check a side with a strong taste for settling
(a low resolve ``e``) could accept a deal whose gain from resuming ``G`` it already knew
exceeded the violation cost, and break it at its first opportunity: 1.6% of the agreed
30-day truces (``scenarios/truce_30day.yaml``, 10,000 replications) and 0.2% of the freezes
were broken one week after being agreed, every one by the side that had just accepted.

Signing is a decision to keep the deal this week: a belligerent accepts (or extends) a full
ceasefire only if its own keep-or-break rule would not fire in that week, with the gain ``G``
at ceasefire age 0 from the deal's projection (:func:`sim.engine.durability.gain_at_start`),
the violation cost at age 0 and this week's break shock (the stream ``break:<actor>`` the
rule itself draws). The model then skips the keep-or-break decision in the week of an
agreement or an extension (:meth:`sim.engine.model.CeasefireModel.keep_or_break`).
"""

from __future__ import annotations

import numpy as np

from sim.engine import durability


def breaks_at_once(actor, offer, week: int) -> np.ndarray:
    """Would ``actor``'s keep-or-break rule break a ceasefire on ``offer`` in ``week``, as it starts?"""
    m = actor.model
    gain = durability.gain_at_start(m, actor, offer.terms)
    cost = m.violation_cost_at(offer.terms, 0)
    return gain - cost > -actor.resolve + m.weekly_noise(f"break:{actor.key}", week)


def keeps(actor, offer, week: int, accept: np.ndarray) -> np.ndarray:
    """``accept`` without the replications where ``actor`` would break the deal at once."""
    if offer.terms.scope != "full" or not np.any(accept):
        return accept
    return accept & ~breaks_at_once(actor, offer, week)
