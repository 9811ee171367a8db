"""Ceasefire lines as quantities, and the red lines written in them (issue 13).

:func:`line_pct` is the territory Russia holds (% of Ukraine) on an offer's line in every
replication:

* ``current``: the front now;
* ``four_regions`` / ``pre_2022`` / ``pre_2014``: the ``lines.*`` parameters (0 for 1991 borders);
* a number: that share;
* ``{current_plus_withdrawal: [r, ...]}``: the front now plus what Ukraine still holds of the
  named regions. Ukraine held ``W = sum_r area_r (1 - held_r)`` of them when the scenario
  started (areas: ``sim/scenario/data/regions.yaml``; ``held_r``: ``lines.<r>_held_share``).
  Russia's gains since the start, ``max(T - T0, 0)``, are taken to have come out of the named
  regions (the 2024-2025 front was in Donetsk: REFERENCES.md), so the line is
  ``T + max(W - max(T - T0, 0), 0)``: it never gives Russia more than the named regions.

Red lines about territory are written in what a line cedes or hands back, so they react to
how much: ``cedes_unheld: {above_pp: x}`` fires when the line gives Russia more than ``x``
percentage points of Ukraine it does not hold; ``returns_held: {above_pp: x}`` when Russia
would hand back more than ``x`` points it holds. They are evaluated per replication against
the front of the week the offer is put (:func:`quantity_vetoes`).
"""

from __future__ import annotations

import numpy as np

from sim.scenario.quantities import Withdrawal, area_pct

#: Lines within this many percentage points of a threshold do not cross it (a chosen line is
#: stored rounded to 1e-9 pp: :func:`sim.engine.proposals.choose`).
TOLERANCE_PP = 1e-6

#: Red-line conditions on quantities (per replication); the others are conditions on the terms.
QUANTITY_KEYS = ("cedes_unheld", "returns_held")


def unheld_at_start(p, regions) -> np.ndarray:
    """``W``: % of Ukraine in ``regions`` that Russia did not hold when the scenario started."""
    total = 0.0
    for r in regions:
        total = total + area_pct(r) * (1.0 - p[f"lines.{r}_held_share"])
    return np.asarray(total, dtype=np.float64)


def line_pct(m, terms) -> np.ndarray:
    """Territory held by Russia (%) on the line of ``terms``, shape (R,)."""
    line, n, t = terms.line, m.n, m.war.territory
    if isinstance(line, Withdrawal):
        gained = np.maximum(t - m.p["attrition.territory_start_pct"], 0.0)
        return t + np.maximum(unheld_at_start(m.p, line.regions) - gained, 0.0)
    if isinstance(line, float):
        return np.full(n, line)
    if line == "current":
        return t
    if line == "proposer_optimal":        # chosen per replication when put (sim.engine.proposals)
        return m.proposal_line
    if line == "four_regions":
        return np.broadcast_to(np.asarray(m.p["lines.four_regions_pct"], dtype=np.float64), (n,)).copy()
    if line == "pre_2022":
        return np.broadcast_to(np.asarray(m.p["lines.pre_2022_pct"], dtype=np.float64), (n,)).copy()
    return np.zeros(n)


def ceded_pp(m, terms) -> np.ndarray:
    """Percentage points of Ukraine the line gives Russia beyond the front (0 if none)."""
    return np.maximum(line_pct(m, terms) - m.war.territory, 0.0)


def returned_pp(m, terms) -> np.ndarray:
    """Percentage points Russia would hand back behind the front (0 if none)."""
    return np.maximum(m.war.territory - line_pct(m, terms), 0.0)


def is_quantity(when: dict) -> bool:
    return any(k in QUANTITY_KEYS for k in when)


def quantity_hit(when: dict, m, terms) -> np.ndarray:
    """Per replication: do the quantity conditions of a red line's ``when`` hold?"""
    hit = np.ones(m.n, dtype=bool)
    if "cedes_unheld" in when:
        hit &= ceded_pp(m, terms) > float(when["cedes_unheld"].get("above_pp", 0.0)) + TOLERANCE_PP
    if "returns_held" in when:
        hit &= returned_pp(m, terms) > float(when["returns_held"].get("above_pp", 0.0)) + TOLERANCE_PP
    return hit


def quantity_vetoes(profile, offer, m) -> dict[str, np.ndarray]:
    """Enabled red lines of ``profile`` written in quantities -> where they veto ``offer``.

    A red line may mix term conditions (checked on the offer) and quantities (per replication).
    """
    from sim.engine.actors.base import red_line_hit

    out = {}
    for name, rl in profile.red_lines.items():
        if rl.enabled and is_quantity(rl.when):
            static = {k: v for k, v in rl.when.items() if k not in QUANTITY_KEYS}
            if red_line_hit(static, offer):
                out[name] = quantity_hit(rl.when, m, offer.terms)
            else:
                out[name] = np.zeros(m.n, dtype=bool)
    return out
