"""War of attrition: pure functions on arrays of shape (R,), one entry per replication.

The equations (each coefficient is a parameter of ``sim/scenario/data/parameters.yaml``):

* Fire effectiveness ``f = clip(stock / (need * cover_weeks), 0, max_effectiveness)``: a side
  with its 2024 stocks fires at f = 1; stocks drain when inflow < need and refill in a
  ceasefire (the "reload" of ISW, 000_42f988c6d41ea246.txt).
* Combat power ``P = N**lanchester_exponent * f**materiel_elasticity`` (Lanchester: linear law
  for exponent 1, square law for 2; REFERENCES.md).
* Relative force ratio ``rho = (P_ru / P_ua) / rho_2024``; the front moves
  ``advance = advance_2024 * (rho - stalemate) / (1 - stalemate)`` percentage points per week,
  capped at +-max_advance. ``rho = 1`` reproduces the 2024 pace (~0.7 pp/yr, ISW/DeepState).
* Casualties: Russia, attacking at the 2024 balance, loses ``russia_casualties_per_day * 7``;
  an attacker's losses scale with the defender's combat power relative to 2024
  (``(N/N0)**lanchester * f**materiel_elasticity``), so they respond to forces and aid. The
  defender loses the attacker's losses over the exchange ratio ``ER * (f_ua / f_ru)**elasticity``
  (CSIS: 2-2.5) when Ukraine defends; when Ukraine attacks it loses ``attacker_loss_ratio`` per
  Russian loss (001: ~3:1). The two regimes are blended by the front's intensity
  ``w = clip(1/2 + advance / (2 advance_2024), 0, 1)`` (w = 1 at the 2024 pace): casualties are
  continuous in the advance, with no jump where the front stops (issue 12).
* Manpower: ``N += recruits - casualties * permanent_loss_share``; Ukraine's mobilization falls
  in proportion to its remaining pool (demographic limit, 003_b310c964025fb84c.txt).
* A side below ``collapse_share`` of its starting force collapses.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

WEEKS_PER_YEAR = 52.0


@dataclass
class WarParams:
    """Per-replication attrition coefficients, in weekly units (arrays of shape (R,))."""

    advance0: np.ndarray          # pp/week at the reference balance
    max_advance: np.ndarray       # pp/week cap
    stalemate: np.ndarray         # relative ratio where the front stops
    lanchester: np.ndarray
    ru_casualties: np.ndarray     # thousand per week while Russia attacks
    exchange_ratio: np.ndarray
    attacker_ratio: np.ndarray
    elasticity: np.ndarray
    permanent: np.ndarray
    ru_recruits: np.ndarray       # thousand per week
    ua_mobilization: np.ndarray   # thousand per week with a full pool
    ua_pool0: np.ndarray          # thousand
    ru_force0: np.ndarray
    ua_force0: np.ndarray
    collapse: np.ndarray
    ru_need: np.ndarray           # shells per week at f = 1
    ua_need: np.ndarray
    cover: np.ndarray             # weeks
    fmax: np.ndarray
    rho0: np.ndarray              # reference power ratio (2024 forces, f = 1)
    log_ru_force0: np.ndarray     # log of the starting forces (for :func:`combat`)
    log_ua_force0: np.ndarray

    @classmethod
    def from_draws(cls, d: dict[str, np.ndarray]) -> "WarParams":
        """Build from drawn parameters keyed ``'section.name'``."""
        a = lambda k: d["attrition." + k]  # noqa: E731
        ref_aid = a("reference_aid_bn_per_year") * a("shells_per_aid_bn")
        lam = a("lanchester_exponent")
        return cls(
            advance0=a("advance_pp_per_year") / WEEKS_PER_YEAR,
            max_advance=a("max_advance_pp_per_year") / WEEKS_PER_YEAR,
            stalemate=a("stalemate_threshold"),
            lanchester=lam,
            ru_casualties=a("russia_casualties_per_day") * 7.0 / 1000.0,
            exchange_ratio=a("exchange_ratio"),
            attacker_ratio=a("attacker_loss_ratio"),
            elasticity=a("materiel_elasticity"),
            permanent=a("permanent_loss_share"),
            ru_recruits=a("russia_recruits_per_month") * 12.0 / WEEKS_PER_YEAR / 1000.0,
            ua_mobilization=a("ukraine_mobilized_per_month") * 12.0 / WEEKS_PER_YEAR / 1000.0,
            ua_pool0=a("ukraine_mobilization_pool"),
            ru_force0=a("russia_force_start"),
            ua_force0=a("ukraine_force_start"),
            collapse=a("collapse_share"),
            ru_need=a("russia_shells_per_year") / WEEKS_PER_YEAR,
            ua_need=(a("ukraine_own_shells_per_year") + ref_aid) / WEEKS_PER_YEAR,
            cover=a("cover_weeks"),
            fmax=a("max_effectiveness"),
            rho0=(a("russia_force_start") / a("ukraine_force_start")) ** lam,
            log_ru_force0=np.log(np.maximum(a("russia_force_start"), FLOOR)),
            log_ua_force0=np.log(np.maximum(a("ukraine_force_start"), FLOOR)),
        )


@dataclass
class WarState:
    """The state of the war in every replication (arrays of shape (R,))."""

    territory: np.ndarray   # % of Ukraine held by Russia
    ru_force: np.ndarray    # thousand soldiers
    ua_force: np.ndarray
    ru_stock: np.ndarray    # shells
    ua_stock: np.ndarray
    ua_pool: np.ndarray     # thousand men left to mobilize
    ru_casualties: np.ndarray  # cumulative, thousand
    ua_casualties: np.ndarray

    @classmethod
    def initial(cls, wp: WarParams, territory: np.ndarray) -> "WarState":
        zeros = np.zeros_like(territory)
        return cls(territory=territory.astype(np.float64), ru_force=wp.ru_force0.copy(),
                   ua_force=wp.ua_force0.copy(), ru_stock=wp.ru_need * wp.cover,
                   ua_stock=wp.ua_need * wp.cover, ua_pool=wp.ua_pool0.copy(),
                   ru_casualties=zeros.copy(), ua_casualties=zeros.copy())

    def copy(self) -> "WarState":
        return replace(self, **{f.name: getattr(self, f.name).copy() for f in fields(self)})


#: Floor of a shell requirement, so a side with no shells at all (``need = 0``) gets a finite
#: effectiveness (0 with an empty stock) instead of 0/0.
TINY = 1e-12


def effectiveness(stock, need, cover, fmax):
    """Fire effectiveness from stocks: 1 with 2024 stocks, capped at ``fmax``."""
    return np.clip(stock / np.maximum(need * cover, TINY), 0.0, fmax)


def balance(ru_force, ua_force, f_ru, f_ua, wp: WarParams):
    """Russia's combat power over Ukraine's relative to 2024, and the fire ratio.

    Returns ``rho = (N_ru/N_ua)**lanchester * fire / rho_2024`` (1 = the 2024 balance) and
    ``fire = (f_ru/f_ua)**materiel_elasticity``.
    """
    fire = (np.maximum(f_ru, 1e-9) / np.maximum(f_ua, 1e-9)) ** wp.elasticity
    numbers = (np.maximum(ru_force, 1e-9) / np.maximum(ua_force, 1e-9)) ** wp.lanchester
    return numbers * fire / wp.rho0, fire


def advance(rho, wp: WarParams):
    """Front movement in percentage points of Ukraine per week (negative: Ukraine advances)."""
    raw = wp.advance0 * (rho - wp.stalemate) / (1.0 - wp.stalemate)
    return np.clip(raw, -wp.max_advance, wp.max_advance)


def power_index(force, force0, f, wp: WarParams):
    """A side's combat power relative to its 2024 level: ``(N / N0)**lanchester * f**elasticity``."""
    return (np.maximum(force, 0.0) / np.maximum(force0, 1e-9)) ** wp.lanchester \
        * np.maximum(f, 0.0) ** wp.elasticity


