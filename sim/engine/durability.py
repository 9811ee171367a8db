"""The value of a deal and its expected durability, derived from the model's keep-or-break rule.

A ceasefire on line ``L`` holds while neither side breaks it. The model's rule
(:meth:`sim.engine.actors.base.Actor.breaks_ceasefire`): side X breaks at ceasefire age ``a`` iff

    G_X(a) - c(a) > -e_X + eps,       G_X(a) = V_war,X(a) - V_hold,X(a)

with ``V_war`` fighting on from the state reached after ``a`` weeks of rebuilding, ``V_hold``
the ceasefire holding over X's planning horizon, ``c(a)`` the violation cost (monitoring x
guarantees x growth with age), ``e_X`` X's private resolve and ``eps ~ N(0, weekly_noise_sd)``.

An actor valuing a deal projects, through its beliefs (:mod:`sim.engine.forecast`), the
ceasefire path (both sides rebuild; the other side's rebuilding times its ``reload_fear``),
the war resumed from the line at age 0 and from the reloaded state at age
:data:`~sim.engine.forecast.RELOAD_AGE`, and from them ``G`` of both belligerents at those
ages (linear in age between, constant after). The weekly breakdown risk is then the
probability that either side's rule fires: its own with its known resolve, the other's
integrated over the other's unknown resolve ``e ~ N(0, resolve_sd)`` (Gauss-Hermite), updated
on the other having agreed (it accepts iff its margin, approximated by ``-G(0)``, beats
``e + eps``; a Bayesian update on the 3 nodes). For a
fixed-term truce the ceasefire also survives each term's end only with the believed
extension probability. So violation cost, monitoring, guarantees and the reload asymmetry
enter acceptance through the same rule that decides breaking (Powell 2006: a deal the other
side will want to break is worth little).

``V_deal = sum_k d^k S_k u_peace(k) + sum_j P(break in block j) d^tau_j U_resumed(tau_j)``,
``S_k`` the believed survival.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from sim.engine import forecast
from sim.engine.forecast import BLOCK_WEEKS, GH_NODES, GH_WEIGHTS, RELOAD_AGE

#: Ceasefire ages are resolved in steps of this many weeks when integrating survival.
SURVIVAL_STEP = 26
BELLIGERENTS = ("russia", "ukraine")


def relief_of(terms) -> float:
    from sim.scenario.quantities import relief_share

    return relief_share(terms.sanctions_relief)


def fears(actor) -> tuple:
    """Multipliers on Russia's and Ukraine's rebuilding in ``actor``'s eyes (``reload_fear``)."""
    fear_ru = actor.reload_fear if actor.believes_in_reload_of == "russia" else 1.0
    fear_ua = actor.reload_fear if actor.believes_in_reload_of == "ukraine" else 1.0
    return fear_ru, fear_ua


def _capped(state, terms):
    if terms.army_cap is not None:
        state.ua_force = np.minimum(state.ua_force, terms.army_cap)
    return state


def hold_path(m, state, terms, bias, fear, weeks):
    """The ceasefire path from ``state``: nobody fights, both rebuild (with ``fear``) under the
    terms' conditions and army cap (:mod:`sim.engine.ceasefire_terms`, as the model applies them)."""
    from sim.engine import ceasefire_terms

    ru_p, ua_p = m.inflows(relief=relief_of(terms))
    ua_p = ceasefire_terms.ukraine_inflow(m, terms, ua_p)
    rebuild_ua = ceasefire_terms.ukraine_rebuild(terms, m.rebuild_ua * fear[1])
    path = forecast.project(_capped(state.copy(), terms), m.wp, weeks, 0.0, ru_p, ua_p,
                            m.rebuild_ru * fear[0], rebuild_ua, bias, keep_states=True)
    if terms.army_cap is not None:      # the army cannot grow above the cap while the ceasefire holds
        path["ua_force"] = np.minimum(path["ua_force"], terms.army_cap)
        for st in path["states"]:
            st.ua_force = np.minimum(st.ua_force, terms.army_cap)
    return path


def war_path(m, state, bias):
    """The war resumed from ``state`` (current policies, no threats pending)."""
    ru_w, ua_w = m.inflows()
    return forecast.project(state, m.wp, m.horizon_plan, 1.0, ru_w, ua_w, m.rebuild_ru, m.rebuild_ua, bias)


def side_values(m, sides, war, hold, terms, line, offset=0):
    """``{key: (V_war, V_hold)}`` of each side in ``sides`` on the given paths."""
    relief = relief_of(terms)
    out = {}
    for key, actor in sides.items():
        v_war = forecast.flow_value(actor, war, actor.econ(m, peace=False), m.delta, m.horizon_plan,
                                    weights=weights(m, war["advance"].shape[0]))
        v_hold = forecast.flow_value(actor, hold, actor.econ(m, peace=True, relief=relief), m.delta,
                                     m.horizon_plan, offset=offset, peace=True, line=line,
                                     weights=weights(m, hold["advance"].shape[0], offset))
        out[key] = (v_war, v_hold)
    return out


