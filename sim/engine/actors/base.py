"""The actor agent: preferences, red lines and the accept / keep-or-break decisions.

Every actor is a ``mesa.Agent`` whose methods act on all R replications at once. An actor
accepts an offer when no enabled red line is crossed and

    V_deal - V_war > e + noise

where ``e`` is its private resolve shock (drawn once per replication: the private
information of Fearon 1995) and ``noise`` a weekly political shock. V_deal and V_war come
from :mod:`sim.engine.forecast` and :mod:`sim.engine.durability`: the model's own war
equations projected through the actor's beliefs, and a breakdown risk derived from the
keep-or-break rule the model applies.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from sim.engine import durability, forecast, lines, threats, valuation
from sim.scenario.offers import Offer
from sim.scenario.schema import ActorProfile

SANCTIONS_RELIEF = {"none": 0.0, "partial": 0.5, "full": 1.0}   # (a share 0..1 is also a term value)


def red_line_hit(when: dict, offer: Offer) -> bool:
    """Does an offer meet every term condition of a red line's ``when``?

    Conditions on quantities (``cedes_unheld``, ``returns_held``: :mod:`sim.engine.lines`)
    depend on the front in each replication and are not checked here.
    """
    terms = offer.terms
    for key, wanted in when.items():
        if key in lines.QUANTITY_KEYS:
            continue
        if key == "parties_exclude":
            if not any(a not in offer.parties for a in wanted):
                return False
        elif key == "army_cap_below":
            if terms.army_cap is None or terms.army_cap >= wanted:
                return False
        elif term_value(terms, key) not in wanted:
            return False
    return True


def term_value(terms, key: str):
    """A term as red lines and term values read it; a duration written in hours is a fixed
    term (``duration_days`` reads ``"<n> hours"``, not null = open-ended)."""
    if key == "duration_days" and terms.duration_hours is not None:
        return f"{terms.duration_hours} hours"
    return getattr(terms, key)


def vetoing_red_lines(profile: ActorProfile, offer: Offer) -> list[str]:
    """Names of the profile's enabled red lines that ``offer`` crosses whatever the state (profile
    order). Red lines written in quantities veto per replication (:func:`sim.engine.lines.quantity_vetoes`)."""
    return [name for name, rl in profile.red_lines.items()
            if rl.enabled and not lines.is_quantity(rl.when) and red_line_hit(rl.when, offer)]


def term_matches(key: str, offer: Offer) -> bool:
    """Does ``'term=value'`` (e.g. ``recognition=de_facto``, ``army_cap=set``) apply?"""
    name, _, value = key.partition("=")
    if name == "proposer":
        return offer.proposer == value
    actual = term_value(offer.terms, name)
    if value in ("set", "fixed"):
        return actual is not None
    if value in ("true", "false"):
        return bool(actual) == (value == "true")
    return actual == value


@dataclass
class Evaluation:
    """An actor's view of one offer in every replication."""

    v_war: np.ndarray
    v_deal: np.ndarray
    vetoed: list[str]
    survival_52: np.ndarray | None = None   # believed 52-week survival of the ceasefire

    @property
    def margin(self) -> np.ndarray:
        return self.v_deal - self.v_war


