"""What a package is judged on: estimates with 95% intervals, objectives and constraints.

Every package records every metric below (they cost nothing next to the simulation), so
any of them can be an objective or a constraint afterwards:

* ``p_agreed``: a ceasefire is agreed at some point within the horizon;
* ``p_holds_<N>y``: the first ceasefire is agreed and lasts at least N years (52 N weeks)
  *within the horizon*. A ceasefire still holding at the horizon but younger than N years
  counts as not (yet) holding, so the estimate is conservative; N is at most the horizon;
* ``p_accept_<actor>``: the actor accepts an offer put to it (from :mod:`sim.sweeps.statistics`);
* ``utility_<actor>``: the actor's mean realized utility (pp-years);
* ``territory_end_median``/``_mean``: territory held by Russia at the horizon, % of Ukraine;
* ``casualties_<russia|ukraine|total>_mean``: casualties over the horizon, thousand.

Intervals: Wilson score for probabilities (:func:`sim.output.summary.wilson`), the normal
interval of a mean, and the distribution-free order-statistic interval of a median
(Conover, *Practical Nonparametric Statistics*, 3rd ed., sec. 3.2).

An objective is a metric name with an optional ``:max``/``:min``; each metric has a
natural sense (acceptance, durability and utility up; territory held by Russia and
casualties down). A constraint is ``"<metric> >= <number>"`` or ``<=``, on the estimate.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from sim.output.summary import Z95, wilson
from sim.scenario.errors import InputError, Problem
from sim.scenario.offers import ACTORS
from sim.sweeps import statistics as sweep_statistics
from sim.sweeps.spec import _suggest

Columns = dict[str, np.ndarray]
DEFAULT_OBJECTIVES = ("p_agreed", "p_holds_{years}y", "territory_end_median")


@dataclass(frozen=True)
class Metric:
    """One estimate of a package: ``fn(columns) -> (estimate, low, high)``."""

    name: str
    doc: str
    sense: str           # 'max' or 'min': the natural direction
    fn: Callable[[Columns], tuple[float, float, float]]


def _probability(mask_fn) -> Callable[[Columns], tuple[float, float, float]]:
    def fn(c):
        k, n = mask_fn(c)
        return wilson(int(k), int(n)) if n else (math.nan, math.nan, math.nan)
    return fn


def mean_interval(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and its 95% normal interval."""
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        return (math.nan, math.nan, math.nan)
    m = float(np.mean(x))
    half = Z95 * float(np.std(x, ddof=1)) / math.sqrt(x.size) if x.size > 1 else math.inf
    return (m, m - half, m + half)


def median_interval(x: np.ndarray) -> tuple[float, float, float]:
    """Median and its distribution-free 95% interval (order statistics, normal
    approximation of the binomial ranks)."""
    x = np.sort(np.asarray(x, dtype=np.float64))
    n = x.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    half = Z95 * math.sqrt(n) / 2.0
    lo = max(0, int(math.floor(n / 2.0 - half)) - 1)
    hi = min(n - 1, int(math.ceil(n / 2.0 + half)) - 1)
    return (float(np.median(x)), float(x[lo]), float(x[hi]))


def _holds(weeks: int):
    return lambda c: (int(np.count_nonzero((c["ceasefire_start_week"] >= 0)
                                           & (c["ceasefire_duration_weeks"] >= weeks))), len(c["replication"]))


