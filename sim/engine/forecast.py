"""Forecasts: an actor projects the model's own war equations over its planning horizon.

An actor values fighting on and a deal by running the war of :mod:`sim.engine.war` forward
under its *believed* parameters (its bias on Russia's relative power, its fear of the other
side's reload, the patrons' expected reactions), not by holding the balance of forces fixed.
The projection uses :func:`sim.engine.war.block_step`: the same equations, solved over blocks
of :data:`BLOCK_WEEKS` weeks, so a decision costs O(R x blocks), not O(R x weeks).

Flow utility per week (unit: the pp-year)::

    u = sign * T / 52  -  w_cas * C / 10  -  w_econ * E / 10  -  w_sec * N_threat / 100 / 52

Within a block territory moves linearly and costs are constant, so each block's discounted
sum is a closed form (:func:`discount_sums`). A side whose army falls below its collapse
threshold loses the war: from then on the line is the winner's (:data:`TERMINAL_LINE`),
nobody fights, and the economic cost of war and the threat stay: the terminal payoff of
docs/model.md, the same one the model books in realized utility.

Durability (Fortna 2004; Powell 2006): the risk that a ceasefire breaks is derived from the
keep-or-break rule the model applies. Side X resumes at ceasefire age ``a`` iff

    G_X(a) - cost(a) > -e_X + eps,      G_X(a) = V_war,X(a) - V_hold,X(a)

(fighting on from the reloaded state against the ceasefire holding over X's horizon; ``e_X``
its private resolve, ``eps`` the weekly shock). An actor projects G of both sides at ages 0
and :data:`RELOAD_AGE` weeks through its beliefs, interpolates in age, and integrates over the
other side's unknown resolve (3-point Gauss-Hermite); it knows its own.
"""

from __future__ import annotations

import math

import numpy as np

from sim.engine import war

#: Weeks per projection block.
BLOCK_WEEKS = 26
#: Ceasefire age (weeks) at which the reloaded state is projected; G is linear in age between
#: 0 and this age and constant after.
RELOAD_AGE = 52
#: Territory held by Russia (%) after a collapse: all of Ukraine if Ukraine's army collapses,
#: none (the 1991 borders) if Russia's does. The collapsing side's worst outcome.
TERMINAL_LINE = {"ukraine": 100.0, "russia": 0.0}
#: 3-point Gauss-Hermite rule for a standard normal (nodes, weights).
GH_NODES = np.array([-math.sqrt(3.0), 0.0, math.sqrt(3.0)])
GH_WEIGHTS = np.array([1.0 / 6.0, 2.0 / 3.0, 1.0 / 6.0])


def n_blocks(weeks) -> int:
    return max(1, int(math.ceil(float(np.max(weeks)) / BLOCK_WEEKS)))


def project(state: war.WarState, wp: war.WarParams, weeks, fight, ru_inflow, ua_inflow,
            ru_rebuild, ua_rebuild, bias=1.0, keep_states=False) -> dict:
    """Project ``state`` (not changed) ``weeks`` ahead in blocks; the path as (blocks, R) arrays.

    Returns ``territory`` (at each block's start), ``advance``, ``ru_casualties``,
    ``ua_casualties`` (weekly rates), ``ru_force``, ``ua_force`` (block means) and, with
    ``keep_states``, the states at every block boundary. Once a side collapses the path
    stays at :data:`TERMINAL_LINE` with no fighting.
    """
    s = state.copy()
    nb = n_blocks(weeks)
    shape = (nb,) + np.shape(s.territory)     # rows written in place (no per-projection np.stack)
    out = {k: np.empty(shape) for k in ("territory", "advance", "ru_casualties", "ua_casualties",
                                        "ru_force", "ua_force")}
    states = [state.copy()] if keep_states else None
    down = np.zeros(np.shape(s.territory), dtype=bool)
    constants = None          # war.block_constants: the same until a side collapses
    for j in range(nb):
        out["territory"][j] = s.territory
        if constants is None:
            all_live = not down.any()
            live = np.where(down, 0.0, 1.0)
            if all_live and np.ndim(fight) == 0:      # the usual case: reused across projections
                constants = block_constants(wp, float(fight), ru_inflow, ua_inflow, ru_rebuild, ua_rebuild)
            else:
                constants = war.block_constants(wp, BLOCK_WEEKS, np.asarray(fight) * live, ru_inflow, ua_inflow,
                                                ru_rebuild, ua_rebuild, mean_decay(wp))
        flows = war.block_step(s, wp, BLOCK_WEEKS, None, None, None, None, None, bias, constants=constants)
        for k in ("advance", "ru_casualties", "ua_casualties", "ru_force", "ua_force"):
            keep = all_live or k in ("ru_force", "ua_force")      # (x * 1 = x where all are live)
            out[k][j] = flows[k] if keep else flows[k] * live
        if np.any(fight):
            ru_down, ua_down = war.collapsed(s, wp)
            newly = ~down & (ru_down | ua_down) & (np.asarray(fight) > 0)
            if newly.any():
                s.territory = np.where(newly, np.where(ua_down, TERMINAL_LINE["ukraine"], TERMINAL_LINE["russia"]),
                                       s.territory)
                down |= newly
                constants = None
        if keep_states:
            states.append(s.copy())
    out["states"] = states
    return out


#: How many :func:`war.block_constants` a :class:`war.WarParams` keeps (:func:`block_constants`).
CONSTANTS_KEPT = 6


def _static_cache(wp: war.WarParams) -> dict:
    """Per-parameter-set memo of :func:`mean_decay` and :func:`block_constants` (on ``wp`` itself,
    so it lives and dies with the model or view owning ``wp``)."""
    return wp.__dict__.setdefault("_forecast_static", {})


def mean_decay(wp: war.WarParams):
    """:func:`war.mean_decay` over one block, computed once per parameter set (it depends on
    ``cover`` alone); recomputed if ``wp.cover`` is replaced."""
    cache = _static_cache(wp)
    hit = cache.get("decay")
    if hit is None or hit[0] is not wp.cover:
        hit = cache["decay"] = (wp.cover, war.mean_decay(wp.cover, BLOCK_WEEKS))
    return hit[1]


def _same(a, b) -> bool:
    """``a`` and ``b`` are the same bytes (same dtype and shape), so results computed from them are too."""
    if a is b:
        return True
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


#: The fields of :class:`war.WarParams` that :func:`war.block_constants` reads.
_CONSTANT_FIELDS = ("cover", "ua_mobilization", "ua_pool0", "ru_need", "ua_need", "fmax", "ru_recruits")


def block_constants(wp: war.WarParams, fight: float, ru_inflow, ua_inflow, ru_rebuild, ua_rebuild) -> dict:
    """:func:`war.block_constants` of a projection with a scalar ``fight`` over blocks of
    :data:`BLOCK_WEEKS`, memoized per parameter set (issue 18).

    The war path, the resumed war and a side's gain all project with the same inflows and
    rebuilding in a round of decisions; the constants (two ``**`` per replication among them)
    are then computed once. A hit requires the same ``fight`` and inflows and rebuilding of
    the same bytes, and the same arrays in ``wp``, so the result is the one recomputing gives.
    """
    cache = _static_cache(wp)
    entries = cache.setdefault("constants", [])
    args = (ru_inflow, ua_inflow, ru_rebuild, ua_rebuild)
    params = tuple(getattr(wp, name) for name in _CONSTANT_FIELDS)
    for key_fight, key_params, key_args, constants in entries:
        if key_fight == fight and all(a is b for a, b in zip(key_params, params)) \
                and all(_same(a, b) for a, b in zip(key_args, args)):
            return constants
    args = tuple(np.array(a, copy=True) for a in args)      # private: a caller may change its arrays
    constants = war.block_constants(wp, BLOCK_WEEKS, fight, *args, mean_decay(wp))
    entries.append((fight, params, args, constants))
    if len(entries) > CONSTANTS_KEPT:
        entries.pop(0)
    return constants


def block_weights(delta, horizon, nb, offset=0, q=None):
    """Per block ``(S0_j, S1_j)``: ``sum d^(k-offset)`` and ``sum (k - k_j) d^(k-offset)``.

    Sums run over the weeks ``k`` of block ``j`` (starting at ``k_j = j BLOCK_WEEKS``) with
    ``offset <= k < offset + horizon``; ``offset`` is a multiple of :data:`BLOCK_WEEKS`.
    ``q`` (blocks, R) is a weekly survival applied within each block on top of the discount.
    """
    from sim.engine.valuation import discount_sums

    rel = (np.arange(nb) * BLOCK_WEEKS - offset)[:, None] * np.ones((1, np.size(horizon)))
    length = np.where(rel < 0, 0.0, np.clip(horizon - rel, 0.0, BLOCK_WEEKS))
    d = delta * np.ones_like(rel) if q is None else delta * q
    s0, s1 = discount_sums(d, length)
    lead = np.where(length > 0, delta ** np.maximum(rel, 0.0), 0.0)
    return lead * s0, lead * s1


#: The named parts of flow utility (:func:`flow_rates` with ``part``), which add up to it.
PARTS = ("territory", "casualties", "economic", "security")


def flow_rates(actor, path, econ, peace=False, line=None, part=None):
    """``(a, b)`` per block: utility ``a + b (k - k_j)`` in week ``k`` of block ``j`` (blocks, R).

    ``a = sign T_j / 52 - cost_j`` and ``b = sign advance_j / 52`` (flow utility of the module
    docstring); ``peace`` holds ``line`` with no fighting. ``part`` (one of :data:`PARTS`)
    keeps only that term: territory, own casualties, economic cost or security (the threat).
    """
    terr = path["territory"] if line is None else line
    cas = 0.0 if peace else actor.own_casualties(path["ru_casualties"], path["ua_casualties"])
    threat = actor.threat(path["ru_force"], path["ua_force"])
    if part is None:
        cost = actor.cost_rate(cas, econ, threat)
        a = actor.sign / 52.0 * terr - cost
        b = 0.0 if peace else actor.sign / 52.0 * path["advance"]
        return a, b
    if part == "territory":
        return actor.sign / 52.0 * terr, (0.0 if peace else actor.sign / 52.0 * path["advance"])
    if part == "casualties":
        return -actor.cost_rate(cas, 0.0, 0.0) * np.ones_like(path["advance"]), 0.0
    if part == "economic":
        return -actor.cost_rate(0.0, econ, 0.0) * np.ones_like(path["advance"]), 0.0
    if part == "security":
        return -actor.cost_rate(0.0, 0.0, threat), 0.0
    raise ValueError(f"unknown part {part!r}; expected one of {', '.join(PARTS)}")


def discounted(rates, weights) -> np.ndarray:
    """``sum_j a_j S0_j + b_j S1_j`` for :func:`flow_rates` and :func:`block_weights`."""
    a, b = rates
    s0, s1 = weights
    return np.sum(a * s0 + b * s1, axis=0)


def flow_value(actor, path, econ, delta, horizon, offset=0, peace=False, line=None, survival=None,
               weights=None, part=None):
    """Discounted utility of ``path`` for ``actor`` over its horizon (arrays of shape (R,)).

    ``survival`` = (S at block starts, weekly q per block), both (blocks, R), weighs a
    ceasefire path by the chance it still holds; ``weights`` are precomputed
    :func:`block_weights` (with the weekly ``q`` of ``survival`` if any; the S at block
    starts is applied here).
    """
    nb = path["advance"].shape[0]
    q = None if survival is None else survival[1]
    s0, s1 = block_weights(delta, horizon, nb, offset, q) if weights is None else weights
    if survival is not None:
        s0, s1 = s0 * survival[0], s1 * survival[0]
    return discounted(flow_rates(actor, path, econ, peace, line, part), (s0, s1))


def at_age(states, age):
    """The state at ``age`` weeks on a path kept with ``keep_states`` (linear in between)."""
    j = min(int(age // BLOCK_WEEKS), len(states) - 2)
    frac = (age - j * BLOCK_WEEKS) / BLOCK_WEEKS
    a, b = states[j], states[j + 1]
    out = a.copy()
    for name in ("territory", "ru_force", "ua_force", "ru_stock", "ua_stock", "ua_pool"):
        setattr(out, name, (1.0 - frac) * getattr(a, name) + frac * getattr(b, name))
    return out


def stack(states):
    """Several states of shape (R,) as one state of shape (k R,)."""
    out = states[0].copy()
    for name in ("territory", "ru_force", "ua_force", "ru_stock", "ua_stock", "ua_pool",
                 "ru_casualties", "ua_casualties"):
        setattr(out, name, np.concatenate([getattr(s, name) for s in states]))
    return out


def tile(x, k):
    x = np.asarray(x)
    return np.tile(x, k) if x.ndim else x


def tile_params(wp: war.WarParams, k: int) -> war.WarParams:
    from dataclasses import fields

    return war.WarParams(**{f.name: tile(getattr(wp, f.name), k) for f in fields(war.WarParams)})


def break_probability(gain, cost, resolve, noise_sd):
    """P(a side breaks in a week): ``gain - cost > -resolve + eps``, eps ~ N(0, noise_sd)."""
    from scipy.special import ndtr

    z = (gain - cost + resolve) / np.maximum(noise_sd, 1e-9)
    return ndtr(z)


def unbiased_beliefs(scenario):
    """The scenario with unbiased beliefs: no optimism, no reload fear, no learning drift.

    The documented switch for checking forecasts against the model's own simulation
    (tests/engine/test_forecast.py): every belligerent's believed balance is the true one.
    """
    changes = {}
    for actor in ("russia", "ukraine"):
        beliefs = scenario.actors[actor].beliefs
        for key, value in (("optimism", 0.0), ("reload_fear", 1.0), ("learning", 0.0)):
            if key in beliefs:
                changes[f"actors.{actor}.beliefs.{key}"] = value
    return scenario.with_changes(changes)
