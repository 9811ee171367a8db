"""The game behind the simulation: reservation lines, the bargaining range, the offer game.

Bargaining range (Fearon 1995)
------------------------------
A belligerent accepts a deal when ``V_deal - V_war > e`` (:mod:`sim.engine.actors.base`; ``e`` its
private resolve). ``V_deal`` is linear in the ceasefire line ``L`` (:mod:`sim.engine.durability`:
the line shifts the territory held in peace and in any renewed war alike, and the gains from
resuming do not depend on it), with slope ``dV/dL`` measured by :func:`line_slope`, so the
*reservation line*, where a side is indifferent, has a closed form:

    L* = L_offer + (e + V_war - V_deal(L_offer)) / (dV_deal / dL)

Russia (sign +1) accepts lines above its ``L*_R``, Ukraine (sign -1) lines below its
``L*_U``. Both are computed with each side's *beliefs* (optimism, learning), its costs and
the commitment risk it prices in (the derived breakdown risk, the other side's reload), holding the
offer's other terms fixed. The bargaining range is ``[L*_R, L*_U]``: it exists when
``L*_R <= L*_U`` and its width is ``L*_U - L*_R`` (percentage points of Ukraine). Red lines
on named lines (Russia: pre-2022; Ukraine: the four regions) are reported, not folded in.

The offer game (Powell 2006; Fearon 1995)
-----------------------------------------
A proposer (a belligerent, or Ukraine endorsing a US plan) offers a package from a menu
(the scenario's offer on each named line) or nothing; the responder accepts or rejects;
after an agreement both sides choose simultaneously to comply or to violate after a
reload period. Each end of the tree is *played* by the simulator (:class:`ForcedModel`
forces the moves, everything else, including the patrons' aid, sanctions and pressure,
runs as in the model) and its payoff is the mean realized discounted utility over the
replications, less the violation cost for a side that breaks; standard errors come from
the replications (common random numbers make differences between branches precise).
:func:`solve_offer_game` finds the subgame-perfect equilibrium by backward induction and
all Nash equilibria of each offer's reduced normal form (:mod:`sim.analysis.equilibria`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.engine import durability
from sim.engine.simulate import resolve_run
from sim.engine.beliefs import BELLIGERENTS
from sim.analysis.equilibria import support_enumeration
from sim.engine.model import END_BROKEN, CeasefireModel
from sim.scenario.offers import Offer
from sim.engine.outcomes import Outcomes
from sim.output.summary import summarize
from sim.scenario.schema import Scenario

MENU_LINES = ("pre_2022", "current", "four_regions")
ACTIONS = ("C", "V")   # comply, violate


# -- reservation lines and the bargaining range ----------------------------------------
def reservation_lines(model: CeasefireModel, offer: Offer) -> dict[str, np.ndarray]:
    """Each belligerent's reservation line (% of Ukraine held by Russia), shape (R,).

    NaN for a ceasefire without a line (``scope: energy_strikes``).
    """
    out = {}
    line0 = np.broadcast_to(np.asarray(model.line_of(offer.terms), dtype=np.float64), (model.n,))
    for key in BELLIGERENTS:
        actor = model.actors[key]
        ev = actor.evaluate(offer, proposal=True)
        if offer.terms.scope != "full":
            out[key] = np.full(model.n, np.nan)
            continue
        slope = line_slope(actor, offer, ev, line0)
        flat = np.abs(slope) < 1e-12          # the line does not matter (e.g. a foreseen collapse)
        accepts_any = ev.v_deal - ev.v_war > actor.resolve
        with np.errstate(divide="ignore", invalid="ignore"):
            out[key] = np.where(flat, np.where(accepts_any, -actor.sign, actor.sign) * np.inf,
                                line0 + (actor.resolve + ev.v_war - ev.v_deal) / slope)
        # a side that would break the deal at once accepts no line (sim.engine.commitment; its gain
        # from resuming does not depend on the line); the weekly shock at its mean, 0, as above
        at_once = durability.gain_at_start(model, actor, offer.terms) \
            - model.violation_cost_at(offer.terms, 0) > -actor.resolve
        out[key] = np.where(at_once, actor.sign * np.inf, out[key])
    return out


def line_slope(actor, offer: Offer, ev, line0) -> np.ndarray:
    """dV_deal / dline: V_deal is linear in the line (the line shifts the held and the resumed
    territory alike; the gains from resuming, hence the breakdown risk, do not depend on it).

    Measured on the model's own valuation between the offer's line and the 1991 border (0%).
    """
    base = replace(offer, terms=replace(offer.terms, line="pre_2014"))
    v0 = actor.evaluate(base, proposal=True).v_deal
    return (ev.v_deal - v0) / np.where(np.abs(line0) > 1e-9, line0, np.nan)


def bargaining_range(lines: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(exists, width): the range ``[L*_R, L*_U]`` is non-empty where ``L*_R <= L*_U``."""
    width = lines["ukraine"] - lines["russia"]
    return width >= 0.0, width


