"""What a ceasefire's terms do to rebuilding while it holds (issue 13), in the model and its forecasts.

* ``conditions.halt_western_aid``: no Western military aid reaches Ukraine while the ceasefire
  holds; Ukraine refills its stocks from its own production only.
* ``conditions.halt_mobilization``: Ukraine mobilizes nobody while the ceasefire holds
  (``ukraine_rebuild_share`` is 0 for that ceasefire).
* ``army_cap``: Ukraine's army is cut to the cap when the ceasefire starts and cannot grow
  above it while the ceasefire holds (Russia's security term sees the capped army).

Russia demanded the first two in March 2025 as conditions of a 30-day ceasefire; the seeds do
not contain that statement (issue 13 report): the nearest quotations are 000_42f988c6d41ea246.txt
("cannot allow the Ukrainian military to use a ceasefire to reconstitute its forces") and
002_874e2567e534d42f.txt ("a temporary measure to allow the Ukrainian military forces to regroup").

The same functions serve the model (:meth:`sim.engine.model.CeasefireModel.fight`) and the
projections of a ceasefire (:func:`sim.engine.durability.hold_path`), so what an actor expects
of these terms is what the model does.
"""

from __future__ import annotations

import numpy as np

from sim.engine import war


def own_inflow(m) -> np.ndarray:
    """Ukraine's own production per week (shells), without any Western aid."""
    return m.p["attrition.ukraine_own_shells_per_year"] / war.WEEKS_PER_YEAR


def ukraine_inflow(m, terms, ua_inflow):
    """Ukraine's weekly inflow while a ceasefire on ``terms`` holds."""
    if terms.conditions.halt_western_aid:
        return np.broadcast_to(own_inflow(m), np.shape(ua_inflow)).astype(np.float64) \
            if np.ndim(ua_inflow) else own_inflow(m)
    return ua_inflow


def ukraine_rebuild(terms, rebuild):
    """Ukraine's rebuilding share while a ceasefire on ``terms`` holds."""
    return rebuild * 0.0 if terms.conditions.halt_mobilization else rebuild


def resting_masks(m, resting) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per replication at rest: aid halted, mobilization halted, and Ukraine's army cap (inf if none)."""
    halt_aid = np.zeros(m.n, dtype=bool)
    halt_mob = np.zeros(m.n, dtype=bool)
    cap = np.full(m.n, np.inf)
    for index, offer in enumerate(m.offers):
        here = resting & (m.deal == index)
        if not here.any():
            continue
        c = offer.terms.conditions
        halt_aid |= here & c.halt_western_aid
        halt_mob |= here & c.halt_mobilization
        if offer.terms.army_cap is not None:
            cap = np.where(here, offer.terms.army_cap, cap)
    return halt_aid, halt_mob, cap
