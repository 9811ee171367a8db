"""CeasefireModel: the Mesa model that plays offers against the war, R replications at once.

Every state variable is an array of shape (R,). One ``step()`` is one week, in the fixed
order of the protocol:

Mesa's API carries the protocol: the four actors are the model's ``agents`` (an AgentSet, in
creation order: Russia, Ukraine, the United States, Europe), ``belligerents`` and ``patrons``
are AgentSet selections by type, and the weekly series are collected by a
``mesa.DataCollector``. One Mesa model holds R vectorized replications: each agent acts on
all R worlds at once (arrays of shape (R,)), so ``model.agents`` has four members however
large R is.

1. **diplomacy** - offers due this week are put to every replication still at war; each
   of ``model.agents`` decides (accept = no red line crossed and V_deal - V_war > e + noise); a deal
   needs every party; refused US-brokered offers trigger threats and pressure;
2. **decisions** - in a ceasefire each of ``model.belligerents`` weighs breaking it; a fixed-term truce
   ends unless every party extends it;
3. **fighting** - the war of attrition moves one week where the front is active; both
   sides rebuild where a full ceasefire holds; the belligerents update their beliefs from
   the observed front (:mod:`sim.engine.beliefs`);
4. **aid and sanctions** - ``model.patrons.do("set_policy")``: the United States, then
   Europe (which fills part of the US shortfall), set next week's aid;
5. **record** - realized utilities; ``model.datacollector.collect(model)`` stores the week's
   territory and believed balance (``territory_path``, ``belief_path``: (W+1, R) float32).

Randomness is keyed by (seed, stream, replication id, week) (:mod:`sim.engine.rng`), so replication
``i`` is the same whatever R is: R separate runs with R=1 equal one R-run bit for bit. Mesa's
``model.rng`` is seeded with the run's seed but unused (one generator for R worlds would tie
replication ``i``'s numbers to R and to the chunking).
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim.engine import ceasefire_terms, information, lines, proposals, scope, threats, timing, valuation, war
from sim.engine.forecast import TERMINAL_LINE
from sim.engine.beliefs import BELLIGERENTS, BeliefState, observe_week
from sim.engine.actors import CLASSES
from sim.engine.actors.base import Belligerent, Patron
from sim.scenario.offers import ACTORS, Terms
from sim.scenario.quantities import relief_share
from sim.engine.rng import KeyedStreams
from sim.scenario.schema import Scenario
from sim.engine.subset import ViewCache, view

OUTCOME_CLASSES = (
    "war_continues",      # no ceasefire was ever agreed; the war runs to the horizon
    "ceasefire_holds",    # a ceasefire is holding at the horizon
    "ceasefire_broken",   # a ceasefire was agreed and broken; war at the horizon
    "truce_lapsed",       # a fixed-term truce ended without extension; war at the horizon
    "ukraine_collapse",   # Ukraine's army fell below its collapse threshold
    "russia_collapse",    # Russia's army fell below its collapse threshold
)
END_NONE, END_BROKEN, END_LAPSED = 0, 1, 2
BELLIGERENT_KEYS = ("russia", "ukraine")
#: Weeks between recomputations of a belligerent's gain from resuming a ceasefire (the state
#: changes slowly while both sides rebuild; the weekly shock and the violation cost's growth
#: still apply every week).
GAIN_REFRESH_WEEKS = 13
NEVER = -(10 ** 9)
MONITORING_KEY = {"bilateral": "ceasefire.monitoring_bilateral_factor",
                  "international": "ceasefire.monitoring_international_factor"}
GUARANTEE_KEY = {"bilateral_agreements": "ceasefire.guarantees_bilateral_factor",
                 "foreign_troops": "ceasefire.guarantees_troops_factor"}


def accept_and_expect(actor, offer, t):
    """An actor's decision on ``offer`` and the 52-week survival it expects of the deal (NaN if none)."""
    accept, ev = actor.decide(offer, t)
    expected = ev.survival_52 if ev.survival_52 is not None else np.full(len(accept), np.nan)
    return accept, expected


def posterior_paths(scenario: Scenario) -> tuple[str, ...]:
    """The parameters a scenario draws from its ``priors:`` posterior: the posterior's columns that
    the scenario leaves at their default (a value it sets itself stands; sim/scenario/posterior.py)."""
    if scenario.priors is None:
        return ()
    from sim.scenario import catalog

    table = catalog.parameter_table()
    out = []
    for path in scenario.priors.paths:
        parts = path.split(".")
        if path in table:
            own, default = scenario.params[path], table[path].default
        elif parts[2] == "resolve_sd":
            own = scenario.actors[parts[1]].resolve_sd
            default = catalog._param(catalog.profile(parts[1])["resolve_sd"]["value"])
        else:
            own = getattr(scenario.actors[parts[1]], parts[2])[parts[3]]
            default = catalog._param(catalog.profile(parts[1])[parts[2]][parts[3]]["value"])
        if own == default:
            out.append(path)
    return tuple(out)


def posterior_draw(scenario: Scenario, streams: KeyedStreams, path: str) -> np.ndarray:
    """Each replication's value of ``path`` in the posterior particle it drew (one particle per
    replication for every parameter: the draw is joint)."""
    post = scenario.priors
    rows = post.rows(streams.uniform("priors:row"), streams.ids)
    return post.values[rows, post.column(path)].copy()


def draw_parameters(scenario: Scenario, streams: KeyedStreams) -> dict[str, np.ndarray]:
    """Draw every scenario parameter once per replication (keyed by its path); from the posterior
    particle of the replication for the parameters of :func:`posterior_paths`."""
    from sim.scenario.catalog import parameter_table

    table = parameter_table()
    out = {path: param.sample(streams.uniform("param:" + path), table[path].bounds)
           for path, param in scenario.params.items()}
    for path in posterior_paths(scenario):
        if path in out:
            out[path] = posterior_draw(scenario, streams, path)
    return out


def draw_actor(scenario: Scenario, actor: str, streams: KeyedStreams) -> dict[str, np.ndarray]:
    """Draw an actor's weights, term values, beliefs and private resolve shock."""
    prof = scenario.actors[actor]
    own = {p[len(f"actors.{actor}."):] for p in posterior_paths(scenario) if p.startswith(f"actors.{actor}.")}
    out: dict[str, np.ndarray] = {}
    for part in ("weights", "term_values", "beliefs"):
        for key, param in getattr(prof, part).items():
            if f"{part}.{key}" in own:
                out[f"{part}.{key}"] = posterior_draw(scenario, streams, f"actors.{actor}.{part}.{key}")
            else:
                out[f"{part}.{key}"] = param.sample(streams.uniform(f"actor:{actor}:{part}.{key}"))
    if "resolve_sd" in own:
        sd = posterior_draw(scenario, streams, f"actors.{actor}.resolve_sd")
    else:
        sd = prof.resolve_sd.sample(streams.uniform(f"actor:{actor}:resolve_sd"), (0.0, math.inf))
    out["resolve_sd"] = np.broadcast_to(np.asarray(sd, dtype=np.float64), streams.ids.shape).copy()
    out["resolve"] = sd * streams.normal(f"actor:{actor}:resolve")
    return out