@dataclass
class BargainingPath:
    """Reservation lines along the simulated war: arrays (W+1, R), NaN where not at war."""

    russia: np.ndarray
    ukraine: np.ndarray
    territory: np.ndarray
    at_war: np.ndarray
    beliefs: dict[str, np.ndarray] | None
    outcomes: Outcomes
    offer: Offer

    @property
    def width(self) -> np.ndarray:
        return self.ukraine - self.russia

    def weekly(self) -> dict[str, np.ndarray]:
        """Per week: share of replications at war with a range, median lines and width."""
        w = self.width
        at_war = self.at_war
        n_war = at_war.sum(axis=1)
        exists = np.where(at_war, w >= 0, False).sum(axis=1)
        with np.errstate(invalid="ignore"), _quiet():
            return {
                "at_war": n_war,
                "range_share": np.where(n_war > 0, exists / np.maximum(n_war, 1), np.nan),
                "russia_median": np.nanmedian(self.russia, axis=1),
                "ukraine_median": np.nanmedian(self.ukraine, axis=1),
                "russia_q25": np.nanquantile(self.russia, 0.25, axis=1),
                "russia_q75": np.nanquantile(self.russia, 0.75, axis=1),
                "ukraine_q25": np.nanquantile(self.ukraine, 0.25, axis=1),
                "ukraine_q75": np.nanquantile(self.ukraine, 0.75, axis=1),
                "width_median": np.nanmedian(w, axis=1),
                "territory_median": np.median(self.territory, axis=1),
            }