#: Floor of forces and fire effectiveness inside :func:`combat`'s logarithms: a side with no
#: soldiers or no shells gets a power of ~0 (``FLOOR**exponent``) instead of ``log(0)``.
FLOOR = 1e-30


def combat(ru_force, ua_force, f_ru, f_ua, wp: WarParams):
    """``(rho, fire, p_ru, p_ua)`` of :func:`balance` and :func:`power_index` in one pass.

    The engine's hot path (the weekly step and every forecast block): four logarithms and
    three exponentials instead of six powers with per-replication exponents (a power costs
    about two of either). ``rho = p_ru / p_ua`` because ``rho_2024 = (N0_ru / N0_ua)**lanchester``
    (:meth:`WarParams.from_draws`). Equal to the two reference functions up to rounding and
    their floors (1e-9 there, :data:`FLOOR` here; tests/engine/test_war.py).
    """
    lam, e = wp.lanchester, wp.elasticity
    a_ru = e * np.log(np.maximum(f_ru, FLOOR))
    a_ua = e * np.log(np.maximum(f_ua, FLOOR))
    p_ru = np.exp(lam * (np.log(np.maximum(ru_force, FLOOR)) - wp.log_ru_force0) + a_ru)
    p_ua = np.exp(lam * (np.log(np.maximum(ua_force, FLOOR)) - wp.log_ua_force0) + a_ua)
    return p_ru / p_ua, np.exp(a_ru - a_ua), p_ru, p_ua


