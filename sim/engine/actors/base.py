"""The actor agent: preferences, red lines and the accept / keep-or-break decisions.

Every actor is a ``mesa.Agent`` whose methods act on all R replications at once. An actor
accepts an offer when no enabled red line is crossed and

    V_deal - V_war > e + noise

where ``e`` is its private resolve shock (drawn once per replication: the private
information of Fearon 1995) and ``noise`` a weekly political shock. V_deal and V_war come
from :mod:`sim.valuation`, projected with the actor's *believed* balance of forces.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from sim.engine import valuation
from sim.scenario.offers import Offer
from sim.scenario.schema import ActorProfile

SANCTIONS_RELIEF = {"none": 0.0, "partial": 0.5, "full": 1.0}


def red_line_hit(when: dict, offer: Offer) -> bool:
    """Does an offer meet every condition of a red line's ``when``?"""
    terms = offer.terms
    for key, wanted in when.items():
        if key == "parties_exclude":
            if not any(a not in offer.parties for a in wanted):
                return False
        elif key == "army_cap_below":
            if terms.army_cap is None or terms.army_cap >= wanted:
                return False
        elif getattr(terms, key) not in wanted:
            return False
    return True


def term_matches(key: str, offer: Offer) -> bool:
    """Does ``'term=value'`` (e.g. ``recognition=de_facto``, ``army_cap=set``) apply?"""
    name, _, value = key.partition("=")
    if name == "proposer":
        return offer.proposer == value
    actual = getattr(offer.terms, name)
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

    def econ(self, model, peace: bool, relief=0.0, expect_threat: bool = False):
        """Economic cost per week (EUR bn); ``relief`` is the sanctions relief of a deal."""
        raise NotImplementedError

    def vetoes(self, offer: Offer) -> list[str]:
        """Names of the enabled red lines this offer crosses."""
        return [name for name, rl in self.profile.red_lines.items() if rl.enabled and red_line_hit(rl.when, offer)]

    def lump(self, offer: Offer) -> np.ndarray | float:
        """One-off value of the offer's terms (pp-years), from the profile's term values."""
        total = 0.0
        for key, value in self.term_values.items():
            if term_matches(key, offer):
                total = total + value
        return total

    # -- valuation -------------------------------------------------------------------
    def evaluate(self, offer: Offer, proposal: bool = True) -> Evaluation:
        """V_deal and V_war of ``offer`` in every replication, from the current state.

        ``proposal`` is True when the offer is on the table (the patrons' threats apply to a
        refusal); False when an agreed ceasefire is being kept or extended.
        """
        m = self.model
        s, wp, p = m.war, m.wp, m.p
        horizon = m.horizon_plan
        terms = offer.terms
        threatened = proposal and offer.proposer == "united_states"
        ru_in_war, ua_in_war = m.inflows(expect_threat=threatened and self.key == "russia",
                                         expect_pause=threatened and self.key == "ukraine")
        bias = self.current_bias()
        adv, c_ru, c_ua = valuation.outlook(s.ru_force, s.ua_force, s.ru_stock, s.ua_stock,
                                            ru_in_war, ua_in_war, wp, m.decay, bias)
        threat_war = self.threat(s.ru_force, s.ua_force)
        econ_war = self.econ(m, peace=False, expect_threat=threatened and self.key == "russia")
        cost_war = valuation.cost_rate(self.w_cas, self.w_econ, self.w_sec,
                                       self.own_casualties(c_ru, c_ua), econ_war, threat_war)
        v_war = valuation.value_war(self.sign, s.territory, adv, cost_war, m.s0, m.s1)
        lump = self.lump(offer)
        if terms.scope == "energy_strikes":
            saving = self.w_econ * econ_war * (1.0 - p["attrition.energy_strike_cost_share"]) / 10.0
            return Evaluation(v_war, v_war + saving * m.s0 + lump, self.vetoes(offer))

        line = m.line_of(terms)
        q, surv_a, surv_b = m.survival(terms)
        weeks = np.minimum(1.0 / np.maximum(1.0 - q, 1e-6), horizon)
        relief = SANCTIONS_RELIEF[terms.sanctions_relief]
        ru_in_peace, ua_in_peace = m.inflows(relief=relief)
        fear_ru = self.reload_fear if self.believes_in_reload_of == "russia" else 1.0
        fear_ua = self.reload_fear if self.believes_in_reload_of == "ukraine" else 1.0
        ru_force_r = s.ru_force + wp.ru_recruits * m.rebuild_ru * weeks * fear_ru
        mob = wp.ua_mobilization * np.clip(s.ua_pool / wp.ua_pool0, 0.0, 1.0)
        ua_force_r = s.ua_force + np.minimum(mob * m.rebuild_ua * weeks, s.ua_pool) * fear_ua
        if terms.army_cap is not None:
            ua_force_r = np.minimum(ua_force_r, terms.army_cap)
        ru_stock_r = s.ru_stock + ru_in_peace * weeks * fear_ru
        ua_stock_r = s.ua_stock + ua_in_peace * weeks * fear_ua
        adv_r, c_ru_r, c_ua_r = valuation.outlook(ru_force_r, ua_force_r, ru_stock_r, ua_stock_r,
                                                  ru_in_war, ua_in_war, wp, m.decay, bias)
        ua_peace_force = s.ua_force if terms.army_cap is None else np.minimum(s.ua_force, terms.army_cap)
        cost_peace = valuation.cost_rate(self.w_cas, self.w_econ, self.w_sec, 0.0,
                                         self.econ(m, peace=True, relief=relief),
                                         self.threat(s.ru_force, ua_peace_force))
        cost_resumed = valuation.cost_rate(self.w_cas, self.w_econ, self.w_sec,
                                           self.own_casualties(c_ru_r, c_ua_r), econ_war,
                                           self.threat(ru_force_r, ua_force_r))
        v_deal = valuation.value_deal(self.sign, line, cost_peace, cost_resumed, adv_r, m.s0,
                                      surv_a, surv_b, lump)
        return Evaluation(v_war, v_deal, self.vetoes(offer))

    def decide(self, offer: Offer, week: int, proposal: bool = True) -> tuple[np.ndarray, Evaluation]:
        """Accept (or extend) the offer? Bool array, plus the evaluation behind it."""
        ev = self.evaluate(offer, proposal)
        if ev.vetoed:
            return np.zeros(self.model.n, dtype=bool), ev
        noise = self.model.weekly_noise(f"decide:{self.key}", week)
        return ev.margin > self.resolve + noise, ev

    def breaks_ceasefire(self, offer: Offer, week: int) -> np.ndarray:
        """Keep or break an agreed ceasefire this week? (True = break)."""
        m = self.model
        ev = self.evaluate(offer, proposal=False)
        cost = m.violation_cost(offer.terms)
        noise = m.weekly_noise(f"break:{self.key}", week)
        return (ev.v_war - cost) - ev.v_deal > -self.resolve + noise


class Belligerent(Actor):
    """Russia or Ukraine: a party that fights, accepts offers and may break ceasefires."""


class Patron(Actor):
    """The United States or Europe: sets aid, sanctions and pressure each week."""

    def own_casualties(self, c_ru, c_ua):
        return c_ua

    def econ(self, model, peace: bool, relief=0.0, expect_threat: bool = False):
        aid = model.aid_of(self.key) / 52.0
        return aid * model.p["attrition.ceasefire_cost_share"] if peace else aid

    def set_policy(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError
