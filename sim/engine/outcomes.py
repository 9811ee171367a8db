"""The record of a run: one row per replication plus weekly trajectories.

:meth:`Outcomes.from_model` reads a finished :class:`~sim.engine.model.CeasefireModel`;
the statistics over these rows are in :mod:`sim.output.summary`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.engine.model import OUTCOME_CLASSES, CeasefireModel
from sim.scenario.offers import ACTORS

BROKEN_BY = ("none", "russia", "ukraine", "both")


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
        for a in ACTORS:
            cols[f"utility_{a}"] = model.utility[a].copy()
        for a, believed in model.believed_survival_52.items():
            # rounded: vectorized pow/exp may differ in the last bit with the array's length, and
            # this float is reported as is (R=1 runs must equal the R-run bit for bit)
            cols[f"believed_survival_52_{a}"] = np.round(believed, 9)
        for path, param in model.scenario.params.items():
            if param.is_random:
                cols[f"param.{path}"] = model.p[path].copy()
        extra = {}
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
        extra = {}
        if all("belief_path" in p.extra for p in parts):
            extra["belief_path"] = {k: np.concatenate([p.extra["belief_path"][k] for p in parts], axis=1)
                                    for k in first.extra["belief_path"]}
        return cls(cols, first.horizon_weeks, first.seed, paths, extra)

    def to_pandas(self):
        """The outcomes table as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame({k: v for k, v in self.columns.items()})
