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
runs as in the model); its payoff in each replication is the realized discounted utility,
less the violation cost for a side that breaks. Each replication is a *world*: the players of
the game know its payoffs (complete information within the world), and
:func:`solve_offer_game` solves the game in every world by backward induction (the
compliance subgame's equilibria per world, :func:`compliance_equilibria`). The answer is the
distribution of the equilibrium paths over the worlds, reported beside the model's simulated
frequencies; no equilibrium of payoffs averaged over worlds is computed (an average world is
not a world any actor lives in: a game solved on averages can differ from every world's).
Means and standard errors of the payoffs are reported as description.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.engine import durability
from sim.engine.simulate import resolve_run
from sim.engine.beliefs import BELLIGERENTS
from sim.analysis.equilibria import TOL, support_enumeration
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


def _share(mask) -> list[float]:
    """[share, standard error] of a boolean (or probability) per-world array."""
    x = np.asarray(mask, dtype=np.float64)
    return _est(x) if len(x) else [float("nan"), float("nan")]


def _pure_nash(A: np.ndarray, B: np.ndarray, tol: float = TOL) -> np.ndarray:
    """Per world, which cells of the bimatrix game ``(A, B)`` (shape (R, m, n)) are pure
    Nash equilibria: (R, m, n) bool. Best-response test of :func:`pure_equilibria`, per world."""
    scale = np.maximum(1.0, np.maximum(np.abs(A).max(axis=(1, 2)), np.abs(B).max(axis=(1, 2))))[:, None, None]
    return (A >= A.max(axis=1, keepdims=True) - tol * scale) & (B >= B.max(axis=2, keepdims=True) - tol * scale)


def compliance_equilibria(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The equilibrium played in each world's 2x2 compliance subgame.

    ``A``, ``B``: (R, 2, 2) payoffs of Russia (rows: comply, violate) and Ukraine (columns).
    Selection rule (documented in docs/game-theory.md): the pure equilibrium with the largest
    joint payoff (first in the order CC, CV, VC, VV on ties), which is the payoff-dominant one
    when one exists; else the mixed one (a 2x2 game without a pure equilibrium has exactly one,
    found by :func:`sim.analysis.equilibria.support_enumeration`).

    Returns (p_ru, p_ua): each world's probabilities of complying, shape (R,).
    """
    R = A.shape[0]
    ne = _pure_nash(A, B).reshape(R, 4)
    joint = np.where(ne, (A + B).reshape(R, 4), -np.inf)
    cell = np.argmax(joint, axis=1)             # the first of the largest (a payoff-dominant one if any)
    has_pure = ne.any(axis=1)
    p_ru = np.where(cell < 2, 1.0, 0.0)
    p_ua = np.where(cell % 2 == 0, 1.0, 0.0)
    for r in np.flatnonzero(~has_pure):
        e = support_enumeration(A[r], B[r]).equilibria[0]
        p_ru[r], p_ua[r] = e.row[0], e.col[0]
    return p_ru, p_ua


def solve_offer_game(game: dict, simulated_agreed: np.ndarray | None = None) -> dict:
    """The offer game solved in every world (replication) by backward induction.

    In world ``r`` the players know its payoffs (complete information within a world: the
    ones the simulator realized there); the distribution over worlds of the equilibrium path
    is the answer, reported beside the model's simulated frequencies. No equilibrium of the
    averaged payoffs is computed (see docs/game-theory.md, section 3).

    ``simulated_agreed`` (bool per world, the same replications): whether the full model
    agreed a ceasefire at the offer's week; the report then cross-tabulates game and model.
    """
    nodes = game["nodes"]
    proposer, responder = game["proposer"], game["responder"]
    R = len(nodes["none"][proposer])
    est = {node: {k: _est(v) for k, v in pay.items()} for node, pay in nodes.items()}
    none = nodes["none"]
    best_value = np.asarray(none[proposer], dtype=np.float64).copy()
    choice = np.full(R, -1)                     # index into the menu; -1: no offer
    offers_out, per_offer = [], []
    for index, m in enumerate(game["menu"]):
        key = m.name
        cell = {(r, u): nodes[f"{key}|{r}{u}"] for r in ACTIONS for u in ACTIONS}
        A = np.stack([np.stack([cell[(r, u)]["russia"] for u in ACTIONS], -1) for r in ACTIONS], -2)
        B = np.stack([np.stack([cell[(r, u)]["ukraine"] for u in ACTIONS], -1) for r in ACTIONS], -2)
        p_ru, p_ua = compliance_equilibria(A, B)
        prob = {(r, u): (p_ru if r == "C" else 1 - p_ru) * (p_ua if u == "C" else 1 - p_ua)
                for r in ACTIONS for u in ACTIONS}
        cont = {k: sum(prob[c] * cell[c][k] for c in cell) for k in BELLIGERENTS}
        reject = nodes[f"{key}|reject"]
        diff = cont[responder] - reject[responder]
        vetoed = game["vetoes"][key]
        accepts = (diff > 0) & (not vetoed[responder])
        value = np.where(accepts, cont[proposer], reject[proposer])
        if not vetoed[proposer]:
            better = value > best_value
            choice = np.where(better, index, choice)
            best_value = np.where(better, value, best_value)
        per_offer.append({"accepts": accepts, "hold": prob[("C", "C")], "p_ru": p_ru, "p_ua": p_ua})
        offers_out.append({
            "offer": key, "line": m.terms.line,
            "vetoed_by": [k for k in BELLIGERENTS if vetoed[k]],
            "responder_accepts": _share(accepts),
            "accept_minus_reject": _est(diff),
            "compliance": {"russia_complies": _share(p_ru), "ukraine_complies": _share(p_ua),
                           "hold_probability": _share(prob[("C", "C")]),
                           "mixed_worlds": int(np.count_nonzero((p_ru % 1 > 0) | (p_ua % 1 > 0)))},
            "proposer_gain_over_none": _est(value - none[proposer]),
            "normal_form": normal_form(nodes, key, proposer, responder),
        })
    for index, o in enumerate(offers_out):
        o["chosen"] = _share(choice == index)
    agreed = np.zeros(R, dtype=bool)
    hold = np.zeros(R)
    paths: dict[str, np.ndarray] = {"no offer": choice < 0}
    for index, (m, po) in enumerate(zip(game["menu"], per_offer)):
        made = choice == index
        ok = made & po["accepts"]
        agreed |= ok
        hold = np.where(ok, po["hold"], hold)
        paths[f"{m.name}: rejected"] = (made & ~ok).astype(np.float64)
        for r in ACTIONS:
            for u in ACTIONS:
                pr = (po["p_ru"] if r == "C" else 1 - po["p_ru"]) * (po["p_ua"] if u == "C" else 1 - po["p_ua"])
                paths[f"{m.name}: agreed, {_PROFILE[r + u]}"] = np.where(ok, pr, 0.0)
    worlds = {
        "proposer_offers": _share(choice >= 0),
        "agreed": _share(agreed),
        "hold_given_agreed": _est(hold[agreed]) if agreed.any() else [None, None],
        "paths": {k: _share(v) for k, v in paths.items() if np.any(v > 0)},
    }
    if simulated_agreed is not None:
        sim = np.asarray(simulated_agreed, dtype=bool)
        worlds["versus_simulation"] = {"both_agree": _share(agreed & sim)[0],
                                       "game_only": _share(agreed & ~sim)[0],
                                       "simulation_only": _share(~agreed & sim)[0],
                                       "neither": _share(~agreed & ~sim)[0]}
    return {"proposer": proposer, "responder": responder, "violate_week": game["violate_week"],
            "replications": game["replications"], "payoffs": est, "offers": offers_out, "worlds": worlds}


_PROFILE = {"CC": "both comply", "CV": "Ukraine violates", "VC": "Russia violates", "VV": "both violate"}
NF_ROWS = ("no offer", "offer, comply", "offer, violate")
NF_COLS = ("reject", "accept, comply", "accept, violate")


def normal_form(nodes: dict, key: str, proposer: str, responder: str) -> dict:
    """The reduced normal form of the game with one offer, in every world: the share of
    worlds in which each pure profile is a Nash equilibrium.

    Rows: the proposer's plans (no offer / offer and comply / offer and violate); columns:
    the responder's (reject / accept and comply / accept and violate). Degenerate by
    construction (after "no offer" the responder's plan does not matter), so it has
    equilibria that are not subgame-perfect, e.g. "no offer" held up by the responder's
    non-credible threat to reject.
    """
    def node(i, j):
        if i == 0:
            return "none"
        if j == 0:
            return f"{key}|reject"
        a_p, a_r = ACTIONS[i - 1], ACTIONS[j - 1]
        ru, ua = (a_p, a_r) if proposer == "russia" else (a_r, a_p)
        return f"{key}|{ru}{ua}"

    P = np.stack([np.stack([nodes[node(i, j)][proposer] for j in range(3)], -1) for i in range(3)], -2)
    Q = np.stack([np.stack([nodes[node(i, j)][responder] for j in range(3)], -1) for i in range(3)], -2)
    ne = _pure_nash(P, Q)
    return {"rows": list(NF_ROWS), "cols": list(NF_COLS),
            "pure_nash_share": ne.mean(axis=0).round(4).tolist(),
            "no_pure_equilibrium": int(np.count_nonzero(~ne.any(axis=(1, 2))))}


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
