"""The record of a run: one row per replication plus weekly trajectories.

:meth:`Outcomes.from_model` reads a finished :class:`~sim.engine.model.CeasefireModel`;
the statistics over these rows are in :mod:`sim.output.summary`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.engine.decomposition import concat_margins
from sim.engine.model import OUTCOME_CLASSES, CeasefireModel, posterior_paths
from sim.engine.proposals import uses_chooser
from sim.scenario.offers import ACTORS

BROKEN_BY = ("none", "russia", "ukraine", "both")
#: Separator of the red line names in a ``vetoed_by_<actor>`` cell.
VETO_SEP = ";"


def joined_names(masks: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Per replication, the names whose mask is set, joined by :data:`VETO_SEP` (in order).

    Vectorized: each replication's set of names is a bit code into a table of the 2^k
    joined strings (k = number of names, a handful of red lines).
    """
    names = list(masks)
    code = np.zeros(n, dtype=np.int64)
    for bit, name in enumerate(names):
        code |= masks[name].astype(np.int64) << bit
    table = np.array([VETO_SEP.join(nm for bit, nm in enumerate(names) if c >> bit & 1)
                      for c in range(2 ** len(names))], dtype=object)
    return table[code]


def red_line_names(model: CeasefireModel) -> dict[str, list[str]]:
    """Each actor's enabled red lines, in profile order."""
    return {a: [k for k, rl in model.actors[a].profile.red_lines.items() if rl.enabled] for a in ACTORS}


def veto_columns(model: CeasefireModel) -> dict[str, np.ndarray]:
    """``vetoed_by_<actor>``: the red lines that vetoed an offer put to the actor.

    With several offers, also ``offered_offer_<i>`` (offer i was put) and
    ``vetoed_by_<actor>_offer_<i>`` (the red lines that vetoed offer i), so that the summary
    can give the share per offer.
    """
    n, k = model.n, len(model.offers)
    per_offer = {a: [model.vetoes(a, i) for i in range(k)] for a in ACTORS}
    cols: dict[str, np.ndarray] = {}
    for a in ACTORS:
        names = dict.fromkeys(name for masks in per_offer[a] for name in masks)
        union = {name: np.any([m[name] for m in per_offer[a]] or [np.zeros(n, bool)], axis=0)
                 for name in names}
        cols[f"vetoed_by_{a}"] = joined_names(union, n)
    if k > 1:
        for i in range(k):
            cols[f"offered_offer_{i}"] = model.offer_put[i].copy()
            for a in ACTORS:
                cols[f"vetoed_by_{a}_offer_{i}"] = joined_names(per_offer[a][i], n)
    return cols


def offer_columns(model: CeasefireModel) -> dict[str, np.ndarray]:
    """Per offer ``i``: ``offer_<i>_first_accept_<actor>`` (1 accepted, 0 refused, -1 never put:
    the actor's decision the first time the offer was put to the replication) and
    ``offer_<i>_agreed`` (how many ceasefires offer i started in the replication)."""
    cols: dict[str, np.ndarray] = {}
    for i in range(len(model.offers)):
        for a in ACTORS:
            cols[f"offer_{i}_first_accept_{a}"] = model.first_accept[i][a].copy()
        cols[f"offer_{i}_agreed"] = model.offer_deals[i].copy()
    return cols


def margin_records(model: CeasefireModel) -> list[dict]:
    """Per offer, ``{actor: {part: array}}`` of :func:`sim.engine.decomposition.decision_parts`
    at the offer's first due week (NaN where it was not put then; ``{}`` if never put)."""
    return [{} if rec is None else rec for rec in model.margins]


def parameter_columns(model: CeasefireModel) -> dict[str, np.ndarray]:
    """``param.<path>``: each replication's value of every parameter it drew, as the model used
    it - the scenario parameters (``param.attrition.exchange_ratio``), then the actors' settings
    (``param.actors.ukraine.term_values.recognition=de_facto``, ``param.actors.russia.resolve_sd``),
    named by their catalog paths. A parameter gets a column when it is drawn from a range
    (``Param.is_random``) or from the scenario's ``priors:`` posterior; a fixed value is in
    ``scenario.yaml``."""
    from_posterior = set(posterior_paths(model.scenario))
    cols: dict[str, np.ndarray] = {}
    for path, param in model.scenario.params.items():
        if param.is_random or path in from_posterior:
            cols[f"param.{path}"] = model.p[path].copy()
    for path, param in model.scenario.actor_params().items():
        if param.is_random or path in from_posterior:
            _, actor, key = path.split(".", 2)
            cols[f"param.{path}"] = np.broadcast_to(np.asarray(model.actor_draws[actor][key], dtype=np.float64),
                                                    (model.n,)).copy()
    return cols