class _quiet:
    """Silence numpy's all-NaN warnings (weeks where no replication is at war)."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


def bargaining_path(scenario: Scenario, offer_index: int = 0, *, replications: int | None = None,
                    seed: int | None = None, horizon_weeks: int | None = None) -> BargainingPath:
    """Run the scenario and compute both reservation lines at the start of every week.

    The run is the ordinary model (same outcomes as :func:`sim.engine.simulate.simulate`); week ``t``'s
    lines are those the offer would meet if it were put that week.
    """
    scenario = resolve_run(scenario, replications, seed, horizon_weeks)
    offer = scenario.offers[offer_index]
    model = CeasefireModel(scenario)
    W, n = model.horizon, model.n
    ru = np.full((W + 1, n), np.nan, dtype=np.float32)
    ua = np.full((W + 1, n), np.nan, dtype=np.float32)
    terr = np.empty((W + 1, n), dtype=np.float32)
    at_war = np.zeros((W + 1, n), dtype=bool)
    for t in range(W + 1):
        live = ~model.in_ceasefire & ~model.ended
        lines = reservation_lines(model, offer)
        ru[t] = np.where(live, lines["russia"], np.nan)
        ua[t] = np.where(live, lines["ukraine"], np.nan)
        terr[t] = model.war.territory
        at_war[t] = live
        if t < W:
            model.step()
    return BargainingPath(ru, ua, terr, at_war, model.belief_path, Outcomes.from_model(model), offer)


# -- the offer game ------------------------------------------------------------------------
class ForcedModel(CeasefireModel):
    """The model with the belligerents' moves in the offer game forced.

    Parameters
    ----------
    offer : the offer put (once, at its week), or None for no offer
    accept : {'russia': bool, 'ukraine': bool}, the answers to the offer
    violate_week : {'russia': week or None, ...}; a side breaks a holding ceasefire that week
    """

    def __init__(self, scenario: Scenario, offer: Offer | None, accept: dict[str, bool],
                 violate_week: dict[str, int | None], **kwargs):
        super().__init__(scenario, **kwargs)
        self.offers = () if offer is None else (replace(offer, repeat_every_weeks=0),)
        self.forced_accept = accept
        self.violate_week = violate_week
        self.penalty = {key: np.zeros(self.n) for key in BELLIGERENTS}

    def diplomacy(self, t: int) -> None:
        for index, offer in enumerate(self.offers):
            if not offer.due(t):
                continue
            live = ~self.in_ceasefire & ~self.ended
            decisions = {key: np.full(self.n, self.forced_accept.get(key, True)) for key in self.actors}
            for key in self.actors:
                self.accept_week[key] = np.where(live & decisions[key] & ~self.accepted[key], t,
                                                 self.accept_week[key])
                self.accepted[key] |= live & decisions[key]
                self.offered[key] |= live
            deal = live.copy()
            for party in offer.parties:
                deal &= decisions[party]
            self.united_states.react_to_refusal(offer, live & ~decisions["russia"], live & ~decisions["ukraine"])
            self.start_ceasefire(deal, index, t)

    def keep_or_break(self, t: int) -> None:
        if not self.in_ceasefire.any():
            return
        for index, offer in enumerate(self.offers):
            holding = self.in_ceasefire & (self.deal == index)
            holding = self.extend_or_lapse(offer, holding, t)   # a fixed-term truce, as in the model
            breaks = {key: holding & (self.violate_week.get(key) == t) for key in BELLIGERENTS}
            broken = breaks["russia"] | breaks["ukraine"]
            if not broken.any():
                continue
            cost = self.violation_cost(offer.terms) * self.delta ** t
            for key in BELLIGERENTS:
                self.penalty[key] += np.where(breaks[key], cost, 0.0)
            self.broken_by = np.where(broken, breaks["russia"] * 1 + breaks["ukraine"] * 2, self.broken_by)
            self.end_ceasefire(broken, END_BROKEN, t)

    def payoffs(self) -> dict[str, np.ndarray]:
        """Realized discounted utility of each belligerent, less its violation cost."""
        return {key: self.utility[key] - self.penalty[key] for key in BELLIGERENTS}


def roles(offer: Offer) -> tuple[str, str]:
    """(proposer, responder) of the offer game. A US plan is endorsed first by Ukraine
    (as at Jeddah, March 2025: 002_874e2567e534d42f.txt), then put to Russia."""
    proposer = offer.proposer if offer.proposer in BELLIGERENTS else "ukraine"
    return proposer, ("ukraine" if proposer == "russia" else "russia")


def menu(offer: Offer) -> list[Offer]:
    """The scenario's offer on each named line (other terms unchanged)."""
    if offer.terms.scope != "full":
        return [offer]
    out = []
    for line in MENU_LINES:
        name = offer.name if line == offer.terms.line else f"{offer.name}@{line}"
        out.append(replace(offer, name=name, terms=replace(offer.terms, line=line), repeat_every_weeks=0))
    return out


def play(scenario: Scenario, offer: Offer | None, accept: dict[str, bool],
         violate_week: dict[str, int | None]) -> dict[str, np.ndarray]:
    model = ForcedModel(scenario, offer, accept, violate_week, record_trajectories=False)
    model.run()
    return model.payoffs()