def casualties(adv, fire, wp: WarParams, p_ru=1.0, p_ua=1.0):
    """Weekly casualties (thousand) of Russia and Ukraine, continuous in the advance.

    ``fire`` is Russia's fire ratio from :func:`balance`; ``p_ru``, ``p_ua`` the sides'
    :func:`power_index` (1 in 2024). Russia attacking loses ``ru_casualties * p_ua`` and Ukraine
    that over the exchange ratio ``ER / fire``; Ukraine attacking loses
    ``ru_casualties / ER * p_ru`` and Russia that over ``attacker_ratio``. The regimes are
    blended by ``w = clip(1/2 + adv / (2 advance0), 0, 1)``.
    """
    ratio = wp.exchange_ratio / fire
    ru_attacking = wp.ru_casualties * p_ua
    ua_defending = ru_attacking / ratio
    ua_attacking = wp.ru_casualties / wp.exchange_ratio * p_ru
    ru_defending = ua_attacking / wp.attacker_ratio
    w = np.clip(0.5 + 0.5 * adv / np.maximum(wp.advance0, 1e-12), 0.0, 1.0)
    return w * ru_attacking + (1.0 - w) * ru_defending, w * ua_defending + (1.0 - w) * ua_attacking


def mean_decay(cover, horizon):
    """Mean of ``a**k`` over ``horizon`` weeks, ``a = 1 - 1/cover``.

    Under steady inflow, fire effectiveness follows ``f(k) = f* + (f0 - f*) a**k``; its mean
    over the planning horizon is ``f* + (f0 - f*) * mean_decay`` (keeps decisions O(R)).
    """
    a = np.clip(1.0 - 1.0 / cover, 0.0, 1.0)
    h = np.maximum(horizon, 1.0)
    return np.where(a < 1.0, (1.0 - a ** h) / (h * np.maximum(1.0 - a, 1e-12)), 1.0)


def step(state: WarState, wp: WarParams, fighting, resting, ru_inflow, ua_inflow,
         ru_rebuild, ua_rebuild, hold_ru=None, hold_ua=None) -> dict[str, np.ndarray]:
    """Advance the war by one week in place.

    Parameters
    ----------
    fighting : bool array, replications where the front is active, or the share of the week
        it is active (a truce ending inside the week, :mod:`sim.engine.timing`)
    resting : bool array, replications in a full ceasefire (both sides rebuild), or the
        share of the week at rest (``fighting + resting = 1`` where the war goes on)
    hold_ru, hold_ua : share of the week a side holds its fire under a unilateral truce it
        declared: it does not advance then (the other side still may), default none
    ru_inflow, ua_inflow : shells arriving this week (production, aid)
    ru_rebuild, ua_rebuild : recruitment during a ceasefire as a share of wartime

    Returns the week's flows: advance and casualties of each side.
    """
    f_ru = effectiveness(state.ru_stock, wp.ru_need, wp.cover, wp.fmax)
    f_ua = effectiveness(state.ua_stock, wp.ua_need, wp.cover, wp.fmax)
    rho, fire, p_ru, p_ua = combat(state.ru_force, state.ua_force, f_ru, f_ua, wp)
    fight = fighting.astype(np.float64)
    rest = resting.astype(np.float64)
    live = fight + rest
    rate = advance(rho, wp)        # the week's pace while the front is active
    if hold_ru is not None and np.any(hold_ru):
        rate = np.where(rate > 0, rate * (1.0 - np.minimum(hold_ru, 1.0)), rate)
    if hold_ua is not None and np.any(hold_ua):
        rate = np.where(rate < 0, rate * (1.0 - np.minimum(hold_ua, 1.0)), rate)
    adv = rate * fight
    # casualties at the active pace, for the share of the week the front is active
    c_ru, c_ua = casualties(rate, fire, wp, p_ru, p_ua)
    c_ru = c_ru * fight
    c_ua = c_ua * fight

    ru_use = wp.ru_need * f_ru * fight
    ua_use = wp.ua_need * f_ua * fight
    state.ru_stock = np.maximum(state.ru_stock + ru_inflow * live - ru_use, 0.0)
    state.ua_stock = np.maximum(state.ua_stock + ua_inflow * live - ua_use, 0.0)

    ru_recruit = wp.ru_recruits * (fight + rest * ru_rebuild)
    mob_rate = wp.ua_mobilization * np.clip(state.ua_pool / wp.ua_pool0, 0.0, 1.0)
    ua_recruit = np.minimum(mob_rate * (fight + rest * ua_rebuild), state.ua_pool)
    state.ua_pool = state.ua_pool - ua_recruit
    state.ru_force = np.maximum(state.ru_force + ru_recruit - c_ru * wp.permanent, 0.0)
    state.ua_force = np.maximum(state.ua_force + ua_recruit - c_ua * wp.permanent, 0.0)
    state.territory = np.clip(state.territory + adv, 0.0, 100.0)
    state.ru_casualties = state.ru_casualties + c_ru
    state.ua_casualties = state.ua_casualties + c_ua
    return {"advance": adv, "ru_casualties": c_ru, "ua_casualties": c_ua, "rho": rho}