def gains(m, sides, state, terms, bias, fear) -> dict:
    """``G = V_war - V_hold`` from ``state`` now, for each side in ``sides`` (the keep-or-break rule)."""
    hold = hold_path(m, state, terms, bias, fear, m.horizon_plan)
    war = war_path(m, state, bias)
    return {k: w - h for k, (w, h) in side_values(m, sides, war, hold, terms, state.territory).items()}


def _survive_steps(x):
    """``x ** SURVIVAL_STEP`` (26) by repeated squaring: 6 multiplies instead of a ``pow`` per
    element (within about 26 ulp of ``pow``, each rounding raised to the remaining power; tests/engine/test_durability.py)."""
    if SURVIVAL_STEP != 26:
        return x ** SURVIVAL_STEP
    x2 = x * x
    x8 = x2 * x2
    x8 = x8 * x8
    return x8 * x8 * x8 * x2


def survival(m, actor, terms, g0, g1, ages, with_term=True):
    """Believed probability the ceasefire still holds at each age in ``ages`` (list of weeks).

    ``g0``, ``g1``: ``{side: G}`` at ages 0 and :data:`RELOAD_AGE`. ``with_term``: a
    fixed-term truce also survives each term only if extended (False: breaking alone; the
    terms are then valued week by week, :mod:`sim.engine.timing`); ``"both"`` returns
    ``(with term, breaking alone)``, the integral computed once.
    """
    noise = m.p["ceasefire.weekly_noise_sd"]
    horizon = max(ages)
    steps = np.arange(0, horizon, SURVIVAL_STEP)
    mids = [a + SURVIVAL_STEP / 2.0 for a in steps]
    costs = [m.violation_cost_at(terms, mid) for mid in mids]      # the same for both sides
    scale = np.maximum(noise, 1e-9)
    per_side = {}
    for key in BELLIGERENTS:
        other = m.actors[key]
        own = key == actor.key
        if own:
            nodes = [(actor.resolve, 1.0)]       # (a proxy of sim.engine.proposals: its expected resolve)
        else:
            # the other side's resolve is unknown; that it agreed tells something (it accepted
            # iff its margin, about -G at age 0, beat e + eps): weigh the nodes by that likelihood
            es = [x * other.resolve_sd for x in GH_NODES]
            like = [w * forecast.break_probability(0.0, g0[key], -e, noise) for e, w in zip(es, GH_WEIGHTS)]
            total = np.maximum(sum(like), 1e-300)
            nodes = [(e, lk / total) for e, lk in zip(es, like)]
        # G - cost at each step's mid-age, G linear in age up to RELOAD_AGE (shared by the nodes)
        margins = [((1.0 - lam) * g0[key] + lam * g1[key]) - cost
                   for lam, cost in ((min(mid / RELOAD_AGE, 1.0), cost) for mid, cost in zip(mids, costs))]
        curves = []
        for e, w in nodes:
            s = np.ones(m.n)
            curve = [s]
            for margin in margins:       # forecast.break_probability(g, cost, e, noise), term by term
                h = ndtr((margin + e) / scale)
                s = s * _survive_steps(1.0 - h)
                curve.append(s)
            curves.append((np.stack(curve), w))
        per_side[key] = sum(c * w for c, w in curves)
    both = per_side["russia"] * per_side["ukraine"]          # (len(steps) + 1, R) at ages steps, horizon
    grid = np.append(steps, steps[-1] + SURVIVAL_STEP) if len(steps) else np.array([0])
    alone = [both[min(int(age // SURVIVAL_STEP), len(grid) - 1)] for age in ages]
    if terms.duration_weeks is None or not with_term:
        return alone
    ext = np.asarray(extension_belief(m, terms), dtype=np.float64)
    termed = [s * ext ** np.floor(age / max(terms.duration_weeks, 1e-9)) for s, age in zip(alone, ages)]
    return (termed, alone) if with_term == "both" else termed


def extension_belief(m, terms):
    """Believed probability that a fixed-term truce is extended at each term (0 if it cannot be)."""
    ext = m.p["ceasefire.extension_belief"] if terms.extension else 0.0
    return np.broadcast_to(np.asarray(ext, dtype=np.float64), (m.n,))


def cached(m, key, compute):
    """Memoize a projection for the current week (patrons share theirs: same beliefs)."""
    cache = m.__dict__.setdefault("_forecast_cache", {})
    round_ = (m.week, getattr(m, "decision_round", 0), m.n)
    if cache.get("round") != round_:        # only this round's forecasts are valid: free the rest
        cache.clear()
        cache["round"] = round_
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def weights(m, nb, offset=0, shift=0.0):
    """:func:`forecast.block_weights` for horizon ``H - shift`` (static per replication: cached)."""
    cache = m.__dict__.setdefault("_weights_cache", {})
    key = (m.n, nb, offset, shift)
    if key not in cache:
        parent = m.__dict__.get("_view_of")        # a view (sim.engine.subset): slice the model's
        if parent is not None:
            model, idx = parent
            cache[key] = tuple(w[:, idx] for w in weights(model, nb, offset, shift))
        else:
            cache[key] = forecast.block_weights(m.delta, np.maximum(m.horizon_plan - shift, 0.0), nb, offset)
    return cache[key]


def discount_at(m, tau: float):
    """``m.delta ** tau``: the discount of a resumption ``tau`` weeks ahead (static per
    replication: cached like :func:`weights`, sliced from the model's in a view)."""
    cache = m.__dict__.setdefault("_weights_cache", {})
    key = (m.n, "discount", tau)
    if key not in cache:
        parent = m.__dict__.get("_view_of")
        if parent is not None and np.ndim(parent[0].delta):
            model, idx = parent
            cache[key] = discount_at(model, tau)[idx]
        else:
            cache[key] = m.delta ** tau
    return cache[key]


def belief_group(actor) -> str:
    """Actors with the same beliefs project the same paths: each belligerent, or the patrons.

    A proxy (:class:`sim.engine.proposals.SeenBy`: an actor seen through another's beliefs)
    names its own group.
    """
    key = getattr(actor, "belief_key", None)
    if key is not None:
        return key
    return actor.key if actor.key in BELLIGERENTS else "patrons"


def deal_paths(m, actor, terms, bias):
    """The projected ceasefire and resumed-war paths and the believed survival (blocks, R)."""
    horizon = m.horizon_plan
    nb = forecast.n_blocks(horizon)
    fear = fears(actor)
    line = np.clip(np.broadcast_to(np.asarray(m.line_of(terms), dtype=np.float64), (m.n,)), 0.0, 100.0)
    start = _capped(m.war.copy(), terms)
    start.territory = line
    hold = hold_path(m, start, terms, bias, fear, RELOAD_AGE + np.max(horizon))
    reloaded = _capped(forecast.at_age(hold["states"], RELOAD_AGE), terms)
    if terms.line == "current" and terms.army_cap is None:      # resuming at once = fighting on now
        res0 = cached(m, ("war", belief_group(actor), False), lambda: war_path(m, start, bias))
    else:
        res0 = war_path(m, start, bias)
    res1 = war_path(m, reloaded, bias)
    belligerents = {k: m.actors[k] for k in BELLIGERENTS}
    v0 = side_values(m, belligerents, res0, hold, terms, line)
    v1 = side_values(m, belligerents, res1, hold, terms, line, offset=RELOAD_AGE)
    g0 = {k: w - h for k, (w, h) in v0.items()}
    g1 = {k: w - h for k, (w, h) in v1.items()}
    ages = [j * BLOCK_WEEKS for j in range(nb + 1)] + [52]
    if terms.duration_weeks is not None:     # breaking alone; the terms are valued week by week
        termed, alone = survival(m, actor, terms, g0, g1, ages, with_term="both")
        surv = alone[:-1] + [termed[-1]]
    else:
        surv = survival(m, actor, terms, g0, g1, ages)
    s_blocks = np.stack(surv[:nb + 1])
    q = (np.maximum(s_blocks[1:], 1e-300) / np.maximum(s_blocks[:-1], 1e-300)) ** (1.0 / BLOCK_WEEKS)
    q = np.where(s_blocks[:-1] > 1e-300, q, 0.0)
    return {"line": line, "g0": g0, "hold": {k: v[:nb] for k, v in hold.items() if k != "states"}, "res0": res0,
            "res1": res1, "s_blocks": s_blocks, "q": q, "survival_52": surv[-1], "nb": nb}


def gain_at_start(m, actor, terms) -> np.ndarray:
    """``G`` of ``actor``'s keep-or-break rule at ceasefire age 0 on ``terms``, through its beliefs.

    The same projection as the deal's value (:func:`deal_paths`, cached for the round).
    """
    d = cached(m, ("deal", terms, belief_group(actor)), lambda: deal_paths(m, actor, terms, actor.current_bias()))
    return d["g0"][actor.key]


def deal_value(m, actor, terms, bias, part=None):
    """``(V_deal without term values, believed 52-week survival)`` of a full ceasefire on ``terms``.

    ``part`` (one of :data:`sim.engine.forecast.PARTS`) values only that term of utility.
    """
    d = cached(m, ("deal", terms, belief_group(actor)), lambda: deal_paths(m, actor, terms, bias))
    if terms.duration_weeks is not None:
        return truce_value(m, actor, terms, d, part), d["survival_52"]
    horizon, nb, s_blocks = m.horizon_plan, d["nb"], d["s_blocks"]
    econ_peace = actor.econ(m, peace=True, relief=relief_of(terms))
    if "hold_weights" not in d:      # the same for every actor and part sharing these paths
        d["hold_weights"] = forecast.block_weights(m.delta, horizon, d["hold"]["advance"].shape[0], 0, d["q"])
    value = forecast.flow_value(actor, d["hold"], econ_peace, m.delta, horizon, peace=True, line=d["line"],
                                survival=(s_blocks[:-1], d["q"]), weights=d["hold_weights"], part=part)
    econ_war = actor.econ(m, peace=False)
    rates0 = forecast.flow_rates(actor, d["res0"], econ_war, part=part)
    rates1 = forecast.flow_rates(actor, d["res1"], econ_war, part=part)
    for j in range(nb):
        tau = j * BLOCK_WEEKS + BLOCK_WEEKS / 2.0
        mass = s_blocks[j] - s_blocks[j + 1]
        lam = min(tau / RELOAD_AGE, 1.0)
        w = weights(m, d["res0"]["advance"].shape[0], 0, tau)
        u = (1.0 - lam) * forecast.discounted(rates0, w) + lam * forecast.discounted(rates1, w)
        value = value + np.where(horizon > tau, mass * discount_at(m, tau) * u, 0.0)
    return value, d["survival_52"]


def truce_weeks(m, terms, d):
    """The week-by-week course of a fixed-term truce and its weights (:mod:`sim.engine.timing`)."""
    from sim.engine import timing

    if "truce" not in d:
        nb = d["nb"]
        sch = timing.schedule(terms.duration_weeks, extension_belief(m, terms), nb * BLOCK_WEEKS)
        surv = timing.weekly_survival(d["s_blocks"], d["q"], nb, BLOCK_WEEKS)
        d["truce"] = {"weights": timing.hold_weights(m.delta, m.horizon_plan, nb, BLOCK_WEEKS, sch, surv),
                      "resumptions": timing.resumptions(sch, surv)}
    return d["truce"]


def resumed(m, d, taus, rates0, rates1):
    """Discounted value, from now, of the war resumed at each ceasefire age in ``taus`` (T, R)."""
    nb = d["res0"]["advance"].shape[0]
    cache = m.__dict__.setdefault("_weights_cache", {})
    key = (m.n, nb, "resumed", tuple(taus.tolist()))
    if key not in cache:           # static per replication, like weights()
        w = [weights(m, nb, 0, float(tau)) for tau in taus]
        cache[key] = (np.stack([x[0] for x in w]), np.stack([x[1] for x in w]), m.delta ** taus[:, None])
    s0, s1, discount = cache[key]
    lam = np.minimum(taus / RELOAD_AGE, 1.0)[:, None]
    u0 = np.sum(rates0[0] * s0 + rates0[1] * s1, axis=1)        # forecast.discounted, per tau
    u1 = np.sum(rates1[0] * s0 + rates1[1] * s1, axis=1)
    u = (1.0 - lam) * u0 + lam * u1
    return np.where(m.horizon_plan > taus[:, None], discount * u, 0.0)


def truce_value(m, actor, terms, d, part=None):
    """V_deal of a fixed-term truce, its terms resolved week by week (:mod:`sim.engine.timing`).

    The ceasefire's flow counts in week ``k`` for the share of it the truce is expected to
    cover (to its term, extended at each with the believed probability, or never if
    ``extension: false``) and to be unbroken (breaking weighed at the start of each week
    after the first, as the model does); the war resumes at the week of a break or at the
    term of a lapse, from the state the ceasefire reached.
    """
    tr = truce_weeks(m, terms, d)
    econ_peace = actor.econ(m, peace=True, relief=relief_of(terms))
    value = forecast.discounted(forecast.flow_rates(actor, d["hold"], econ_peace, peace=True, line=d["line"],
                                                    part=part), tr["weights"])
    econ_war = actor.econ(m, peace=False)
    rates0 = forecast.flow_rates(actor, d["res0"], econ_war, part=part)
    rates1 = forecast.flow_rates(actor, d["res1"], econ_war, part=part)
    taus, mass = tr["resumptions"]
    if taus.size:
        value = value + np.sum(mass * resumed(m, d, taus, rates0, rates1), axis=0)
    return value
