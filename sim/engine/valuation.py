"""Utility arithmetic shared by the forecasts: flow costs and discount sums, O(R).

Flow utility per week (unit: the pp-year, 1 point of Ukraine held for a year)::

    u = sign * T / 52  -  w_cas * C / 10  -  w_econ * E / 10  -  w_sec * N_threat / 100 / 52

with T territory held by Russia (%), C own casualties (thousand/week; Ukraine's for patrons),
E economic cost (EUR bn/week), N_threat the other side's army (thousand). The projections
that value war and deals are in :mod:`sim.engine.forecast` and :mod:`sim.engine.durability`
(issue 12: the model's own equations, not a frozen balance of forces).
"""

from __future__ import annotations

import numpy as np


def discount_sums(delta, horizon):
    """``S0 = sum_{k<H} d^k`` and ``S1 = sum_{k<H} k d^k`` (arrays)."""
    d = np.clip(delta, 1e-12, 1.0 - 1e-12)
    dh = d ** horizon
    s0 = (1.0 - dh) / (1.0 - d)
    s1 = d * (1.0 - horizon * d ** (horizon - 1.0) + (horizon - 1.0) * dh) / (1.0 - d) ** 2
    return s0, s1


def cost_rate(w_cas, w_econ, w_sec, casualties, econ, threat):
    """Weekly cost in pp-years: casualties (thousand), economy (EUR bn), threat (thousand)."""
    return w_cas * casualties / 10.0 + w_econ * econ / 10.0 + w_sec * threat / 100.0 / 52.0
