"""One-at-a-time (OAT) sensitivity of a scenario's main outcomes to each uncertain default.

Every uncertain input of a scenario - a parameter drawn from a distribution, or an actor's
weight, term value, belief or resolve spread - is set in turn to the low and to the high end
of its stated range (:meth:`sim.scenario.distributions.Param.support`), the same value in every
replication, while everything else is drawn as usual. Replication ``i`` draws the same
values in every run (keyed streams, :mod:`sim.engine.rng`), so the low, baseline and high runs use
common random numbers and their differences carry little Monte Carlo noise.

The outcomes (:data:`OUTCOMES`) are the probability that a ceasefire is agreed, that one
holds at the horizon, the median territory held by Russia at the horizon, and the
probabilities that Russia and Ukraine accept an offer. The swing ``high - low`` of each
factor, sorted by size, is the tornado chart (:mod:`sim.figures.validation`): it shows which
assumptions carry a scenario's conclusions. OAT misses interactions; a variance-based
analysis over the joint ranges (e.g. Sobol indices) complements it.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import io
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from sim.scenario import catalog
from sim.engine.simulate import resolve_run, simulate
from sim.scenario.distributions import Param
from sim.output.summary import Z95
from sim.engine.outcomes import Outcomes
from sim.scenario.schema import Scenario
from sim.output.labels import SENSITIVITY_OUTCOMES

OUTCOMES = SENSITIVITY_OUTCOMES


@dataclass(frozen=True)
class Factor:
    """An uncertain input: its scenario path, its default range and where it comes from."""

    path: str            # 'attrition.exchange_ratio' or 'actors.russia.weights.casualties'
    param: Param
    kind: str            # sourced / derived / assumption
    unit: str = ""

    @property
    def low(self) -> float:
        return float(self.param.support()[0])

    @property
    def high(self) -> float:
        return float(self.param.support()[1])


def factors(scenario: Scenario) -> list[Factor]:
    """Every random input of ``scenario`` (parameters, then each actor's preferences)."""
    table = catalog.parameter_table()
    out = [Factor(path, p, table[path].kind, table[path].unit)
           for path, p in scenario.params.items() if p.is_random]
    for actor, prof in scenario.actors.items():
        raw = catalog.profile(actor)
        for part in ("weights", "term_values", "beliefs"):
            for key, p in getattr(prof, part).items():
                if p.is_random:
                    entry = (raw.get(part) or {}).get(key, {})
                    out.append(Factor(f"actors.{actor}.{part}.{key}", p, entry.get("kind", "assumption"),
                                      entry.get("unit", "")))
        if prof.resolve_sd.is_random:
            out.append(Factor(f"actors.{actor}.resolve_sd", prof.resolve_sd,
                              raw["resolve_sd"].get("kind", "assumption"), "pp-years"))
    return out


def indicators(out: Outcomes) -> dict[str, np.ndarray]:
    """Per-replication values behind each outcome (0/1 for probabilities)."""
    c = out.columns
    return {
        "p_agreed": (c["ceasefire_start_week"] >= 0).astype(np.float64),
        "p_holds": (c["outcome"] == "ceasefire_holds").astype(np.float64),
        "territory_end_median": c["territory_end_pct"].astype(np.float64),
        "accept_russia": (c["accepted_russia"] & c["offered_russia"]).astype(np.float64),
        "accept_ukraine": (c["accepted_ukraine"] & c["offered_ukraine"]).astype(np.float64),
    }


def metrics(out: Outcomes) -> dict[str, float]:
    """The outcomes of a run (acceptance among replications offered the deal)."""
    c = out.columns
    ind = indicators(out)
    res = {}
    for key, x in ind.items():
        if key == "territory_end_median":
            res[key] = float(np.median(x))
        elif key.startswith("accept_"):
            offered = int(np.count_nonzero(c[f"offered_{key[len('accept_'):]}"]))
            res[key] = float(x.sum() / offered) if offered else float("nan")
        else:
            res[key] = float(x.mean())
    return res


@dataclass
class Row:
    """One factor: the outcomes with the factor at the low and at the high end."""

    factor: Factor
    low: dict[str, float]
    high: dict[str, float]
    noise: dict[str, float] = field(default_factory=dict)   # 95% half-width of high - low

    def swing(self, key: str) -> float:
        """``high - low`` of an outcome (nan-safe: 0 when undefined)."""
        d = self.high[key] - self.low[key]
        return 0.0 if math.isnan(d) else d


@dataclass
class Sensitivity:
    """The OAT table of one scenario."""

    scenario: str
    title: str
    replications: int
    seed: int
    horizon_weeks: int
    baseline: dict[str, float]
    rows: list[Row]

    def ranked(self, key: str) -> list[Row]:
        """Rows sorted by the size of their swing on ``key`` (largest first; ties by path)."""
        return sorted(self.rows, key=lambda r: (-abs(r.swing(key)), r.factor.path))

    def main_outcome(self) -> str:
        """The first outcome that any factor moves: p_agreed, unless no ceasefire is ever agreed."""
        for key in OUTCOMES:
            if any(abs(r.swing(key)) > 0 for r in self.rows):
                return key
        return "p_agreed"

    def to_records(self) -> list[dict]:
        recs = []
        for r in self.rows:
            rec = {"factor": r.factor.path, "kind": r.factor.kind, "unit": r.factor.unit,
                   "default": str(r.factor.param), "low": r.factor.low, "high": r.factor.high}
            for key in OUTCOMES:
                rec[f"{key}_low"] = r.low[key]
                rec[f"{key}_high"] = r.high[key]
                rec[f"{key}_swing"] = r.swing(key)
                if key in r.noise:
                    rec[f"{key}_noise95"] = r.noise[key]
            recs.append(rec)
        return recs

    def to_json(self) -> dict:
        from sim import __version__

        return {"package": "ceasefire-sim", "version": __version__,
                "scenario": self.scenario, "title": self.title, "replications": self.replications,
                "seed": self.seed, "horizon_weeks": self.horizon_weeks,
                "method": "one-at-a-time: each factor at the ends of its range, common random numbers",
                "baseline": self.baseline, "factors": self.to_records()}


def _fixed(path: str, value: float) -> dict:
    return {path: float(value)}


def _run_factor(task: tuple[Scenario, int, str | None, float, float]) -> tuple[int, dict, dict, dict]:
    """One task: the baseline (``path`` None) or a factor at both ends of its range.

    Top-level and fed plain, picklable data, so it runs the same in this process or in a
    worker process; returns ``(index, low metrics, high metrics, noise)``.
    """
    base, index, path, low, high = task
    if path is None:
        m = metrics(simulate(base, record_trajectories=False))
        return index, m, m, {}
    lo_out, hi_out = (simulate(base.with_changes(_fixed(path, v)), record_trajectories=False) for v in (low, high))
    noise = {}
    lo_ind, hi_ind = indicators(lo_out), indicators(hi_out)
    for key, (_, kind) in OUTCOMES.items():
        if kind == "p":
            d = hi_ind[key] - lo_ind[key]
            noise[key] = float(Z95 * d.std(ddof=1) / math.sqrt(d.size)) if d.size > 1 else float("nan")
    return index, metrics(lo_out), metrics(hi_out), noise


def one_at_a_time(scenario: Scenario, *, replications: int | None = None, seed: int | None = None,
                  horizon_weeks: int | None = None, only: list[str] | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  executor: cf.Executor | None = None) -> Sensitivity:
    """Run the baseline and, for each factor, the low and high ends of its range.

    Parameters
    ----------
    scenario : Scenario
    replications, seed, horizon_weeks : override the scenario's values
    only : factor paths to vary (default: every random input, :func:`factors`)
    progress : called with (runs done, total runs) as runs finish
    executor : any ``concurrent.futures.Executor`` (e.g. a process pool from
        :func:`sim.sweeps.executors.open_executor`); one task per factor. None runs
        everything in this process. The result is the same, bit for bit, either way: each
        run draws from keyed streams (:mod:`sim.engine.rng`) and rows are kept in factor order.
    """
    base = resolve_run(scenario, replications, seed, horizon_weeks)
    chosen = factors(base)
    if only is not None:
        known = {f.path for f in chosen}
        missing = [p for p in only if p not in known]
        if missing:
            import difflib

            hints = []
            for m in missing:
                close = difflib.get_close_matches(m, sorted(known), n=1, cutoff=0.6)
                hints.append(f"{m} (did you mean '{close[0]}'?)" if close else m)
            raise KeyError(f"not a random input of {base.name}: {', '.join(hints)}")
        chosen = [f for f in chosen if f.path in set(only)]
    total = 1 + 2 * len(chosen)
    tasks = [(base, -1, None, 0.0, 0.0)] + [(base, i, f.path, f.low, f.high) for i, f in enumerate(chosen)]
    found: dict[int, tuple[dict, dict, dict]] = {}
    done = 0

    def record(result) -> None:
        nonlocal done
        index, lo, hi, noise = result
        found[index] = (lo, hi, noise)
        done += 1 if index < 0 else 2
        if progress:
            progress(done, total)

    if executor is None:
        for task in tasks:
            record(_run_factor(task))
    else:  # a bounded window of tasks in flight, so progress moves and Ctrl-C cancels the rest
        window = 2 * int(getattr(executor, "_max_workers", 1) or 1) + 1
        todo, pending = iter(tasks), set()
        try:
            while True:
                for task in todo:
                    pending.add(executor.submit(_run_factor, task))
                    if len(pending) >= window:
                        break
                if not pending:
                    break
                finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for f in finished:
                    record(f.result())
        finally:
            for f in pending:
                f.cancel()
    rows = [Row(f, found[i][0], found[i][1], found[i][2]) for i, f in enumerate(chosen)]
    return Sensitivity(base.name, base.title, base.replications, base.seed, base.horizon_weeks,
                       found[-1][0], rows)


# -- text ------------------------------------------------------------------------------------
def to_csv(result: Sensitivity) -> bytes:
    """The full table (every factor, every outcome at both ends) as CSV bytes."""
    records = result.to_records()
    names: list[str] = []
    for r in records:
        for k in r:
            if k not in names:
                names.append(k)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=names or ["factor"], lineterminator="\n")
    w.writeheader()
    for r in records:
        w.writerow({k: (format(v, ".10g") if isinstance(v, float) else v) for k, v in r.items()})
    return buf.getvalue().encode("utf-8")


