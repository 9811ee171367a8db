"""How an actor values fighting on against a deal: closed forms, O(R) per decision.

Flow utility per week (unit: the pp-year, 1 point of Ukraine held for a year)::

    u = sign * T / 52  -  w_cas * C / 10  -  w_econ * E / 10  -  w_sec * N_threat / 100 / 52

with T territory held by Russia (%), C own casualties (thousand/week; Ukraine's for patrons),
E economic cost (EUR bn/week), N_threat the other side's army (thousand).

* ``V_war`` projects the war linearly over the planning horizon H with discount d:
  ``T(k) = T0 + v k`` and constant costs, so ``V_war = sign/52 (T0 S0 + v S1) - K S0`` with
  ``S0 = sum d^k``, ``S1 = sum k d^k`` (k < H).
* ``V_deal`` holds the line L while the ceasefire survives (weekly survival q, the breakdown
  risk the actor believes in); after a breakdown the war resumes from the reloaded balance
  with advance ``v_r``. With ``A = sum (d q)^k`` and expected weeks of renewed war by week k,
  ``W_k = k - (1 - q^k) / (1 - q)``::

      V_deal = A u_peace + (S0 - A) u_war(L) + sign v_r / 52 * sum d^k W_k + lump sums

  where ``sum d^k W_k = S1 - (S0 - A) / (1 - q)``. This is the commitment problem of Powell
  (2006) in one line: a large reload advantage for the other side (big ``v_r``) or a high
  breakdown risk (low ``q``) sinks the deal even when the bargaining range exists.
"""

from __future__ import annotations

import numpy as np

from sim.engine import war
from sim.engine.war import WarParams


def discount_sums(delta, horizon):
    """``S0 = sum_{k<H} d^k`` and ``S1 = sum_{k<H} k d^k`` (arrays)."""
    d = np.clip(delta, 1e-12, 1.0 - 1e-12)
    dh = d ** horizon
    s0 = (1.0 - dh) / (1.0 - d)
    s1 = d * (1.0 - horizon * d ** (horizon - 1.0) + (horizon - 1.0) * dh) / (1.0 - d) ** 2
    return s0, s1


def survival_sums(delta, horizon, q):
    """``A = sum_{k<H} (d q)^k`` and ``B = sum_{k<H} d^k W_k`` for weekly survival ``q``."""
    s0, s1 = discount_sums(delta, horizon)
    hazard = np.maximum(1.0 - q, 1e-6)
    dq = delta * (1.0 - hazard)
    a = (1.0 - dq ** horizon) / (1.0 - dq)
    b = np.maximum(s1 - (s0 - a) / hazard, 0.0)
    return a, b


def outlook(ru_force, ua_force, ru_stock, ua_stock, ru_inflow, ua_inflow, wp: WarParams,
            decay, bias=1.0):
    """Believed average weekly advance and casualties over the planning horizon.

    ``bias`` multiplies Russia's relative combat power (optimism: >1 for Russia's beliefs,
    <1 for Ukraine's). Effectiveness follows the closed-form stock dynamics; ``decay`` is
    :func:`sim.engine.war.mean_decay` over the planning horizon (constant per replication).
    """
    f_ru0 = war.effectiveness(ru_stock, wp.ru_need, wp.cover, wp.fmax)
    f_ua0 = war.effectiveness(ua_stock, wp.ua_need, wp.cover, wp.fmax)
    f_ru_star = np.clip(ru_inflow / np.maximum(wp.ru_need, war.TINY), 0.0, wp.fmax)
    f_ua_star = np.clip(ua_inflow / np.maximum(wp.ua_need, war.TINY), 0.0, wp.fmax)
    f_ru = f_ru_star + (f_ru0 - f_ru_star) * decay
    f_ua = f_ua_star + (f_ua0 - f_ua_star) * decay
    rho, fire = war.balance(ru_force, ua_force, f_ru, f_ua, wp)
    adv = war.advance(rho * bias, wp)
    c_ru, c_ua = war.casualties(adv, fire, wp)
    return adv, c_ru, c_ua


def cost_rate(w_cas, w_econ, w_sec, casualties, econ, threat):
    """Weekly cost in pp-years: casualties (thousand), economy (EUR bn), threat (thousand)."""
    return w_cas * casualties / 10.0 + w_econ * econ / 10.0 + w_sec * threat / 100.0 / 52.0


def value_war(sign, territory, adv, cost, s0, s1):
    """Discounted value of fighting on, given :func:`discount_sums` (module docstring)."""
    return sign / 52.0 * (territory * s0 + adv * s1) - cost * s0


def value_deal(sign, line, cost_peace, cost_resumed, adv_resumed, s0, a, b, lump):
    """Discounted value of a deal at ``line``, given ``S0`` and :func:`survival_sums` ``A, B``."""
    u_peace = sign * line / 52.0 - cost_peace
    u_resumed = sign * line / 52.0 - cost_resumed
    return a * u_peace + (s0 - a) * u_resumed + sign * adv_resumed / 52.0 * b + lump