class CeasefireModel(mesa.Model):
    """R replications of a scenario, advanced together one week per ``step()``.

    One Mesa model holds all R replications as arrays of shape (R,); its four agents act on all
    of them at once. Mesa's own ``rng`` and ``random`` are seeded with the run's seed but unused:
    every random number comes from the keyed streams of :mod:`sim.engine.rng`, so replication
    ``i`` draws the same numbers whatever R, chunking or workers.

    Parameters
    ----------
    scenario : Scenario
    seed : int, optional (defaults to the scenario's)
    replication_ids : array of int, optional; global ids of the replications held here
        (default ``arange(scenario.replications)``); chunks of a run pass their slice.
    horizon_weeks : int, optional (defaults to the scenario's)
    """

    def __init__(self, scenario: Scenario, seed: int | None = None, replication_ids=None,
                 horizon_weeks: int | None = None, record_trajectories: bool = True):
        self.seed_value = scenario.seed if seed is None else int(seed)
        super().__init__(rng=self.seed_value)
        self.scenario = scenario
        ids = np.arange(scenario.replications) if replication_ids is None else np.asarray(replication_ids)
        self.replication_ids = ids.astype(np.int64)
        self.n = n = len(ids)
        self.horizon = scenario.horizon_weeks if horizon_weeks is None else int(horizon_weeks)
        self.week = 0
        self.decision_round = 0
        self.streams = KeyedStreams(self.seed_value, self.replication_ids)
        self.p = p = information.apply_to_parameters(scenario, draw_parameters(scenario, self.streams), n)
        self.wp = war.WarParams.from_draws(p)
        self.war = war.WarState.initial(self.wp, p["attrition.territory_start_pct"])
        self.delta = p["decision.weekly_discount"]
        self.horizon_plan = np.round(p["decision.planning_horizon_weeks"])
        self.s0, self.s1 = valuation.discount_sums(self.delta, self.horizon_plan)
        self._view_cache = ViewCache()
        self.rebuild_ru = p["ceasefire.russia_rebuild_share"]
        self.rebuild_ua = p["ceasefire.ukraine_rebuild_share"]
        self.offers = scenario.offers
        #: who makes each decision: None = the model's actors (the default); a role-play game
        #: (:mod:`sim.play`) sets a ``decider(kind, actor, choice, where, **context)`` for its seats.
        self.decider = None

        # patrons' policy state
        self.us_aid = np.zeros(n)
        self.eu_aid = np.zeros(n)
        self.us_pause_until = np.zeros(n)
        self.threat_executed = np.zeros(n, dtype=bool)          # the US carried out its sanctions
        self.threat_draw = self.streams.uniform("united_states:threat")
        self.threat_executed_europe = np.zeros(n, dtype=bool)   # Europe did (sim.engine.threats)
        self.threat_draw_europe = self.streams.uniform("europe:threat")
        self.eu_pause_until = np.zeros(n)
        self.threat_cost_done = np.zeros(n)     # EUR bn/yr of sanctions carried out as threats
        self.threat_cut_done = np.zeros(n)      # production cut carried out as threats

        # actors, in protocol order: creating a mesa.Agent registers it in self.agents
        #: each actor's draws as the model uses them (``part.key`` -> (R,)), for the outcomes' columns
        self.actor_draws: dict[str, dict[str, np.ndarray]] = {}
        for a in ACTORS:
            self.actor_draws[a] = information.apply_to_actor(scenario, draw_actor(scenario, a, self.streams), n)
            CLASSES[a](self, scenario.actors[a], self.actor_draws[a])
        self.belligerents = self.agents.select(agent_type=Belligerent)
        self.patrons = self.agents.select(agent_type=Patron)
        self.actors = {agent.key: agent for agent in self.agents}      # by name, for the views
        self.russia, self.ukraine = self.actors["russia"], self.actors["ukraine"]
        self.united_states, self.europe = self.actors["united_states"], self.actors["europe"]
        self.patrons.do("set_policy")
        self.beliefs = BeliefState.from_model(self)     # learning from the battlefield

        # deal state per replication
        self.in_ceasefire = np.zeros(n, dtype=bool)
        self.deal = np.full(n, -1, dtype=np.int64)
        self.term_end = np.full(n, np.inf)
        self.extended_week = np.full(n, -1, dtype=np.int64)   # last week a truce was extended
        self.ended = np.zeros(n, dtype=bool)
        self.collapse = np.zeros(n, dtype=np.int64)          # 0 none, 1 Ukraine, 2 Russia
        self.end_week = np.full(n, self.horizon, dtype=np.int64)
        self.first_start = np.full(n, -1, dtype=np.int64)
        self.current_start = np.full(n, -1, dtype=np.int64)
        self.first_end = np.full(n, -1, dtype=np.int64)
        self.last_end_reason = np.zeros(n, dtype=np.int64)
        self.ceasefires = np.zeros(n, dtype=np.int64)
        self.broken_by = np.zeros(n, dtype=np.int64)          # 0 none, 1 Russia, 2 Ukraine, 3 both
        self.ceasefire_weeks = np.zeros(n, dtype=np.int64)
        self.ceasefire_time = np.zeros(n)          # weeks covered by any truce, within-week shares summed
        # a truce that lapsed this week still covers the week up to its term (sim.engine.timing)
        self.tail_cover = np.zeros(n)
        self.tail_deal = np.full(n, -1, dtype=np.int64)
        # unilateral truces: declared and not (yet) reciprocated; the week the other side joined
        self.unilateral_pending = np.zeros(n, dtype=bool)
        self.unilateral_declared = np.zeros(n, dtype=bool)
        self.reciprocated_week = np.full(n, -1, dtype=np.int64)
        self.keep_gain = {k: np.zeros(n) for k in BELLIGERENT_KEYS}   # cached G of the keep-or-break rule
        self.gain_week = np.full(n, NEVER, dtype=np.int64)
        # believed 52-week survival of the first ceasefire when agreed; -1 if none (like the weeks)
        self.believed_survival_52 = {k: np.full(n, -1.0) for k in BELLIGERENT_KEYS}
        self.offered = {a: np.zeros(n, dtype=bool) for a in ACTORS}
        self.offer_put = [np.zeros(n, dtype=bool) for _ in self.offers]   # offer i was put (any week)
        # line: proposer_optimal (sim.engine.proposals): the line on the table, the one recorded
        self.proposal_line = np.full(n, np.nan)
        self.chosen_line = np.full(n, np.nan)
        self.line_agreed = np.zeros(n, dtype=bool)
        # the decision's parts at each offer's first due week (sim.engine.decomposition); None until then
        self.margins: list[dict | None] = [None for _ in self.offers]
        self.margin_week = [-1 for _ in self.offers]
        self.accepted = {a: np.zeros(n, dtype=bool) for a in ACTORS}
        # per offer: each actor's decision the first time the offer is put (1/0; -1 never put),
        # and how many ceasefires it started
        self.first_accept = [{a: np.full(n, -1, dtype=np.int8) for a in ACTORS} for _ in self.offers]
        self.offer_deals = [np.zeros(n, dtype=np.int64) for _ in self.offers]
        # per offer: red lines written in quantities (sim.engine.lines) -> where they vetoed it
        self.quantity_vetoed = [{a: {} for a in ACTORS} for _ in self.offers]
        self.accept_week = {a: np.full(n, -1, dtype=np.int64) for a in ACTORS}
        self.utility = {a: np.zeros(n) for a in ACTORS}
        self.aid_spent = {"united_states": np.zeros(n), "europe": np.zeros(n)}
        self.record_trajectories = record_trajectories
        reporters = {}
        if record_trajectories:
            reporters["territory"] = lambda m: m.war.territory.astype(np.float32)
            for key in BELLIGERENTS:    # the posterior mean of sim.engine.beliefs, or the fixed bias
                reporters[f"belief_{key}"] = lambda m, key=key: np.broadcast_to(
                    np.asarray(m.actors[key].current_bias(), dtype=np.float64), (m.n,)).astype(np.float32)
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.datacollector.collect(self)          # week 0

    # -- the weekly series (collected by the DataCollector) -------------------------------
    def series(self, name: str) -> np.ndarray | None:
        """A collected weekly series as a (weeks collected, R) array; None if not recorded."""
        rows = self.datacollector.model_vars.get(name)
        return np.stack(rows) if rows else None

    @property
    def territory_path(self) -> np.ndarray | None:
        """(W+1, R) float32: territory held by Russia at the start of each week and at the end."""
        return self.series("territory")

    @property
    def belief_path(self) -> dict[str, np.ndarray] | None:
        """(W+1, R) float32 per belligerent: the believed multiplier on Russia's power."""
        if not self.record_trajectories:
            return None
        return {key: self.series(f"belief_{key}") for key in BELLIGERENTS}

    def choose(self, kind: str, actor: str, choice: np.ndarray, where: np.ndarray | None = None, **context):
        """The decision point ``kind`` of ``actor``: the model's ``choice``, or the decider's.

        ``kind`` is one of ``accept`` (``offer``: its index), ``extend`` (``offer``), ``break``
        (``offer``), ``aid`` (the annual aid level), ``sanctions`` (the US sanctions of its threat
        in force), ``sanctions_threat`` and ``aid_pause`` (the US reaction to a refused
        US-brokered offer); ``where`` the replications deciding.
        Without a decider (every ``run``) it returns ``choice`` itself.
        """
        if self.decider is None:
            return choice
        return self.decider(kind, actor, choice, where, **context)

    # -- helpers the actors use ---------------------------------------------------------
    def weekly_noise(self, stream: str, week: int, idx=None) -> np.ndarray:
        """The weekly political shock of ``stream``; only for replications ``idx`` if given."""
        if idx is None:
            return self.p["ceasefire.weekly_noise_sd"] * self.streams.normal(stream, week + 1)
        sd = np.broadcast_to(self.p["ceasefire.weekly_noise_sd"], (self.n,))[idx]
        return sd * KeyedStreams(self.streams.seed, self.replication_ids[idx]).normal(stream, week + 1)

    def aid_of(self, patron: str) -> np.ndarray:
        return self.us_aid if patron == "united_states" else self.eu_aid

    def sanctions_cost_per_year(self, expect_threat=()) -> np.ndarray:
        """Russia's yearly cost of sanctions: in force, carried out as threats, and (``expect_threat``:
        the threats of an offer, :mod:`sim.engine.threats`; ``True`` = the US ones) expected."""
        extra, _ = threats.expected_sanctions(self, expect_threat)
        return self.p["sanctions.cost_bn_per_year"] + self.threat_cost_done + extra

    def inflows(self, expect_threat=(), expect_pause=(), relief=0.0):
        """Shells arriving per week for Russia and Ukraine under the current policies.

        ``expect_threat`` / ``expect_pause``: threats of an offer the side expects if it refuses
        (:mod:`sim.engine.threats`; ``True`` = the US ones).
        """
        p = self.p
        _, extra_cut = threats.expected_sanctions(self, expect_threat)
        cut = p["sanctions.production_cut"] + self.threat_cut_done + extra_cut
        cut = np.clip(cut * (1.0 - relief), 0.0, 0.95)
        # the sourced 2024 output already bears the 2024 cut: scale by (1 - cut) / (1 - cut_2024)
        ru = p["attrition.russia_shells_per_year"] * (1.0 - cut) / (1.0 - p["sanctions.reference_cut_2024"]) \
            / war.WEEKS_PER_YEAR
        us, eu = threats.expected_pause(self, self.us_aid, self.eu_aid, expect_pause)
        ua = (p["attrition.ukraine_own_shells_per_year"] + (us + eu) * p["attrition.shells_per_aid_bn"]) \
            / war.WEEKS_PER_YEAR
        return ru, ua

    def line_of(self, terms: Terms) -> np.ndarray:
        """Territory held by Russia (%) on the offer's line (:func:`sim.engine.lines.line_pct`)."""
        return lines.line_pct(self, terms)

    def strength(self, terms: Terms) -> np.ndarray:
        """Monitoring x guarantees factor (Fortna: stronger agreements last longer)."""
        f = np.ones(self.n)
        if terms.monitoring in MONITORING_KEY:
            f = f * self.p[MONITORING_KEY[terms.monitoring]]
        if terms.guarantees in GUARANTEE_KEY:
            f = f * self.p[GUARANTEE_KEY[terms.guarantees]]
        return f

    def violation_cost(self, terms: Terms) -> np.ndarray:
        """Cost of breaking: base x agreement strength, growing with the ceasefire's age."""
        return self.violation_cost_at(terms, np.maximum(self.week - self.current_start, 0))

    def violation_cost_at(self, terms: Terms, age_weeks) -> np.ndarray:
        """The violation cost of a ceasefire on ``terms`` that has held ``age_weeks``."""
        growth = 1.0 + self.p["ceasefire.violation_cost_growth_per_year"] * age_weeks / war.WEEKS_PER_YEAR
        return self.p["ceasefire.violation_cost"] * self.strength(terms) * growth

    # -- the week ------------------------------------------------------------------------
    def step(self) -> None:
        t = self.week
        self.diplomacy(t)
        self.keep_or_break(t)
        self.fight(t)
        observe_week(self, t)
        self.patrons.do("set_policy")
        self.record(t)
        self.week += 1
        self.datacollector.collect(self)

    def run(self) -> "CeasefireModel":
        while self.week < self.horizon:
            self.step()
        return self

    def on(self, mask: np.ndarray, decide, dtype=bool) -> np.ndarray:
        """Evaluate ``decide(model_like) -> bool array`` only where ``mask`` holds.

        A proper subset is evaluated on a sliced view (:mod:`sim.engine.subset`), however large:
        slicing costs O(R) cheap copies, the decision O(R x blocks) transcendental functions
        (issue 18). Results are bit for bit those of the full model, since every draw is keyed
        by replication id.
        """
        count = int(np.count_nonzero(mask))
        out = np.zeros(self.n, dtype=dtype)
        if count == 0:
            return out
        if count == self.n:
            return np.where(mask, decide(self), out)
        idx = self._view_cache.find(mask, count)
        if idx is None:
            idx = np.flatnonzero(mask)
        out[idx] = decide(view(self, idx, self._view_cache))
        return np.where(mask, out, np.zeros_like(out))

    def on_pair(self, mask: np.ndarray, decide) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`on` for a ``decide`` returning (bool array, float array)."""
        count = int(np.count_nonzero(mask))
        flags, values = np.zeros(self.n, dtype=bool), np.full(self.n, np.nan)
        if count == 0:
            return flags, values
        if count == self.n:
            f, v = decide(self)
            return f & mask, np.where(mask, v, np.nan)
        idx = self._view_cache.find(mask, count)
        if idx is None:
            idx = np.flatnonzero(mask)
        flags[idx], values[idx] = decide(view(self, idx, self._view_cache))
        return flags & mask, np.where(mask, values, np.nan)

    def on_parts(self, mask: np.ndarray, compute) -> dict[str, np.ndarray]:
        """:meth:`on` for a ``compute`` returning named float arrays (NaN outside ``mask``)."""
        count = int(np.count_nonzero(mask))
        if count == 0:
            return {}
        if count == self.n:
            return {k: np.where(mask, v, np.nan) for k, v in compute(self).items()}
        idx = np.flatnonzero(mask)
        out = {}
        for k, v in compute(view(self, idx, self._view_cache)).items():
            out[k] = np.full(self.n, np.nan)
            out[k][idx] = v
        return out

    def capture_margins(self, index: int, offer, live: np.ndarray, t: int) -> None:
        """Record every actor's decision parts on offer ``index`` (once: its first due week).

        Rounded to 9 decimals (as the believed survival): the parts are reported as they are,
        and R=1 runs must equal the R-run bit for bit.
        """
        from sim.engine.decomposition import decision_parts

        self.margin_week[index] = t
        self.margins[index] = {
            key: {k: np.round(v, 9) for k, v in
                  self.on_parts(live, lambda m, key=key: decision_parts(m.actors[key], offer, t)).items()}
            for key in self.actors} if live.any() else {}

    def diplomacy(self, t: int) -> None:
        for index, offer in enumerate(self.offers):
            if not offer.due(t):
                continue
            live = ~self.in_ceasefire & ~self.ended
            if not live.any():
                if self.margins[index] is None:
                    self.capture_margins(index, offer, live, t)
                continue
            first = live & ~self.offer_put[index]      # replications offered it for the first time
            self.offer_put[index] |= live
            proposals.propose(self, offer, live)
            self.decision_round += 1       # a new round of decisions: forecasts are recomputed
            decisions, believed = {}, {}
            for agent in self.agents:
                key = agent.key
                accept, believed[key] = self.on_pair(live, lambda m, key=key: accept_and_expect(m.actors[key], offer, t))
                accept = self.choose("accept", key, accept, live, offer=index)
                decisions[key] = accept
                self.first_accept[index][key] = np.where(first, accept.astype(np.int8), self.first_accept[index][key])
                for name, mask in lines.quantity_vetoes(self.actors[key].profile, offer, self).items():
                    seen = self.quantity_vetoed[index][key]
                    seen[name] = seen.get(name, np.zeros(self.n, dtype=bool)) | (live & mask)
                newly = live & accept & ~self.accepted[key]
                self.accept_week[key] = np.where(newly, t, self.accept_week[key])
                self.accepted[key] |= live & accept
                self.offered[key] |= live
            if self.margins[index] is None:     # the state the decisions just saw
                self.capture_margins(index, offer, live, t)
            deal = live.copy()
            for party in offer.parties:
                deal &= decisions[party]
            deal = proposals.record(self, offer, live, deal)
            for key in BELLIGERENT_KEYS:      # what each side expected of the first deal's durability
                first = deal & (self.ceasefires == 0) & np.isfinite(believed[key])
                self.believed_survival_52[key] = np.where(first, believed[key], self.believed_survival_52[key])
            threats.react(self, offer, live & ~decisions["russia"], live & ~decisions["ukraine"])
            self.start_ceasefire(deal, index, t)

    def vetoes(self, key: str, index: int) -> dict[str, np.ndarray]:
        """Red line -> replications in which it vetoed offer ``index`` put to actor ``key``.

        Every enabled red line of the actor's profile is a key (profile order); the veto is
        the one :meth:`Actor.decide` applies (``Evaluation.vetoed``), so the mask is the
        replications the offer was put to when the offer crosses the red line, else none.
        """
        crossed = self.actors[key].vetoes(self.offers[index])
        measured = self.quantity_vetoed[index][key]      # red lines in quantities: per replication
        none = np.zeros(self.n, dtype=bool)
        return {name: (measured.get(name, none) if lines.is_quantity(rl.when)
                       else self.offer_put[index] & (name in crossed))
                for name, rl in self.actors[key].profile.red_lines.items() if rl.enabled}

    def start_ceasefire(self, mask: np.ndarray, index: int, t: int) -> None:
        if not mask.any():
            return
        offer = self.offers[index]
        self.in_ceasefire |= mask
        self.unilateral_pending = np.where(mask, offer.unilateral, self.unilateral_pending)
        self.unilateral_declared |= mask & offer.unilateral
        self.deal = np.where(mask, index, self.deal)
        weeks = offer.terms.duration_weeks
        self.term_end = np.where(mask, np.inf if weeks is None else t + weeks, self.term_end)
        self.war.territory = np.where(mask, self.line_of(offer.terms), self.war.territory)
        if offer.terms.army_cap is not None:       # Ukraine demobilizes to the cap
            self.war.ua_force = np.where(mask, np.minimum(self.war.ua_force, offer.terms.army_cap),
                                         self.war.ua_force)
        self.offer_deals[index] += mask
        self.first_start = np.where(mask & (self.first_start < 0), t, self.first_start)
        self.current_start = np.where(mask, t, self.current_start)
        self.gain_week = np.where(mask, NEVER, self.gain_week)
        self.ceasefires += mask

    def end_ceasefire(self, mask: np.ndarray, reason: int, t: int) -> None:
        if not mask.any():
            return
        if reason == END_LAPSED:       # the week is covered up to the term
            self.tail_cover = np.where(mask, timing.cover(self.term_end, t), self.tail_cover)
            self.tail_deal = np.where(mask, self.deal, self.tail_deal)
        self.in_ceasefire &= ~mask
        self.unilateral_pending &= ~mask
        self.first_end = np.where(mask & (self.first_end < 0), t, self.first_end)
        self.last_end_reason = np.where(mask, reason, self.last_end_reason)
        self.deal = np.where(mask, -1, self.deal)
        self.term_end = np.where(mask, np.inf, self.term_end)

    def keep_or_break(self, t: int) -> None:
        if not self.in_ceasefire.any():
            return
        for index, offer in enumerate(self.offers):
            holding = self.in_ceasefire & (self.deal == index)
            if not holding.any():
                continue
            if offer.unilateral:
                self.reciprocate(offer, holding, t)
            holding = self.extend_or_lapse(offer, holding, t, index)
            if not holding.any():
                continue
            # not in the week it was agreed or extended: accepting included keeping it (sim.engine.commitment);
            # a unilateral truce nobody joined is the declarer's to keep
            deciding = holding & (self.current_start < t) & (self.extended_week != t) & ~self.unilateral_pending
            due = deciding & (t - self.gain_week >= GAIN_REFRESH_WEEKS)
            for key in BELLIGERENT_KEYS:
                gain = self.on(due, lambda m, key=key: scope.gain_from_resuming(m.actors[key], offer.terms), float)
                self.keep_gain[key] = np.where(due, gain, self.keep_gain[key])
            self.gain_week = np.where(due, t, self.gain_week)
            cost = self.violation_cost(offer.terms)         # the same for both sides
            ru_breaks = deciding & self.choose("break", "russia", self.russia.breaks_ceasefire(
                offer, t, self.keep_gain["russia"], deciding, cost), deciding, offer=index)
            ua_breaks = deciding & self.choose("break", "ukraine", self.ukraine.breaks_ceasefire(
                offer, t, self.keep_gain["ukraine"], deciding, cost), deciding, offer=index)
            broken = ru_breaks | ua_breaks
            threats.react(self, offer, ru_breaks, ua_breaks)      # threats against the side that broke it
            self.broken_by = np.where(broken, ru_breaks * 1 + ua_breaks * 2, self.broken_by)
            self.end_ceasefire(broken, END_BROKEN, t)

    def reciprocate(self, offer, holding: np.ndarray, t: int) -> None:
        """A unilateral truce: each week the other side decides whether to join it.

        It decides as on a mutual truce on the offer's terms (its valuation of the deal
        against fighting on); once it reciprocates, both sides rest and may break the truce.
        """
        pending = holding & self.unilateral_pending
        if not pending.any():
            return
        self.decision_round += 1
        joins = pending & self.on(pending, lambda m: m.actors[offer.responder].decide(offer, t, proposal=False)[0])
        self.reciprocated_week = np.where(joins, t, self.reciprocated_week)
        self.unilateral_pending &= ~joins

    def extend_or_lapse(self, offer, holding: np.ndarray, t: int, index: int | None = None) -> np.ndarray:
        """At the end of a fixed-term truce: ``extension: true`` puts it to every party again.

        A term that ends inside week ``t`` is decided at the start of the week; a truce with
        ``extension: false`` lapses at its term, nobody is asked. Extended, the truce runs
        through every term ending inside this week (the parties see the same state and shock
        at each: :func:`sim.engine.timing.terms_within`). Lapsed, it still covers the week up
        to its term (:meth:`end_ceasefire`). A unilateral truce nobody joined is put to its
        declarer alone. Returns the replications still holding this offer's ceasefire.
        """
        expiring = holding & (self.term_end < t + 1)
        if not expiring.any():
            return holding
        weeks = offer.terms.duration_weeks or 0.0
        extend = np.zeros(self.n, dtype=bool)
        if offer.terms.extension:
            self.decision_round += 1           # the state has moved since the last forecasts
            extend = expiring.copy()
            parties = offer.parties if not offer.unilateral else (offer.declarer, offer.responder)
            for party in parties:
                asked = expiring if party in offer.parties else expiring & ~self.unilateral_pending
                yes = self.choose("extend", party, self.on(
                    asked, lambda m, p=party: m.actors[p].decide(offer, t, proposal=False)[0]), asked, offer=index)
                extend &= yes | ~asked
        self.term_end = np.where(extend, self.term_end + weeks * timing.terms_within(self.term_end, t, weeks),
                                 self.term_end)
        self.extended_week = np.where(extend, t, self.extended_week)
        lapsed = expiring & ~extend
        self.end_ceasefire(lapsed, END_LAPSED, t)
        return holding & ~lapsed

    def week_cover(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """The deal covering each replication this week and the share of the week it covers."""
        deal = np.where(self.in_ceasefire, self.deal, self.tail_deal)
        share = np.where(self.in_ceasefire, timing.cover(self.term_end, t), self.tail_cover)
        share = np.where(self.ended | (deal < 0), 0.0, share)
        return deal, share

    def fight(self, t: int) -> None:
        deal, share = self.week_cover(t)
        live = ~self.ended
        rest = np.zeros(self.n)
        hold = {"russia": np.zeros(self.n), "ukraine": np.zeros(self.n)}
        partial = {}
        for index, offer in enumerate(self.offers):
            mine = deal == index
            if not mine.any():
                continue
            if offer.terms.scope != "full":
                partial[offer.terms.scope] = partial.get(offer.terms.scope, 0.0) + np.where(mine, share, 0.0)
            elif offer.unilateral:        # the declarer holds its fire; both rest once the other joins
                hold[offer.declarer] = np.where(mine & self.unilateral_pending, share, hold[offer.declarer])
                rest = np.where(mine & ~self.unilateral_pending, share, rest)
            else:
                rest = np.where(mine, share, rest)
        # a whole week's rest stays a boolean mask (the same bytes as before partial weeks)
        resting = (rest >= 1.0) & live if np.all((rest == 0.0) | (rest == 1.0)) else rest * live
        fighting = live & ~(rest >= 1.0) if resting.dtype == bool else (1.0 - rest) * live
        self.week_relief = self._relief()   # sanctions relief of the deals in force this week
        ru_in, ua_in = self.inflows(relief=self.week_relief)
        ru_in, ua_in = scope.inflows(self, partial, ru_in, ua_in)
        rebuild_ua = self.rebuild_ua
        at_rest = np.asarray(resting) > 0
        if at_rest.any():                   # conditions and army caps of the deals in force
            halt_aid, halt_mob, cap = ceasefire_terms.resting_masks(self, at_rest)
            ua_in = np.where(halt_aid, ceasefire_terms.own_inflow(self), ua_in)
            rebuild_ua = np.where(halt_mob, 0.0, rebuild_ua)
        flows = war.step(self.war, self.wp, fighting, resting, ru_in, ua_in,
                         self.rebuild_ru, rebuild_ua, hold_ru=hold["russia"], hold_ua=hold["ukraine"])
        if at_rest.any():
            self.war.ua_force = np.minimum(self.war.ua_force, cap)
        self.flows = flows
        self.flows["resting"] = resting
        # a week of learning is a whole week of unconstrained fighting (sim.engine.beliefs)
        self.flows["fighting"] = (np.asarray(fighting) >= 1.0) & (hold["russia"] == 0) & (hold["ukraine"] == 0)
        self.flows["partial"] = partial
        self.ceasefire_time += np.where(live, share, 0.0)
        self.tail_cover = np.zeros(self.n)
        self.tail_deal = np.full(self.n, -1, dtype=np.int64)
        ru_down, ua_down = war.collapsed(self.war, self.wp)
        # only a fighting army collapses (as in the forecasts): one demobilized to an agreed army
        # cap while the ceasefire holds is judged when the war resumes
        newly = ~self.ended & (ru_down | ua_down) & (np.asarray(fighting) > 0)
        self.collapse = np.where(newly, np.where(ua_down, 1, 2), self.collapse)
        # the winner takes the line of forecast.TERMINAL_LINE: the collapsing side's worst outcome
        self.war.territory = np.where(newly, np.where(ua_down, TERMINAL_LINE["ukraine"], TERMINAL_LINE["russia"]),
                                      self.war.territory)
        self.end_week = np.where(newly, t + 1, self.end_week)
        self.ended |= newly
        self.ceasefire_weeks += self.in_ceasefire & ~self.ended

    def _relief(self) -> np.ndarray | float:
        if not self.in_ceasefire.any():
            return 0.0
        relief = np.zeros(self.n)
        for index, offer in enumerate(self.offers):
            r = relief_share(offer.terms.sanctions_relief)
            if r:
                relief = np.where(self.in_ceasefire & (self.deal == index), r, relief)
        return relief

    def record(self, t: int) -> None:
        f = self.flows
        live = (~self.ended | (self.end_week == t + 1)).astype(np.float64)
        disc = self.delta ** t      # after a collapse utility keeps accruing at the terminal line
        resting = f["resting"]
        relief = self.week_relief
        s = self.war
        # a week nobody (or everybody) rests needs one of the two economies only (the same values)
        rest_any = resting.dtype != bool or bool(resting.any())
        rest_all = resting.dtype == bool and rest_any and bool(resting.all())
        partial = f["partial"]
        ru_f, ua_f = s.ru_force, s.ua_force
        for actor in self.agents:
            key = actor.key
            if resting.dtype == bool and not rest_any:
                econ = actor.econ(self, peace=False)
            elif rest_all:
                econ = actor.econ(self, peace=True, relief=relief)
            elif resting.dtype == bool:
                econ = np.where(resting, actor.econ(self, peace=True, relief=relief), actor.econ(self, peace=False))
            else:                          # part of the week at rest (sim.engine.timing)
                at_war = actor.econ(self, peace=False)
                econ = at_war + resting * (actor.econ(self, peace=True, relief=relief) - at_war)
            if partial:                    # limited truces in force (sim.engine.scope)
                econ = econ - scope.econ_saving(self, key, partial)
            cost = actor.w_cas * actor.own_casualties(f["ru_casualties"], f["ua_casualties"]) / 10.0 \
                + actor.w_econ * econ / 10.0 + actor.w_sec * actor.threat(ru_f, ua_f) / 100.0 / 52.0
            self.utility[key] += disc * (actor.sign * s.territory / 52.0 - cost)
        self.aid_spent["united_states"] += self.us_aid / 52.0 * live
        self.aid_spent["europe"] += self.eu_aid / 52.0 * live

    # -- results ---------------------------------------------------------------------------
    def outcome_class(self) -> np.ndarray:
        """Index into :data:`OUTCOME_CLASSES` for every replication."""
        cls = np.zeros(self.n, dtype=np.int64)
        cls = np.where(self.ceasefires > 0, np.where(self.last_end_reason == END_LAPSED, 3, 2), cls)
        cls = np.where(self.in_ceasefire, 1, cls)
        cls = np.where(self.collapse == 1, 4, cls)
        cls = np.where(self.collapse == 2, 5, cls)
        return cls
