"""Outcomes of interest: the summary statistics a sweep records for each point.

A sweep file lists some of these names under ``outcomes:``; each point's replications are
reduced to one number per name (a probability also gets its 95% Wilson interval,
``<name>_lo`` and ``<name>_hi``; Wilson 1927, as in :mod:`sim.output.summary`). The registry
:data:`STATISTICS` is the one list the sweep file is validated against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from sim.engine.model import OUTCOME_CLASSES
from sim.scenario.offers import ACTORS
from sim.output.summary import wilson

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class Statistic:
    """One outcome of interest: ``fn(columns)`` reduces a point's replications."""

    name: str
    doc: str
    probability: bool
    fn: Callable[[Columns], tuple[int, int] | float]

    def compute(self, cols: Columns) -> dict[str, float]:
        """``{name: value}`` (plus ``_lo``/``_hi`` for a probability); NaN when undefined."""
        if not self.probability:
            return {self.name: float(self.fn(cols))}
        k, n = self.fn(cols)
        p, lo, hi = wilson(int(k), int(n)) if n else (np.nan, np.nan, np.nan)
        return {self.name: float(p), f"{self.name}_lo": float(lo), f"{self.name}_hi": float(hi)}

    def columns(self) -> list[str]:
        return [self.name, f"{self.name}_lo", f"{self.name}_hi"] if self.probability else [self.name]


def _share(mask_fn):
    return lambda c: (int(np.count_nonzero(mask_fn(c))), len(c["replication"]))


def _accept(actor):
    def fn(c):
        offered = c[f"offered_{actor}"]
        return int(np.count_nonzero(c[f"accepted_{actor}"] & offered)), int(np.count_nonzero(offered))
    return fn


def _reduce(column, how):
    f = np.median if how == "median" else np.mean
    return lambda c: float(f(c[column].astype(np.float64))) if len(c[column]) else np.nan


def _registry() -> dict[str, Statistic]:
    stats: list[Statistic] = []
    for cls in OUTCOME_CLASSES:
        stats.append(Statistic(f"p_{cls}", f"probability that the outcome at the horizon is '{cls}'", True,
                               _share(lambda c, cls=cls: c["outcome"] == cls)))
    stats.append(Statistic("p_ceasefire_agreed", "probability that a ceasefire is agreed at some point", True,
                           _share(lambda c: c["ceasefire_start_week"] >= 0)))
    for a in ACTORS:
        stats.append(Statistic(f"p_accept_{a}", f"probability that {a} accepts an offer, among replications "
                               f"where one was put to it (undefined if none was)", True, _accept(a)))
    values = [
        ("territory_end", "territory_end_pct", "territory held by Russia at the horizon, % of Ukraine"),
        ("territory_change", "territory_change_pp", "change in territory held by Russia, percentage points"),
        ("casualties_russia", "casualties_russia_k", "Russian casualties over the horizon, thousand"),
        ("casualties_ukraine", "casualties_ukraine_k", "Ukrainian casualties over the horizon, thousand"),
        ("aid_us", "aid_us_bn", "US military aid spent, EUR bn"),
        ("aid_europe", "aid_europe_bn", "European military aid spent, EUR bn"),
        ("ceasefire_weeks", "ceasefire_weeks_total", "weeks spent in a ceasefire"),
        ("end_week", "end_week", "week the replication ended (collapse) or the horizon"),
    ]
    for stem, column, doc in values:
        for how in ("median", "mean"):
            stats.append(Statistic(f"{stem}_{how}", f"{how} {doc}", False, _reduce(column, how)))
    for a in ACTORS:
        stats.append(Statistic(f"utility_{a}_mean", f"mean realized utility of {a} (pp-years)", False,
                               _reduce(f"utility_{a}", "mean")))
    return {s.name: s for s in stats}


#: Every outcome of interest a sweep may record, by name.
STATISTICS: dict[str, Statistic] = _registry()


def compute(cols: Columns, names: list[str]) -> dict[str, float]:
    """The statistics ``names`` of one point's outcome columns."""
    out: dict[str, float] = {}
    for name in names:
        out.update(STATISTICS[name].compute(cols))
    return out


def output_columns(names: list[str]) -> list[str]:
    """Column names in the points table for the statistics ``names``."""
    return [c for n in names for c in STATISTICS[n].columns()]
