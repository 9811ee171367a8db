"""Compare scenarios with common random numbers: paired differences against the first.

Every scenario runs with the *same* seed, number of replications and horizon, so
replication ``i`` draws the same uniforms for every random parameter in every scenario
(the streams of :mod:`sim.engine.rng` are keyed by seed, stream name and replication id). The
scenarios' outcomes are then paired by replication id and differences are computed per
replication, which removes the shared Monte Carlo noise (common random numbers; Law 2015,
*Simulation Modeling and Analysis*, 5th ed., sec. 11.2). Scenarios whose distributions
differ (e.g. another range for the territory at the start) still use the same uniform per
replication, mapped through their own distribution.

Intervals
---------
* one scenario's probability: 95% Wilson score interval (as in :mod:`sim.output.summary`);
* one scenario's mean (territory, casualties): mean +- 1.96 standard errors;
* a paired difference, scenario k minus the first: the mean of the per-replication
  differences ``d_i = x_k,i - x_1,i`` +- 1.96 ``sd(d) / sqrt(n)`` (normal approximation
  on the paired differences). For a probability, ``x`` is the indicator ``outcome ==
  class``. Identical scenarios give ``d_i = 0`` for every i: a zero-width interval.

Everything here is pure data in, data out; :func:`run_comparison` is the one function that
simulates.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from sim.engine.simulate import simulate
from sim.scenario.errors import InputError, Problem
from sim.engine.model import OUTCOME_CLASSES
from sim.scenario.offers import ACTORS
from sim.output.summary import Z95, summarize, wilson
from sim.engine.outcomes import Outcomes
from sim.output.labels import LABELS
from sim.scenario.schema import Scenario, load_scenario

#: Paths of the resolved scenario left out of the parameter diff (shown in descriptions).
DIFF_EXCLUDED = ("name", "title", "description", "seed")


@dataclass(frozen=True)
class Measure:
    """One row group of the comparison table."""

    key: str
    label: str
    kind: str  # "probability" or "mean"
    unit: str


def measures() -> list[Measure]:
    """The measures of the comparison table, in display order."""
    out = [Measure(f"outcome:{c}", LABELS[c], "probability", "share of replications") for c in OUTCOME_CLASSES]
    out.append(Measure("ceasefire_agreed", "a ceasefire is agreed", "probability", "share of replications"))
    out += [Measure(f"accepts:{a}", f"{LABELS[a]} accepts an offer", "probability", "share of replications")
            for a in ACTORS]
    out += [
        Measure("territory_end_pct", "territory held by Russia at the end", "mean", "% of Ukraine"),
        Measure("casualties_russia_k", "Russian casualties", "mean", "thousand"),
        Measure("casualties_ukraine_k", "Ukrainian casualties", "mean", "thousand"),
    ]
    return out


def measure_values(out: Outcomes, m: Measure) -> np.ndarray:
    """Per-replication values of a measure (0/1 indicators for probabilities)."""
    c = out.columns
    if m.key.startswith("outcome:"):
        return (c["outcome"] == m.key.split(":", 1)[1]).astype(np.float64)
    if m.key == "ceasefire_agreed":
        return (c["ceasefire_start_week"] >= 0).astype(np.float64)
    if m.key.startswith("accepts:"):
        a = m.key.split(":", 1)[1]
        return (c[f"accepted_{a}"] & c[f"offered_{a}"]).astype(np.float64)
    return np.asarray(c[m.key], dtype=np.float64)


@dataclass(frozen=True)
class Row:
    """One (measure, scenario) cell of the comparison table."""

    measure: Measure
    scenario: str
    replications: int
    estimate: float
    low: float
    high: float
    diff: float | None  # paired difference vs the first scenario (None for a single run)
    diff_low: float | None
    diff_high: float | None


def paired_difference(x: np.ndarray, ref: np.ndarray) -> tuple[float, float, float]:
    """Mean of ``x - ref`` (paired by position) and its 95% normal-approximation interval."""
    d = np.asarray(x, dtype=np.float64) - np.asarray(ref, dtype=np.float64)
    n = d.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(d.mean())
    if n < 2:
        return (mean, math.nan, math.nan)
    half = Z95 * float(d.std(ddof=1)) / math.sqrt(n)
    return (mean, mean - half, mean + half)


def estimate(x: np.ndarray, kind: str) -> tuple[float, float, float]:
    """Estimate and 95% interval of one scenario's measure (Wilson or normal)."""
    if kind == "probability":
        return wilson(int(np.count_nonzero(x)), x.size)
    n = x.size
    mean = float(np.mean(x)) if n else math.nan
    half = Z95 * float(np.std(x, ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return (mean, mean - half, mean + half)


def check_paired(outcomes: list[Outcomes]) -> None:
    """Raise ValueError unless every run holds the same replication ids in the same order."""
    ref = outcomes[0].columns["replication"]
    for o in outcomes[1:]:
        if not np.array_equal(o.columns["replication"], ref):
            raise ValueError("runs do not hold the same replication ids; they cannot be paired")
    seeds = {o.seed for o in outcomes}
    if len(seeds) > 1:
        raise ValueError(f"runs use different seeds {sorted(seeds)}; common random numbers need one seed")


def comparison_table(labels: list[str], outcomes: list[Outcomes]) -> list[Row]:
    """Every measure for every scenario, with paired differences against the first.

    With a single run the ``diff*`` fields are None.
    """
    check_paired(outcomes)
    rows = []
    for m in measures():
        ref = measure_values(outcomes[0], m)
        for label, out in zip(labels, outcomes):
            x = measure_values(out, m)
            est, lo, hi = estimate(x, m.kind)
            d = paired_difference(x, ref) if len(outcomes) > 1 else (None, None, None)
            rows.append(Row(m, label, out.n, est, lo, hi, *d))
    return rows


def unique_labels(names: Iterable[str]) -> list[str]:
    """Scenario names, made unique (``freeze``, ``freeze (2)``) for tables and legends."""
    names = list(names)
    out = []
    for i, n in enumerate(names):
        out.append(n if names.count(n) == 1 else f"{n} ({names[:i + 1].count(n)})")
    return out


# -- CSV and terminal table -------------------------------------------------------------------
def _num(x: float | None) -> str:
    if x is None:
        return ""
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    return format(float(x), ".6g")


CSV_COLUMNS = ["measure", "label", "kind", "unit", "scenario", "replications", "estimate", "ci95_low",
               "ci95_high", "reference", "paired_diff", "paired_diff_ci95_low", "paired_diff_ci95_high"]


def table_csv(rows: list[Row]) -> bytes:
    """``comparison.csv``: one row per (measure, scenario), paired differences vs the first."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    reference = rows[0].scenario if rows else ""
    for r in rows:
        w.writerow([r.measure.key, r.measure.label, r.measure.kind, r.measure.unit, r.scenario, r.replications,
                    _num(r.estimate), _num(r.low), _num(r.high), reference if r.diff is not None else "",
                    _num(r.diff), _num(r.diff_low), _num(r.diff_high)])
    return buf.getvalue().encode("utf-8")


def fmt_value(x: float, kind: str, signed: bool = False) -> str:
    """A probability as a percentage, a mean with one decimal (``signed`` adds +)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    sign = "+" if signed else ""
    if kind == "probability":
        return f"{round(100 * x, 1) + 0.0:{sign}.1f}%"  # + 0.0 turns -0.0 into 0.0
    return f"{round(x, 1) + 0.0:{sign},.1f}"


def fmt_interval(lo: float, hi: float, kind: str, signed: bool = False) -> str:
    if lo is None or math.isnan(lo) or math.isnan(hi):
        return "n/a"
    return f"{fmt_value(lo, kind, signed)} to {fmt_value(hi, kind, signed)}"


def format_table(rows: list[Row], header: str = "") -> str:
    """The comparison as a plain-text table for the terminal."""
    labels = list(dict.fromkeys(r.scenario for r in rows))
    paired = len(labels) > 1
    width = max([16] + [len(s) for s in labels]) + 2
    lines = [header] if header else []
    current = None
    for r in rows:
        if r.measure.key != current:
            current = r.measure.key
            unit = "" if r.measure.kind == "probability" else f" ({r.measure.unit}, mean)"
            lines.append("")
            lines.append(f"{r.measure.label}{unit}")
        est = f"{fmt_value(r.estimate, r.measure.kind):>9}  [{fmt_interval(r.low, r.high, r.measure.kind)}]"
        line = f"  {r.scenario:<{width}}{est:<34}"
        if paired:
            if r.scenario == labels[0]:
                line += "(reference)"
            else:
                pp = " pp" if r.measure.kind == "probability" else ""
                line += (f"{fmt_value(r.diff, r.measure.kind, True).replace('%', pp):>9}  "
                         f"[{fmt_interval(r.diff_low, r.diff_high, r.measure.kind, True).replace('%', pp)}]")
        lines.append(line.rstrip())
    return "\n".join(lines)


def table_header(labels: list[str], seed: int, seed_from: str, replications: int, horizon: int) -> str:
    """What the table shows and how the scenarios were paired."""
    if len(labels) == 1:
        return (f"{replications:,} replications, {horizon} weeks, seed {seed}. "
                f"Estimate [95% interval: Wilson for probabilities, normal for means]")
    text = (f"{len(labels)} scenarios, {replications:,} replications each, {horizon} weeks; "
            f"common random numbers: seed {seed} ({seed_from}) for every scenario.\n"
            f"Estimate [95% interval: Wilson for probabilities, normal for means]")
    if len(labels) > 1:
        text += (f"; paired difference vs {labels[0]} (pp = percentage points) [95% interval, normal "
                 f"approximation on the per-replication differences]")
    return text


# -- parameter diff ----------------------------------------------------------------------------
def _is_leaf(v: Any) -> bool:
    if not isinstance(v, (dict, list)):
        return True
    if isinstance(v, list):  # a list of scalars (parties, distribution arguments) is one value
        return all(not isinstance(x, (dict, list)) for x in v)
    # a distribution {uniform: [a, b]} is one value
    return len(v) == 1 and isinstance(next(iter(v.values())), list) and _is_leaf(next(iter(v.values())))


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts/lists -> ``{'offers[0].terms.monitoring': 'none', ...}``."""
    out: dict[str, Any] = {}
    if _is_leaf(data) and prefix:
        out[prefix] = data
    elif isinstance(data, dict):
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    else:
        for i, v in enumerate(data):
            out.update(flatten(v, f"{prefix}[{i}]"))
    return out


def format_leaf(v: Any) -> str:
    """A leaf of the resolved scenario as short text (``uniform(17.5, 18.5)``)."""
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        (dist, args), = v.items()
        return f"{dist}({', '.join(format_leaf(a) for a in args)})"
    if isinstance(v, list):
        return ", ".join(format_leaf(a) for a in v) if v else "(empty)"
    if isinstance(v, float):
        return format(v, ".6g")
    return str(v)


def parameter_diff(scenarios: list[Scenario]) -> list[tuple[str, list[str]]]:
    """The dotted paths whose values differ between the scenarios, with each one's value.

    Name, title, description and seed are left out (they differ by design and are shown
    in the descriptions); so are offer ``source`` texts. A path missing from a scenario
    shows as ``-``.
    """
    flats = [flatten(s.to_dict()) for s in scenarios]
    paths = list(dict.fromkeys(p for f in flats for p in f))
    rows = []
    for p in paths:
        if p in DIFF_EXCLUDED or p.endswith(".source"):
            continue
        vals = [format_leaf(f[p]) if p in f else "-" for f in flats]
        if len(set(vals)) > 1:
            rows.append((p, vals))
    return rows


# -- running -------------------------------------------------------------------------------------
@dataclass
class Comparison:
    """What ``compare`` computed: the common settings, each run, and the table."""

    scenarios: list[Scenario]
    labels: list[str]
    outcomes: list[Outcomes]
    summaries: list[dict]
    rows: list[Row]
    seed: int
    seed_from: str
    replications: int
    horizon_weeks: int

    @property
    def header(self) -> str:
        return table_header(self.labels, self.seed, self.seed_from, self.replications, self.horizon_weeks)


def load_all(paths: list[str | Path]) -> list[Scenario]:
    """Load every scenario file; report the problems of all bad files at once."""
    scenarios, problems = [], []
    for p in paths:
        try:
            scenarios.append(load_scenario(p))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return scenarios


def common_settings(scenarios: list[Scenario], replications: int | None = None, seed: int | None = None,
                    horizon_weeks: int | None = None) -> tuple[list[Scenario], str]:
    """Give every scenario the same seed, replications and horizon (the first's unless given).

    Returns the scenarios and where the seed came from (for the table header).
    """
    if not scenarios:
        raise InputError(Problem("<command line>", None, "", "no scenario to compare"))
    first = scenarios[0]
    seed_from = "from --seed" if seed is not None else f"the first scenario's seed, from {first.name}"
    common = {
        "seed": int(seed if seed is not None else first.seed),
        "replications": int(replications if replications is not None else first.replications),
        "horizon_weeks": int(horizon_weeks if horizon_weeks is not None else first.horizon_weeks),
    }
    return [replace(s, **common) for s in scenarios], seed_from


def run_comparison(scenarios: list[Scenario | str | Path], *, replications: int | None = None,
                   seed: int | None = None, horizon_weeks: int | None = None,
                   progress: Callable[[int], None] | None = None) -> Comparison:
    """Run every scenario with common random numbers and build the paired table.

    ``progress(n)`` is called with the replications finished after each chunk of each scenario
    (the total is ``replications x len(scenarios)``).

    >>> c = run_comparison(["scenarios/freeze.yaml", "scenarios/refusal.yaml"],
    ...                    replications=500)                       # doctest: +SKIP
    >>> print(format_table(c.rows, c.header))                      # doctest: +SKIP
    """
    paths = [s for s in scenarios if not isinstance(s, Scenario)]
    loaded = iter(load_all(paths))
    resolved = [s if isinstance(s, Scenario) else next(loaded) for s in scenarios]
    resolved, seed_from = common_settings(resolved, replications, seed, horizon_weeks)
    labels = unique_labels(s.name for s in resolved)
    outs = [simulate(s, progress=progress) for s in resolved]
    summaries = [summarize(o, s.name) for o, s in zip(outs, resolved)]
    rows = comparison_table(labels, outs)
    first = resolved[0]
    return Comparison(resolved, labels, outs, summaries, rows, first.seed, seed_from, first.replications,
                      first.horizon_weeks)