class Actor(mesa.Agent):
    """Base class of the four actors. Subclasses set ``key`` and the views they hold.

    Parameters
    ----------
    model : CeasefireModel
    profile : ActorProfile (resolved from ``sim/scenario/data/profiles/<key>.yaml`` + scenario)
    draws : dict of arrays, the actor's drawn weights, term values, beliefs and shock
    """

    key = ""
    believes_in_reload_of = ""   # the side whose rebuilding this actor fears

    def __init__(self, model, profile: ActorProfile, draws: dict[str, np.ndarray]):
        super().__init__(model)
        self.profile = profile
        self.sign = float(profile.territory_sign)
        self.w_cas = draws["weights.casualties"]
        self.w_econ = draws["weights.economic"]
        self.w_sec = draws["weights.security"]
        self.term_values = {k[len("term_values."):]: v for k, v in draws.items() if k.startswith("term_values.")}
        self.optimism = draws.get("beliefs.optimism", 0.0)
        self.reload_fear = draws.get("beliefs.reload_fear", 1.0)
        self.prior_sd = draws.get("beliefs.prior_sd", 0.0)      # uncertainty about the balance
        self.learning = draws.get("beliefs.learning", 0.0)      # weight of battlefield news (sim.engine.beliefs)
        self.resolve = draws["resolve"]
        self.resolve_sd = draws.get("resolve_sd", 0.0)   # known to others only as this spread

    # -- what the actor sees -----------------------------------------------------------
    def bias(self):
        """Multiplier on Russia's relative combat power in this actor's beliefs."""
        return 1.0

    def current_bias(self):
        """The bias this week: the posterior mean of :mod:`sim.engine.beliefs` if the actor learns."""
        state = getattr(self.model, "beliefs", None)
        if state is not None and self.key in state:
            return state.mean(self.key)
        return self.bias()

    def own_casualties(self, c_ru, c_ua):
        return c_ua

    def threat(self, ru_force, ua_force):
        """The army this actor feels threatened by (thousand soldiers)."""
        return ru_force

    def econ(self, model, peace: bool, relief=0.0, expect_threat=()):
        """Economic cost per week (EUR bn); ``relief`` is the sanctions relief of a deal;
        ``expect_threat`` the threats of an offer the actor expects if it refuses."""
        raise NotImplementedError

    def vetoes(self, offer: Offer) -> list[str]:
        """Names of the enabled red lines this offer crosses."""
        return vetoing_red_lines(self.profile, offer)

    def lump(self, offer: Offer) -> np.ndarray | float:
        """One-off value of the offer's terms (pp-years), from the profile's term values."""
        total = 0.0
        for key, value in self.term_values.items():
            if term_matches(key, offer):
                total = total + value
        return total

    # -- valuation -------------------------------------------------------------------
    def cost_rate(self, casualties, econ, threat):
        """Weekly cost in pp-years (:func:`sim.engine.valuation.cost_rate` with this actor's weights)."""
        return valuation.cost_rate(self.w_cas, self.w_econ, self.w_sec, casualties, econ, threat)

    def evaluate(self, offer: Offer, proposal: bool = True, part: str | None = None) -> Evaluation:
        """V_deal and V_war of ``offer`` in every replication, from the current state.

        Both project the model's war equations over the planning horizon through this actor's
        beliefs (:mod:`sim.engine.forecast`). ``proposal`` is True when the offer is on the
        table (the patrons' threats apply to a refusal); False when an agreed ceasefire is
        being extended. ``part`` (one of :data:`sim.engine.forecast.PARTS`) values only that
        term of utility, without term values (:func:`sim.engine.decomposition.margin_parts`).
        """
        m = self.model
        terms = offer.terms
        # the threats against this actor if it refuses (sim.engine.threats); none on an extension
        aimed = threats.against(offer.all_threats, self.key) if proposal else ()
        expect_threat = aimed if self.key == "russia" else ()
        ru_in, ua_in = m.inflows(expect_threat=expect_threat, expect_pause=aimed if self.key == "ukraine" else ())
        bias = self.current_bias()
        path = durability.cached(
            m, ("war", durability.belief_group(self), aimed or False),
            lambda: forecast.project(m.war, m.wp, m.horizon_plan, 1.0, ru_in, ua_in, m.rebuild_ru,
                                     m.rebuild_ua, bias))
        econ_war = self.econ(m, peace=False, expect_threat=expect_threat)
        v_war = forecast.flow_value(self, path, econ_war, m.delta, m.horizon_plan,
                                    weights=durability.weights(m, path["advance"].shape[0]), part=part)
        lump = self.lump(offer) if part is None else 0.0
        if terms.scope != "full":          # a limited truce: valued by what it changes (sim.engine.scope)
            from sim.engine import scope

            v_deal, survival_52 = scope.deal_value(self, terms, part)
            return Evaluation(v_war, v_deal + lump, self.vetoes(offer), survival_52)
        v_deal, survival_52 = durability.deal_value(m, self, terms, bias, part)
        return Evaluation(v_war, v_deal + lump, self.vetoes(offer), survival_52)

    def decide(self, offer: Offer, week: int, proposal: bool = True) -> tuple[np.ndarray, Evaluation]:
        """Accept (or extend) the offer? Bool array, plus the evaluation behind it."""
        ev = self.evaluate(offer, proposal)
        if ev.vetoed:
            return np.zeros(self.model.n, dtype=bool), ev
        noise = self.model.weekly_noise(f"decide:{self.key}", week)
        accept = ev.margin > self.resolve + noise
        for mask in lines.quantity_vetoes(self.profile, offer, self.model).values():
            accept = accept & ~mask           # red lines on how much a line cedes (per replication)
        return accept, ev

    def gain_from_resuming(self, terms) -> np.ndarray:
        """G = V_war - V_hold from the current state (the keep-or-break rule, before its cost)."""
        m = self.model
        return durability.gains(m, {self.key: self}, m.war, terms, self.current_bias(),
                                fear=durability.fears(self))[self.key]

    def breaks_ceasefire(self, offer: Offer, week: int, gain=None, where=None, cost=None) -> np.ndarray:
        """Keep or break an agreed ceasefire this week? (True = break).

        Breaks iff ``G - cost > -e + eps``: ``G`` from :meth:`gain_from_resuming` (the model
        caches it, :data:`sim.engine.model.GAIN_REFRESH_WEEKS`), ``cost`` the violation cost
        at the ceasefire's age, ``e`` the private resolve, ``eps`` the weekly shock. With
        ``where`` (bool array) only those replications decide (False elsewhere): the shocks
        are drawn for them alone, the same numbers as for all (keyed by replication id).
        ``cost``: the violation cost this week if the caller has it (the same for both sides).
        """
        m = self.model
        if gain is None:
            gain = self.gain_from_resuming(offer.terms)
        if cost is None:
            cost = m.violation_cost(offer.terms)
        if where is None or np.all(where):
            noise = m.weekly_noise(f"break:{self.key}", week)
            return gain - cost > -self.resolve + noise
        idx = np.flatnonzero(where)         # draws keyed by replication id: the same on a subset
        out = np.zeros(m.n, dtype=bool)
        resolve = np.broadcast_to(self.resolve, (m.n,))[idx]
        out[idx] = gain[idx] - cost[idx] > -resolve + m.weekly_noise(f"break:{self.key}", week, idx)
        return out


class Belligerent(Actor):
    """Russia or Ukraine: a party that fights, accepts offers and may break ceasefires."""

    def decide(self, offer: Offer, week: int, proposal: bool = True) -> tuple[np.ndarray, Evaluation]:
        """:meth:`Actor.decide`, never accepting a ceasefire it would break at once
        (:mod:`sim.engine.commitment`)."""
        from sim.engine.commitment import keeps

        accept, ev = super().decide(offer, week, proposal)
        return keeps(self, offer, week, accept), ev


class Patron(Actor):
    """The United States or Europe: sets aid, sanctions and pressure each week."""

    def own_casualties(self, c_ru, c_ua):
        return c_ua

    def econ(self, model, peace: bool, relief=0.0, expect_threat=()):
        aid = model.aid_of(self.key) / 52.0
        return aid * model.p["attrition.ceasefire_cost_share"] if peace else aid

    def set_policy(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError
