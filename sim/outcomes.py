"""Per-replication outcomes and their summary statistics with 95% intervals.

* Probabilities get Wilson score intervals (Wilson 1927), which stay inside [0, 1] and behave
  at 0 and 1 where the normal approximation does not.
* Ceasefire durations are right-censored at the horizon (a ceasefire still holding has not
  ended); the survival curve and the median duration use the Kaplan-Meier estimator
  (Kaplan & Meier 1958).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .model import OUTCOME_CLASSES, CeasefireModel
from .offers import ACTORS

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
Z95 = 1.959963984540054
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


# -- statistics -----------------------------------------------------------------------------
def wilson(successes: int, n: int) -> tuple[float, float, float]:
    """Proportion and its 95% Wilson score interval."""
    if n == 0:
        return (float("nan"), float("nan"), float("nan"))
    p = successes / n
    denom = 1.0 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return (p, lo, hi)


def kaplan_meier(durations: np.ndarray, censored: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier survival: times (weeks) and S(t) just after each time.

    Returns arrays starting at (0, 1.0).
    """
    d = np.asarray(durations, dtype=np.float64)
    c = np.asarray(censored, dtype=bool)
    if d.size == 0:
        return np.array([0.0]), np.array([1.0])
    times = np.unique(d[~c])
    surv = [1.0]
    s = 1.0
    for t in times:
        at_risk = np.count_nonzero(d >= t)
        events = np.count_nonzero((d == t) & ~c)
        if at_risk:
            s *= 1.0 - events / at_risk
        surv.append(s)
    return np.concatenate([[0.0], times]), np.asarray(surv)


def km_quantile(times: np.ndarray, surv: np.ndarray, q: float) -> float | None:
    """Smallest time where S(t) <= 1 - q; None if the curve never gets there (censored)."""
    idx = np.nonzero(surv <= 1.0 - q + 1e-12)[0]
    return float(times[idx[0]]) if idx.size else None


def _quantiles(x: np.ndarray) -> dict[str, float]:
    if x.size == 0:
        return {}
    qs = np.quantile(x.astype(np.float64), QUANTILES)
    return {f"q{int(q * 100):02d}": _r(v) for q, v in zip(QUANTILES, qs)} | {"mean": _r(float(np.mean(x)))}


def _r(x: float) -> float:
    """Round for readable, stable JSON (6 significant digits)."""
    return float(f"{x:.6g}")


def summarize(out: Outcomes, scenario_name: str = "") -> dict[str, Any]:
    """The summary of a run (what ``summary.json`` holds)."""
    c = out.columns
    n = out.n
    probs, intervals = {}, {}
    for cls in OUTCOME_CLASSES:
        p, lo, hi = wilson(int(np.count_nonzero(c["outcome"] == cls)), n)
        probs[cls], intervals[cls] = _r(p), [_r(lo), _r(hi)]
    acceptance, acc_int, offered = {}, {}, {}
    for a in ACTORS:
        m = c[f"offered_{a}"]
        k = int(np.count_nonzero(m))
        offered[a] = k
        if k:
            p, lo, hi = wilson(int(np.count_nonzero(c[f"accepted_{a}"] & m)), k)
            acceptance[a], acc_int[a] = _r(p), [_r(lo), _r(hi)]
        else:
            acceptance[a], acc_int[a] = None, None
    had = c["ceasefire_start_week"] >= 0
    p_cf, lo_cf, hi_cf = wilson(int(np.count_nonzero(had)), n)
    times, surv = kaplan_meier(c["ceasefire_duration_weeks"][had], c["ceasefire_censored"][had])
    broken = had & ~c["ceasefire_censored"]
    duration = {
        "agreed_probability": _r(p_cf),
        "agreed_interval": [_r(lo_cf), _r(hi_cf)],
        "agreed_replications": int(np.count_nonzero(had)),
        "ended_share": _r(float(np.count_nonzero(broken)) / max(1, int(np.count_nonzero(had)))) if had.any() else None,
        "median_weeks_km": (lambda v: None if v is None else _r(v))(km_quantile(times, surv, 0.5)) if had.any() else None,
        "quantiles_km": {f"q{int(q * 100):02d}": km_quantile(times, surv, q) for q in (0.25, 0.5, 0.75)}
        if had.any() else {},
        "censored_at_weeks": out.horizon_weeks,
    }
    return {
        "scenario": scenario_name,
        "replications": n,
        "seed": out.seed,
        "horizon_weeks": out.horizon_weeks,
        "outcome_probabilities": probs,
        "outcome_intervals_95": intervals,
        "acceptance_probability": acceptance,
        "acceptance_intervals_95": acc_int,
        "offered_replications": offered,
        "ceasefire_duration": duration,
        "territory_end_pct": _quantiles(c["territory_end_pct"]),
        "territory_change_pp": _quantiles(c["territory_change_pp"]),
        "casualties_russia_k": _quantiles(c["casualties_russia_k"]),
        "casualties_ukraine_k": _quantiles(c["casualties_ukraine_k"]),
        "aid_us_bn": _quantiles(c["aid_us_bn"]),
        "aid_europe_bn": _quantiles(c["aid_europe_bn"]),
        "utility_mean": {a: _r(float(np.mean(c[f"utility_{a}"]))) for a in ACTORS},
    }
