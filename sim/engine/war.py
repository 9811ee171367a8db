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
* Casualties: Russia, attacking, loses ``russia_casualties_per_day * 7``; Ukraine loses that over
  the exchange ratio ``ER * (f_ua / f_ru)**materiel_elasticity`` (CSIS: 2-2.5). When Ukraine
  advances it is the attacker and loses ``attacker_loss_ratio`` per Russian loss (001: ~3:1).
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


def casualties(adv, fire, wp: WarParams):
    """Weekly casualties (thousand) of Russia and Ukraine given who is advancing.

    ``fire`` is Russia's fire ratio from :func:`balance`; more Ukrainian fire raises the
    exchange ratio ``ER / fire``.
    """
    ratio = wp.exchange_ratio / fire
    russia_attacks = adv >= 0.0
    ua_when_defending = wp.ru_casualties / ratio
    ua_when_attacking = wp.ru_casualties / wp.exchange_ratio
    ua = np.where(russia_attacks, ua_when_defending, ua_when_attacking)
    ru = np.where(russia_attacks, wp.ru_casualties, ua_when_attacking / wp.attacker_ratio)
    return ru, ua


def mean_decay(cover, horizon):
    """Mean of ``a**k`` over ``horizon`` weeks, ``a = 1 - 1/cover``.

    Under steady inflow, fire effectiveness follows ``f(k) = f* + (f0 - f*) a**k``; its mean
    over the planning horizon is ``f* + (f0 - f*) * mean_decay`` (keeps decisions O(R)).
    """
    a = np.clip(1.0 - 1.0 / cover, 0.0, 1.0)
    h = np.maximum(horizon, 1.0)
    return np.where(a < 1.0, (1.0 - a ** h) / (h * np.maximum(1.0 - a, 1e-12)), 1.0)


def step(state: WarState, wp: WarParams, fighting, resting, ru_inflow, ua_inflow,
         ru_rebuild, ua_rebuild) -> dict[str, np.ndarray]:
    """Advance the war by one week in place.

    Parameters
    ----------
    fighting : bool array, replications where the front is active
    resting : bool array, replications in a full ceasefire (both sides rebuild)
    ru_inflow, ua_inflow : shells arriving this week (production, aid)
    ru_rebuild, ua_rebuild : recruitment during a ceasefire as a share of wartime

    Returns the week's flows: advance and casualties of each side.
    """
    f_ru = effectiveness(state.ru_stock, wp.ru_need, wp.cover, wp.fmax)
    f_ua = effectiveness(state.ua_stock, wp.ua_need, wp.cover, wp.fmax)
    rho, fire = balance(state.ru_force, state.ua_force, f_ru, f_ua, wp)
    fight = fighting.astype(np.float64)
    rest = resting.astype(np.float64)
    live = fight + rest
    adv = advance(rho, wp) * fight
    c_ru, c_ua = casualties(adv, fire, wp)
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