@dataclass
class Outcomes:
    """One row per replication (``columns``) plus weekly trajectories.

    ``columns`` maps a column name to an array of length R; ``territory_path`` is
    (horizon + 1, R) or None.
    """

    columns: dict[str, np.ndarray]
    horizon_weeks: int
    seed: int
    territory_path: np.ndarray | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.columns["replication"])

    @classmethod
    def from_model(cls, model: CeasefireModel) -> "Outcomes":
        s = model.war
        outcome = np.asarray(OUTCOME_CLASSES, dtype=object)[model.outcome_class()]
        start = model.first_start
        end = model.first_end
        had = start >= 0
        censored = had & (end < 0)
        duration = np.where(had, np.where(censored, model.horizon - start, end - start), -1)
        cols: dict[str, np.ndarray] = {
            "replication": model.replication_ids.copy(),
            "outcome": outcome,
            "end_week": model.end_week.copy(),
            "ceasefire_start_week": start.copy(),
            "ceasefire_end_week": end.copy(),
            "ceasefire_duration_weeks": duration,
            "ceasefire_censored": censored,
            "ceasefires": model.ceasefires.copy(),
            "ceasefire_weeks_total": model.ceasefire_weeks.copy(),
            # time covered by any truce, within-week shares summed (sim.engine.timing), in days
            "ceasefire_days_total": np.round(model.ceasefire_time * 7.0, 9),
            "broken_by": np.asarray(BROKEN_BY, dtype=object)[model.broken_by],
            "territory_end_pct": s.territory.copy(),
            "territory_change_pp": s.territory - model.p["attrition.territory_start_pct"],
            "casualties_russia_k": s.ru_casualties.copy(),
            "casualties_ukraine_k": s.ua_casualties.copy(),
            "aid_us_bn": model.aid_spent["united_states"].copy(),
            "aid_europe_bn": model.aid_spent["europe"].copy(),
        }
        for a in ACTORS:
            cols[f"offered_{a}"] = model.offered[a].copy()
            cols[f"accepted_{a}"] = model.accepted[a].copy()
            cols[f"accept_week_{a}"] = model.accept_week[a].copy()
        cols.update(veto_columns(model))
        cols.update(offer_columns(model))
        if any(o.unilateral for o in model.offers):     # only scenarios with a unilateral truce
            cols["unilateral_declared"] = model.unilateral_declared.copy()
            cols["reciprocated_week"] = model.reciprocated_week.copy()
        for a in ACTORS:
            cols[f"utility_{a}"] = model.utility[a].copy()
        for a, believed in model.believed_survival_52.items():
            # rounded: vectorized pow/exp may differ in the last bit with the array's length, and
            # this float is reported as is (R=1 runs must equal the R-run bit for bit)
            cols[f"believed_survival_52_{a}"] = np.round(believed, 9)
        if uses_chooser(model.offers):      # line: proposer_optimal (sim.engine.proposals)
            cols["chosen_line"] = model.chosen_line.copy()
        cols.update(parameter_columns(model))
        extra: dict[str, Any] = {"red_lines": red_line_names(model), "margins": margin_records(model),
                                 "margin_weeks": list(model.margin_week)}
        if getattr(model, "belief_path", None) is not None:
            extra["belief_path"] = model.belief_path
        return cls(cols, model.horizon, model.seed_value, model.territory_path, extra)


    @classmethod
    def concat(cls, parts: list["Outcomes"]) -> "Outcomes":
        """Join chunks of one run (in replication order)."""
        first = parts[0]
        cols = {k: np.concatenate([p.columns[k] for p in parts]) for k in first.columns}
        paths = None
        if all(p.territory_path is not None for p in parts):
            paths = np.concatenate([p.territory_path for p in parts], axis=1)
        extra = {k: first.extra[k] for k in ("red_lines", "margin_weeks") if k in first.extra}
        if all("margins" in p.extra for p in parts):
            extra["margins"] = concat_margins([p.extra["margins"] for p in parts], [p.n for p in parts])
        if all("belief_path" in p.extra for p in parts):
            extra["belief_path"] = {k: np.concatenate([p.extra["belief_path"][k] for p in parts], axis=1)
                                    for k in first.extra["belief_path"]}
        return cls(cols, first.horizon_weeks, first.seed, paths, extra)

    def take(self, index) -> "Outcomes":
        """The outcomes of the replications at positions ``index`` (a slice, integer or boolean array),
        in that order: their columns, trajectories and margin records (a calibration batch measures
        each particle on its own block of replications)."""
        cols = {k: v[index] for k, v in self.columns.items()}
        paths = None if self.territory_path is None else self.territory_path[:, index]
        extra = {k: self.extra[k] for k in ("red_lines", "margin_weeks") if k in self.extra}
        if "margins" in self.extra:
            extra["margins"] = [{a: {key: v[index] for key, v in parts.items()} for a, parts in rec.items()}
                                for rec in self.extra["margins"]]
        if "belief_path" in self.extra:
            extra["belief_path"] = {k: v[:, index] for k, v in self.extra["belief_path"].items()}
        return Outcomes(cols, self.horizon_weeks, self.seed, paths, extra)

    def red_lines(self) -> dict[str, list[str]]:
        """Each actor's enabled red lines (from the model; else those named in the columns)."""
        known = self.extra.get("red_lines")
        if known is not None:
            return known
        out = {}
        for a in ACTORS:
            cells = self.columns.get(f"vetoed_by_{a}")
            found = set() if cells is None else {nm for cell in set(cells) for nm in cell.split(VETO_SEP) if nm}
            out[a] = sorted(found)
        return out

    def to_pandas(self):
        """The outcomes table as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame({k: v for k, v in self.columns.items()})