def collapsed(state: WarState, wp: WarParams) -> tuple[np.ndarray, np.ndarray]:
    """(Russia collapsed, Ukraine collapsed) masks."""
    return state.ru_force < wp.collapse * wp.ru_force0, state.ua_force < wp.collapse * wp.ua_force0


def block_constants(wp: WarParams, dt, fight, ru_inflow, ua_inflow, ru_rebuild, ua_rebuild,
                    decay=None) -> dict:
    """The parts of :func:`block_step` that do not depend on the state (one per projection).

    A projection (:func:`sim.engine.forecast.project`) runs several blocks with the same
    ``fight``, inflows and rebuilding; computing these once instead of every block gives the
    same numbers (the same operations on the same operands) at a fraction of the cost.
    ``all_rest`` / ``all_fight`` flag a ``fight`` that is 0 / 1 everywhere, where
    :func:`block_step` skips the combat equations / the ceasefire branch.
    """
    fight = np.asarray(fight, dtype=np.float64)
    dt = np.asarray(dt, dtype=np.float64)
    a = np.clip(1.0 - fight / np.maximum(wp.cover, TINY), 0.0, 1.0)
    share_ru = fight + (1.0 - fight) * ru_rebuild
    share_ua = fight + (1.0 - fight) * ua_rebuild
    g = np.clip(1.0 - wp.ua_mobilization * share_ua / np.maximum(wp.ua_pool0, TINY), 0.0, 1.0)
    return {
        "fight": fight, "dt": dt, "ru_inflow": ru_inflow, "ua_inflow": ua_inflow,
        "all_rest": not np.any(fight), "all_fight": bool(np.all(fight == 1.0)),
        "ru_cap": np.maximum(wp.ru_need * wp.cover, TINY), "ua_cap": np.maximum(wp.ua_need * wp.cover, TINY),
        "f_ru_star": np.clip(ru_inflow / np.maximum(wp.ru_need, TINY), 0.0, wp.fmax),
        "f_ua_star": np.clip(ua_inflow / np.maximum(wp.ua_need, TINY), 0.0, wp.fmax),
        "decay": mean_decay(wp.cover, dt) if decay is None else decay,     # may be precomputed per model
        "ad": a ** dt, "ru_fixed": ru_inflow * wp.cover, "ua_fixed": ua_inflow * wp.cover,
        "ru_gain": wp.ru_recruits * share_ru, "ua_drawn": 1.0 - g ** dt,
    }


def _block_stock(stock, inflow, fixed, k):
    """A shell stock after a block: the exact weekly recursion while fighting, refilling at rest."""
    if k["all_rest"]:
        return stock + inflow * k["dt"]
    fighting = fixed + (stock - fixed) * k["ad"]
    if k["all_fight"]:
        return fighting
    return np.where(k["fight"] > 0, fighting, stock + inflow * k["dt"])


def block_step(state: WarState, wp: WarParams, dt, fight, ru_inflow, ua_inflow, ru_rebuild,
               ua_rebuild, bias=1.0, decay=None, constants=None) -> dict[str, np.ndarray]:
    """Advance the war by ``dt`` weeks in place, the equations of :func:`step` solved per block.

    Used by forecasts (:mod:`sim.engine.forecast`), which cover a planning horizon in a few
    blocks instead of one step a week. Within a block the combat equations (:func:`balance`,
    :func:`advance`, :func:`casualties`) are evaluated once, with fire effectiveness averaged
    over the block; stocks and Ukraine's pool follow the exact solution of :func:`step`'s
    weekly recursions (``S_{k+1} = a S_k + inflow`` with ``a = 1 - 1/cover`` while fighting,
    ``pool_{k+1} = g pool_k`` with ``g = 1 - rate / pool0``); forces and territory move by the
    block's rates. ``fight`` is 1 where the front is active and 0 in a full ceasefire (then
    both sides rebuild at ``ru_rebuild``, ``ua_rebuild`` of wartime recruitment). ``bias``
    multiplies Russia's relative power, as an actor's beliefs do. ``constants`` are those of
    :func:`block_constants` for these arguments (computed here if not given). Returns the
    block's weekly rates (advance, casualties) and the mean forces over it.
    """
    k = constants if constants is not None else block_constants(
        wp, dt, fight, ru_inflow, ua_inflow, ru_rebuild, ua_rebuild, decay)
    fight, dt = k["fight"], k["dt"]
    ru_inflow, ua_inflow = k["ru_inflow"], k["ua_inflow"]
    f_ru0 = np.clip(state.ru_stock / k["ru_cap"], 0.0, wp.fmax)      # effectiveness()
    f_ua0 = np.clip(state.ua_stock / k["ua_cap"], 0.0, wp.fmax)
    f_ru = k["f_ru_star"] + (f_ru0 - k["f_ru_star"]) * k["decay"]
    f_ua = k["f_ua_star"] + (f_ua0 - k["f_ua_star"]) * k["decay"]
    if k["all_rest"]:          # nobody fights: no advance, no casualties (the rates are 0 exactly)
        c_ru = c_ua = np.zeros(np.shape(state.territory))
        adv = c_ru
    else:
        rho, fire, p_ru, p_ua = combat(state.ru_force, state.ua_force, f_ru, f_ua, wp)
        adv = advance(rho * bias, wp)
        c_ru, c_ua = casualties(adv, fire, wp, p_ru, p_ua)
        if not k["all_fight"]:     # (x * 1 = x: the product only matters where some rest)
            adv = adv * fight
            c_ru, c_ua = c_ru * fight, c_ua * fight

    state.ru_stock = _block_stock(state.ru_stock, ru_inflow, k["ru_fixed"], k)
    state.ua_stock = _block_stock(state.ua_stock, ua_inflow, k["ua_fixed"], k)
    ua_recruit = state.ua_pool * k["ua_drawn"]
    state.ua_pool = state.ua_pool - ua_recruit
    ru_start, ua_start = state.ru_force, state.ua_force
    if k["all_rest"]:      # the general lines below with zero rates, minus the terms that add 0 exactly
        state.ru_force = np.maximum(ru_start + k["ru_gain"] * dt, 0.0)
        state.ua_force = np.maximum(ua_start + ua_recruit, 0.0)
        territory = np.clip(state.territory, 0.0, 100.0)
        moved = (territory - state.territory) / np.maximum(dt, TINY)
        state.territory = territory
        return {"advance": moved, "ru_casualties": c_ru, "ua_casualties": c_ua,
                "ru_force": 0.5 * (ru_start + state.ru_force), "ua_force": 0.5 * (ua_start + state.ua_force)}
    state.ru_force = np.maximum(ru_start + (k["ru_gain"] - c_ru * wp.permanent) * dt, 0.0)
    state.ua_force = np.maximum(ua_start + ua_recruit - c_ua * wp.permanent * dt, 0.0)
    territory = np.clip(state.territory + adv * dt, 0.0, 100.0)
    moved = (territory - state.territory) / np.maximum(dt, TINY)     # the advance net of the 0-100% clip
    state.territory = territory
    state.ru_casualties = state.ru_casualties + c_ru * dt
    state.ua_casualties = state.ua_casualties + c_ua * dt
    return {"advance": moved, "ru_casualties": c_ru, "ua_casualties": c_ua,
            "ru_force": 0.5 * (ru_start + state.ru_force), "ua_force": 0.5 * (ua_start + state.ua_force)}