def game_payoffs(scenario: Scenario, offer_index: int = 0, *, violate_after: int = 52,
                 replications: int | None = None, seed: int | None = None,
                 horizon_weeks: int | None = None) -> dict:
    """Play every end of the offer game; per-replication payoffs of Russia and Ukraine.

    Returns ``{'proposer', 'responder', 'menu': [Offer], 'nodes': {node: {actor: (R,)}}}``
    with nodes ``'none'``, ``'<offer>|reject'`` and ``'<offer>|<ru><ua>'`` for the
    compliance profiles ``CC, CV, VC, VV`` (Russia's move first).
    """
    scenario = resolve_run(scenario, replications, seed, horizon_weeks)
    base = scenario.offers[offer_index]
    proposer, responder = roles(base)
    nodes: dict[str, dict[str, np.ndarray]] = {}
    if base.proposer in BELLIGERENTS:
        nodes["none"] = play(scenario, None, {}, {})
    else:   # Ukraine declines the US plan: the patrons react as to a refusal
        nodes["none"] = play(scenario, base, {proposer: False, responder: True}, {})
    items = menu(base)
    week_v = base.week + int(violate_after)
    for m in items:
        nodes[f"{m.name}|reject"] = play(scenario, m, {proposer: True, responder: False}, {})
        for a_ru in ACTIONS:
            for a_ua in ACTIONS:
                violate = {"russia": week_v if a_ru == "V" else None, "ukraine": week_v if a_ua == "V" else None}
                nodes[f"{m.name}|{a_ru}{a_ua}"] = play(scenario, m, {"russia": True, "ukraine": True}, violate)
    probe = CeasefireModel(replace(scenario, replications=1), record_trajectories=False)
    vetoes = {m.name: {k: _vetoes(probe, k, m) for k in BELLIGERENTS} for m in items}
    return {"proposer": proposer, "responder": responder, "menu": items, "nodes": nodes,
            "vetoes": vetoes, "violate_week": week_v, "replications": scenario.replications}


def _vetoes(probe, key: str, offer) -> list[str]:
    """The red lines of ``key`` that veto ``offer`` on the probe's first replication: on the
    terms, and in quantities (how much the line cedes from the front at the start)."""
    from sim.engine.lines import quantity_vetoes

    crossed = list(probe.actors[key].vetoes(offer))
    return crossed + [n for n, mask in quantity_vetoes(probe.actors[key].profile, offer, probe).items() if mask.all()]


def _est(x: np.ndarray) -> list[float]:
    """[mean, standard error] of a per-replication array."""
    n = len(x)
    return [float(np.mean(x)), float(np.std(x, ddof=1) / np.sqrt(n)) if n > 1 else float("nan")]


def _select(equilibria) -> object:
    """Equilibrium played in a subgame: a payoff-dominant pure one if any, else the pure
    one with the largest joint payoff, else the first mixed one (documented rule)."""
    pure = [e for e in equilibria if e.pure]
    pool = pure or list(equilibria)
    for e in pool:
        if all(e.row_payoff >= f.row_payoff - 1e-12 and e.col_payoff >= f.col_payoff - 1e-12 for f in pool):
            return e
    return max(pool, key=lambda e: e.row_payoff + e.col_payoff)


def _strategy_label(x: np.ndarray, names) -> str:
    parts = [f"{names[i]} {x[i]:.2f}" for i in range(len(x)) if x[i] > 1e-9]
    return names[int(np.argmax(x))] if len(parts) == 1 else " / ".join(parts)


