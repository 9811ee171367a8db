"""What a limited truce covers: strikes on energy infrastructure, or Black Sea shipping.

A ``scope: full`` truce rests the front (:mod:`sim.engine.durability` values it). Under the
two limited scopes the front keeps fighting and the truce changes only what it covers:

* ``energy_strikes`` (the moratorium on strikes on energy infrastructure of March 2025):
  Ukraine no longer pays the share ``1 - attrition.energy_strike_cost_share`` of its
  economic cost of war (damage to its energy system), Russia the share
  ``1 - attrition.russia_energy_strike_cost_share`` of its own (Ukrainian strikes on
  refineries), and Ukraine's own shell production recovers what the strikes cost it: the
  sourced 2024 output already bears the loss ``attrition.energy_strike_production_loss``,
  so it is scaled by ``1 / (1 - loss)`` (as the sanctions cut is).
* ``maritime`` (the Black Sea proposal of March 2025): safe shipping is worth
  ``attrition.black_sea_ukraine_value_bn_per_year`` to Ukraine and
  ``attrition.black_sea_russia_value_bn_per_year`` to Russia; the naval war is not
  modelled, so the front is unchanged.

These parameters are assumptions with ranges (no figure in REFERENCES.md or the seed
documents). A limited truce can be violated and broken by the same keep-or-break rule as a
full one (:meth:`sim.engine.actors.base.Actor.breaks_ceasefire`): side X resumes the strikes
iff ``G_X - cost > -e_X + eps`` with ``G_X = V_without,X - V_with,X`` the value of going back to
the war without the truce over X's horizon (:func:`gain_from_resuming`). An actor values
the offer by what it changes (:func:`deal_value`): the war path with the truce's effects
against the war path without, weighted week by week by the truce's believed survival and
its term (:mod:`sim.engine.timing`).
"""

from __future__ import annotations

import numpy as np

from sim.engine import forecast, timing, war

PARTIAL = ("energy_strikes", "maritime")


def econ_saving_of(m, key: str, scope: str):
    """EUR bn per week that belligerent ``key`` does not pay while a ``scope`` truce holds."""
    p = m.p
    if scope == "energy_strikes":
        if key == "ukraine":
            return p["attrition.ukraine_war_cost_bn_per_year"] * (1.0 - p["attrition.energy_strike_cost_share"]) / 52.0
        if key == "russia":
            return p["attrition.russia_war_cost_bn_per_year"] \
                * (1.0 - p["attrition.russia_energy_strike_cost_share"]) / 52.0
    elif scope == "maritime":
        if key == "ukraine":
            return p["attrition.black_sea_ukraine_value_bn_per_year"] / 52.0
        if key == "russia":
            return p["attrition.black_sea_russia_value_bn_per_year"] / 52.0
    return 0.0


def econ_saving(m, key: str, partial: dict):
    """The week's saving of ``key`` under the limited truces in force (``{scope: share of the week}``)."""
    total = 0.0
    for scope, share in partial.items():
        total = total + share * econ_saving_of(m, key, scope)
    return total


def shell_gain(m, scope: str):
    """Extra shells per week for (Russia, Ukraine) while a ``scope`` truce holds."""
    if scope != "energy_strikes":
        return 0.0, 0.0
    loss = np.clip(m.p["attrition.energy_strike_production_loss"], 0.0, 0.95)
    own = m.p["attrition.ukraine_own_shells_per_year"] / war.WEEKS_PER_YEAR
    return 0.0, own * loss / (1.0 - loss)


def inflows(m, partial: dict, ru_in, ua_in):
    """The week's shell inflows with the effects of the limited truces in force."""
    for scope, share in partial.items():
        ru, ua = shell_gain(m, scope)
        ru_in, ua_in = ru_in + share * ru, ua_in + share * ua
    return ru_in, ua_in


def paths(m, actor, terms, bias):
    """Believed war paths without and with the truce's effects, from the current state."""
    from sim.engine import durability

    group = durability.belief_group(actor)
    without = durability.cached(m, ("war", group, False), lambda: durability.war_path(m, m.war, bias))

    def project_with():
        ru, ua = m.inflows()
        g_ru, g_ua = shell_gain(m, terms.scope)
        return forecast.project(m.war, m.wp, m.horizon_plan, 1.0, ru + g_ru, ua + g_ua,
                                m.rebuild_ru, m.rebuild_ua, bias)
    with_ = durability.cached(m, ("scope", terms.scope, group), project_with)
    return without, with_


def side_values(m, actor_of, without, with_, terms):
    """``{key: (V_without, V_with)}`` for the actors ``actor_of`` on the two paths."""
    from sim.engine import durability

    w = durability.weights(m, without["advance"].shape[0])
    out = {}
    for key, a in actor_of.items():
        econ = a.econ(m, peace=False)
        out[key] = (forecast.flow_value(a, without, econ, m.delta, m.horizon_plan, weights=w),
                    forecast.flow_value(a, with_, econ - econ_saving_of(m, key, terms.scope), m.delta,
                                        m.horizon_plan, weights=w))
    return out


def gain_from_resuming(actor, terms) -> np.ndarray:
    """``G = V_war - V_hold`` of ``actor`` for a truce on ``terms`` (any scope), from now."""
    if terms.scope == "full":
        return actor.gain_from_resuming(terms)
    m = actor.model
    without, with_ = paths(m, actor, terms, actor.current_bias())
    v_without, v_with = side_values(m, {actor.key: actor}, without, with_, terms)[actor.key]
    return v_without - v_with


def deal_value(actor, terms, part=None):
    """``(V_deal without term values, believed 52-week survival)`` of a limited truce.

    ``V_deal = V_without + sum_k d^k h_k (u_with(k) - u_without(k))``: what the truce
    changes, for the expected share ``h_k`` of week ``k`` it is believed to be unbroken (the
    keep-or-break rule with ``G`` constant in age) and in force (its term and extensions),
    :func:`sim.engine.timing.hold_weights`.
    """
    from sim.engine import durability

    m = actor.model
    bias = actor.current_bias()
    without, with_ = paths(m, actor, terms, bias)
    nb = without["advance"].shape[0]

    def believed():
        sides = {k: m.actors[k] for k in durability.BELLIGERENTS}
        g = {k: w - h for k, (w, h) in side_values(m, sides, without, with_, terms).items()}
        ages = [j * forecast.BLOCK_WEEKS for j in range(nb + 1)]
        s_blocks = np.stack(durability.survival(m, actor, terms, g, g, ages, with_term=False))
        q = (np.maximum(s_blocks[1:], 1e-300) / np.maximum(s_blocks[:-1], 1e-300)) ** (1.0 / forecast.BLOCK_WEEKS)
        q = np.where(s_blocks[:-1] > 1e-300, q, 0.0)
        sch = timing.schedule(terms.duration_weeks, durability.extension_belief(m, terms), nb * forecast.BLOCK_WEEKS)
        surv = timing.weekly_survival(s_blocks, q, nb, forecast.BLOCK_WEEKS)
        w = timing.hold_weights(m.delta, m.horizon_plan, nb, forecast.BLOCK_WEEKS, sch, surv)
        s52 = durability.survival(m, actor, terms, g, g, [52])[0]
        return w, s52
    w, s52 = durability.cached(m, ("scope-belief", terms, durability.belief_group(actor)), believed)
    econ = actor.econ(m, peace=False)
    saving = econ_saving_of(m, actor.key, terms.scope)
    saving = saving if part in (None, "economic") else 0.0
    v_without = forecast.flow_value(actor, without, econ, m.delta, m.horizon_plan,
                                    weights=durability.weights(m, nb), part=part)
    change = forecast.discounted(forecast.flow_rates(actor, with_, econ - saving, part=part), w) \
        - forecast.discounted(forecast.flow_rates(actor, without, econ, part=part), w)
    return v_without + change, s52