def _fmt(key: str, v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return f"{100 * v:.1f}%" if OUTCOMES[key][1] == "p" else f"{v:.2f}"


def _fmt_swing(key: str, v: float) -> str:
    return f"{100 * v:+.1f} pp" if OUTCOMES[key][1] == "p" else f"{v:+.2f}"


def format_table(result: Sensitivity, key: str | None = None, top: int = 15) -> str:
    """The factors that move ``key`` most, as a terminal table."""
    key = key or result.main_outcome()
    label = OUTCOMES[key][0]
    lines = [f"{result.title}: one-at-a-time sensitivity of {label}",
             f"{result.replications:,} replications per run, seed {result.seed}, {result.horizon_weeks} weeks; "
             f"baseline {_fmt(key, result.baseline[key])}", ""]
    head = f"{'factor (at the low / high end of its range)':<52}{'range':>22}{'low':>9}{'high':>9}{'swing':>11}"
    lines += [head, "-" * len(head)]
    for r in result.ranked(key)[:top]:
        rng = f"{r.factor.low:g} .. {r.factor.high:g}"
        lines.append(f"{r.factor.path[:51]:<52}{rng:>22}{_fmt(key, r.low[key]):>9}{_fmt(key, r.high[key]):>9}"
                     f"{_fmt_swing(key, r.swing(key)):>11}")
    rest = len(result.rows) - min(top, len(result.rows))
    if rest > 0:
        lines.append(f"... and {rest} more factors (all in sensitivity.csv)")
    return "\n".join(lines)


def markdown_table(result: Sensitivity, keys: list[str] | None = None, top: int = 12,
                   rank_by: str | None = None) -> str:
    """Markdown table: the ``top`` factors by swing of ``rank_by``, with each outcome's swing."""
    keys = keys or list(OUTCOMES)
    rank_by = rank_by or result.main_outcome()
    head = "| factor | kind | range | " + " | ".join(f"{OUTCOMES[k][0]}: low → high" for k in keys) + " |"
    out = [head, "|" + "---|" * (3 + len(keys))]
    out.append("| *baseline (defaults)* | | | " + " | ".join(_fmt(k, result.baseline[k]) for k in keys) + " |")
    for r in result.ranked(rank_by)[:top]:
        cells = []
        for k in keys:
            cell = f"{_fmt(k, r.low[k])} → {_fmt(k, r.high[k])}"
            if abs(r.swing(k)) > 0:
                cell += f" ({_fmt_swing(k, r.swing(k))})"
            cells.append(cell)
        out.append(f"| `{r.factor.path}` | {r.factor.kind} | {r.factor.low:g} – {r.factor.high:g} | "
                   + " | ".join(cells) + " |")
    return "\n".join(out)