def registry(horizon_weeks: int) -> dict[str, Metric]:
    """Every metric for a horizon (``p_holds_<N>y`` for N = 1 .. horizon in years)."""
    out: list[Metric] = [Metric("p_agreed", "a ceasefire is agreed within the horizon", "max",
                                _probability(lambda c: (int(np.count_nonzero(c["ceasefire_start_week"] >= 0)),
                                                        len(c["replication"]))))]
    for years in range(1, horizon_weeks // 52 + 1):
        out.append(Metric(f"p_holds_{years}y", f"the first ceasefire is agreed and lasts {years} year"
                          f"{'s' if years > 1 else ''} within the horizon", "max", _probability(_holds(52 * years))))
    for a in ACTORS:
        stat = sweep_statistics.STATISTICS[f"p_accept_{a}"]
        out.append(Metric(stat.name, f"{a} accepts an offer put to it", "max", _probability(stat.fn)))
    for a in ACTORS:
        out.append(Metric(f"utility_{a}", f"mean realized utility of {a} (pp-years)", "max",
                          lambda c, a=a: mean_interval(c[f"utility_{a}"])))
    out.append(Metric("territory_end_median", "territory held by Russia at the horizon, % of Ukraine (median)",
                      "min", lambda c: median_interval(c["territory_end_pct"])))
    out.append(Metric("territory_end_mean", "territory held by Russia at the horizon, % of Ukraine (mean)",
                      "min", lambda c: mean_interval(c["territory_end_pct"])))
    for who in ("russia", "ukraine"):
        out.append(Metric(f"casualties_{who}_mean", f"{who}'s casualties over the horizon, thousand (mean)", "min",
                          lambda c, who=who: mean_interval(c[f"casualties_{who}_k"])))
    out.append(Metric("casualties_total_mean", "casualties of both sides over the horizon, thousand (mean)", "min",
                      lambda c: mean_interval(c["casualties_russia_k"] + c["casualties_ukraine_k"])))
    return {m.name: m for m in out}


def metric_columns(metrics: dict[str, Metric]) -> list[str]:
    return [c for name in metrics for c in (name, f"{name}_lo", f"{name}_hi")]


def compute(cols: Columns, metrics: dict[str, Metric]) -> dict[str, float]:
    """Every metric of one package's outcome columns: ``name``, ``name_lo``, ``name_hi``."""
    out = {}
    for name, m in metrics.items():
        est, lo, hi = m.fn(cols)
        out[name], out[f"{name}_lo"], out[f"{name}_hi"] = float(est), float(lo), float(hi)
    return out


@dataclass(frozen=True)
class Objective:
    metric: str
    sense: str

    @property
    def label(self) -> str:
        return self.metric

    def better(self, a: float, b: float) -> bool:
        return a > b if self.sense == "max" else a < b


@dataclass(frozen=True)
class Constraint:
    metric: str
    op: str           # '>=' or '<='
    bound: float

    def holds(self, value: float) -> bool:
        if value != value:  # NaN: undefined (e.g. never offered) never satisfies a constraint
            return False
        return value >= self.bound if self.op == ">=" else value <= self.bound

    @property
    def text(self) -> str:
        return f"{self.metric} {self.op} {self.bound:g}"


_CONSTRAINT = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(>=|<=)\s*([-+0-9.eE]+)\s*$")


def _where(file: str, lines: list[int | None] | None, i: int) -> int | None:
    return lines[i] if lines and i < len(lines) else None


def parse_objectives(names: list[str] | str | None, metrics: dict[str, Metric], file: str = "<command line>",
                     lines: list[int | None] | None = None, key: str = "--objective") -> tuple[Objective, ...]:
    """``['p_agreed', 'territory_end_median:max']`` -> objectives (did-you-mean on a typo)."""
    horizon_years = max([int(n[8:-1]) for n in metrics if n.startswith("p_holds_")] or [0])
    if names is None:
        names = [n.format(years=min(3, horizon_years)) for n in DEFAULT_OBJECTIVES
                 if horizon_years or "{years}" not in n]
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    problems, out = [], []
    for i, raw in enumerate(names):
        name, _, sense = str(raw).partition(":")
        if name not in metrics:
            problems.append(Problem(file, _where(file, lines, i), key, f"unknown objective {name!r}"
                                    f"{_suggest(name, metrics)}; expected one of: {', '.join(metrics)}"))
            continue
        if sense and sense not in ("max", "min"):
            problems.append(Problem(file, _where(file, lines, i), key, f"{raw!r}: expected ':max' or ':min' after the name"))
            continue
        if any(o.metric == name for o in out):
            problems.append(Problem(file, _where(file, lines, i), key, f"objective {name!r} listed twice"))
            continue
        out.append(Objective(name, sense or metrics[name].sense))
    if not out and not problems:
        problems.append(Problem(file, None, key, "at least one objective is needed"))
    if problems:
        raise InputError(problems)
    return tuple(out)


def parse_constraints(texts: list[str] | str | None, metrics: dict[str, Metric], file: str = "<command line>",
                      lines: list[int | None] | None = None, key: str = "--constraint") -> tuple[Constraint, ...]:
    """``['p_accept_ukraine >= 0.5']`` -> constraints."""
    if texts is None:
        return ()
    if isinstance(texts, str):
        texts = [texts]
    problems, out = [], []
    for i, text in enumerate(texts):
        m = _CONSTRAINT.match(str(text))
        if not m:
            problems.append(Problem(file, _where(file, lines, i), key,
                                    f"expected '<metric> >= <number>' or '<metric> <= <number>', got {text!r:.60}"))
            continue
        name, op, bound = m.groups()
        if name not in metrics:
            problems.append(Problem(file, _where(file, lines, i), key, f"unknown metric {name!r}"
                                    f"{_suggest(name, metrics)}; expected one of: {', '.join(metrics)}"))
            continue
        try:
            value = float(bound)
        except ValueError:
            problems.append(Problem(file, _where(file, lines, i), key, f"{bound!r} is not a number"))
            continue
        out.append(Constraint(name, op, value))
    if problems:
        raise InputError(problems)
    return tuple(out)