def solve_offer_game(game: dict) -> dict:
    """Subgame-perfect equilibrium by backward induction and the Nash equilibria of each
    offer's reduced normal form, with Monte Carlo errors (see module docstring)."""
    nodes = game["nodes"]
    proposer, responder = game["proposer"], game["responder"]
    est = {node: {k: _est(v) for k, v in pay.items()} for node, pay in nodes.items()}
    mean = {node: {k: v[0] for k, v in pay.items()} for node, pay in est.items()}
    none = nodes["none"]
    offers_out = []
    best = {"offer": None, "value": mean["none"][proposer]}
    for m in game["menu"]:
        key = m.name
        A = np.array([[mean[f"{key}|{r}{u}"]["russia"] for u in ACTIONS] for r in ACTIONS])
        B = np.array([[mean[f"{key}|{r}{u}"]["ukraine"] for u in ACTIONS] for r in ACTIONS])
        sub = support_enumeration(A, B)
        chosen = _select(sub.equilibria)
        p_ru = chosen.row
        p_ua = chosen.col
        joint = np.outer(p_ru, p_ua)
        # per-replication continuation payoff under the chosen equilibrium (for paired errors)
        cont = {k: sum(joint[i, j] * nodes[f"{key}|{ACTIONS[i]}{ACTIONS[j]}"][k]
                       for i in range(2) for j in range(2)) for k in BELLIGERENTS}
        reject = nodes[f"{key}|reject"]
        diff = cont[responder] - reject[responder]
        vetoed = game["vetoes"][key]
        accepts = bool(diff.mean() > 0) and not vetoed[responder]
        outcome = cont if accepts else reject
        p_value = float(outcome[proposer].mean())
        offers_out.append({
            "offer": key, "line": m.terms.line,
            "vetoed_by": [k for k in BELLIGERENTS if vetoed[k]],
            "compliance": {"russia": _strategy_label(p_ru, ("comply", "violate")),
                           "ukraine": _strategy_label(p_ua, ("comply", "violate")),
                           "hold_probability": float(joint[0, 0]),
                           "equilibria": len(sub), "degenerate": sub.degenerate},
            "responder_accepts": accepts,
            "accept_minus_reject": _est(diff),
            "proposer_value": _est(outcome[proposer]),
            "proposer_gain_over_none": _est(outcome[proposer] - none[proposer]),
            "normal_form": normal_form(mean, key, proposer, responder),
        })
        if not vetoed[proposer] and p_value > best["value"]:
            best = {"offer": key, "value": p_value}
    chosen_offer = next((o for o in offers_out if o["offer"] == best["offer"]), None)
    spe = {
        "proposer": proposer, "responder": responder,
        "offer": best["offer"],
        "accepted": bool(chosen_offer and chosen_offer["responder_accepts"]),
        "hold_probability": (chosen_offer["compliance"]["hold_probability"]
                             if chosen_offer and chosen_offer["responder_accepts"] else 0.0),
        "compliance": chosen_offer["compliance"] if chosen_offer and chosen_offer["responder_accepts"] else None,
    }
    return {"proposer": proposer, "responder": responder, "violate_week": game["violate_week"],
            "replications": game["replications"], "payoffs": est, "offers": offers_out, "spe": spe}


NF_ROWS = ("no offer", "offer, comply", "offer, violate")
NF_COLS = ("reject", "accept, comply", "accept, violate")


def normal_form(mean: dict, key: str, proposer: str, responder: str) -> dict:
    """The reduced normal form of the game with one offer, and all its Nash equilibria.

    Rows: the proposer's plans (no offer / offer and comply / offer and violate); columns:
    the responder's (reject / accept and comply / accept and violate). Degenerate by
    construction (after "no offer" the responder's plan does not matter), see
    :mod:`sim.analysis.equilibria`.
    """
    def node(i, j):
        if i == 0:
            return "none"
        if j == 0:
            return f"{key}|reject"
        a_p, a_r = ACTIONS[i - 1], ACTIONS[j - 1]
        ru, ua = (a_p, a_r) if proposer == "russia" else (a_r, a_p)
        return f"{key}|{ru}{ua}"

    P = np.array([[mean[node(i, j)][proposer] for j in range(3)] for i in range(3)])
    R = np.array([[mean[node(i, j)][responder] for j in range(3)] for i in range(3)])
    sol = support_enumeration(P, R)
    return {
        "rows": list(NF_ROWS), "cols": list(NF_COLS),
        "proposer_payoffs": P.round(4).tolist(), "responder_payoffs": R.round(4).tolist(),
        "degenerate": sol.degenerate,
        "equilibria": [{"proposer": [round(float(v), 4) for v in e.row],
                        "responder": [round(float(v), 4) for v in e.col],
                        "pure": e.pure} for e in sol],
    }


def simulated_frequencies(out: Outcomes) -> dict:
    """What the full model did: acceptance, agreement and holding shares (Wilson 95%)."""
    s = summarize(out)
    cd = s["ceasefire_duration"]
    c = out.columns
    had = c["ceasefire_start_week"] >= 0
    holds = had & (c["outcome"] == "ceasefire_holds")
    return {
        "acceptance": {k: s["acceptance_probability"][k] for k in BELLIGERENTS},
        "agreed": cd["agreed_probability"], "agreed_interval": cd["agreed_interval"],
        "holds_given_agreed": float(holds.sum() / had.sum()) if had.any() else None,
        "outcome_probabilities": s["outcome_probabilities"],
    }
