"""Calibration targets from the record, and the model's figure beside each.

Each :class:`Target` states what the record says, its source, the window it applies to and
a *band* derived from the source (not from the model's current decimals). :func:`check`
runs the scenario behind a target and returns a :class:`Check`: the model's figure, its 95%
interval, and whether the whole interval lies inside the band. ``tests/test_validation.py``
asserts every target; ``scripts/make_validation_docs.py`` writes the table of
``docs/validation.md`` from the same functions.

Durability (Fortna 2003, 2004; REFERENCES.md) is measured on agreed full ceasefires:
:func:`hazard_rate` is the breakdown rate per year of ceasefire age over an age window
(events / exposure, a piecewise-exponential estimate with a Poisson interval), and
:func:`rate_difference` compares two such rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from sim.engine.simulate import simulate
from sim.output.summary import Z95, kaplan_meier, wilson
from sim.engine.outcomes import Outcomes
from sim.scenario.schema import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
WEEKS = 52


# -- statistics -------------------------------------------------------------------------------
def median_ci(x: np.ndarray) -> tuple[float, float, float]:
    """Median and its distribution-free 95% interval (order statistics, binomial ranks)."""
    x = np.sort(np.asarray(x, dtype=np.float64))
    n = x.size
    half = Z95 * math.sqrt(n) / 2.0
    lo = max(int(math.floor(n / 2.0 - half)), 0)
    hi = min(int(math.ceil(n / 2.0 + half)), n - 1)
    return float(np.median(x)), float(x[lo]), float(x[hi])


def agreed(out: Outcomes) -> tuple[np.ndarray, np.ndarray]:
    """Durations (weeks) and censoring flags of the first ceasefire of each replication that had one."""
    c = out.columns
    had = c["ceasefire_start_week"] >= 0
    return c["ceasefire_duration_weeks"][had].astype(np.float64), c["ceasefire_censored"][had]


@dataclass(frozen=True)
class Rate:
    """Breakdowns per year of ceasefire age over an age window, with a 95% interval."""

    start_weeks: float
    end_weeks: float
    events: int
    exposure_years: float

    @property
    def value(self) -> float:
        return self.events / self.exposure_years if self.exposure_years > 0 else float("nan")

    @property
    def se(self) -> float:
        return math.sqrt(max(self.events, 1)) / self.exposure_years if self.exposure_years > 0 else float("nan")

    @property
    def interval(self) -> tuple[float, float]:
        return (max(self.value - Z95 * self.se, 0.0), self.value + Z95 * self.se)


def hazard_rate(durations: np.ndarray, censored: np.ndarray, start_weeks: float, end_weeks: float) -> Rate:
    """Breakdown rate per year among ceasefires that reached age ``start_weeks``.

    Every ceasefire contributes the weeks it was at risk inside ``[start, end)``; an event
    is a ceasefire that ended (broken or lapsed) inside the window.
    """
    d = np.asarray(durations, dtype=np.float64)
    c = np.asarray(censored, dtype=bool)
    at_risk = np.clip(d, start_weeks, end_weeks) - start_weeks
    events = int(np.count_nonzero(~c & (d >= start_weeks) & (d < end_weeks)))
    return Rate(start_weeks, end_weeks, events, float(at_risk.sum()) / WEEKS)


def rate_difference(a: Rate, b: Rate) -> tuple[float, float, float]:
    """``a - b`` and its 95% interval (independent Poisson counts, normal approximation)."""
    diff = a.value - b.value
    half = Z95 * math.sqrt(a.se ** 2 + b.se ** 2)
    return diff, diff - half, diff + half


def survival_at(durations, censored, weeks: float) -> float:
    """Kaplan-Meier share of ceasefires still holding ``weeks`` after they began."""
    t, s = kaplan_meier(durations, censored)
    idx = np.searchsorted(t, weeks, side="right") - 1
    return float(s[max(idx, 0)])


# -- scenarios --------------------------------------------------------------------------------
@lru_cache(maxsize=32)
def scenario(name: str) -> Scenario:
    """A shipped scenario by path relative to ``scenarios/`` (``'freeze'``, ``'history/pre_2022_line'``)."""
    return load_scenario(SCENARIOS / f"{name}.yaml")


_RUNS: dict[tuple, Outcomes] = {}


def run(name: str, replications: int | None = None, changes: tuple = (), horizon_weeks: int | None = None) -> Outcomes:
    """Simulate a shipped scenario (with optional dotted-path changes); cached per process."""
    key = (name, replications, changes, horizon_weeks)
    if key not in _RUNS:
        s = scenario(name)
        if changes:
            s = s.with_changes(dict(changes))
        _RUNS[key] = simulate(s, replications=replications, horizon_weeks=horizon_weeks,
                              record_trajectories=True)
    return _RUNS[key]


def clear_cache() -> None:
    _RUNS.clear()


# -- targets ----------------------------------------------------------------------------------
@dataclass
class Check:
    """The model's figure for a target."""

    value: float
    low: float
    high: float
    n: int
    detail: str = ""

    def inside(self, band: tuple[float, float]) -> bool:
        return band[0] <= self.low and self.high <= band[1]


@dataclass(frozen=True)
class Target:
    """A calibration target: what the record says, where, and the band it implies."""

    key: str
    claim: str
    source: str
    scenario: str
    window: str
    band: tuple[float, float]
    unit: str
    measure: Callable[[int | None], Check] = field(compare=False, repr=False)

    def check(self, replications: int | None = None) -> Check:
        return self.measure(replications)


def _territory_year(year: int) -> Callable[[int | None], Check]:
    def measure(r):
        out = run("refusal", r)
        gain = out.territory_path[WEEKS * year] - out.territory_path[WEEKS * (year - 1)]
        m, lo, hi = median_ci(gain)
        return Check(m, lo, hi, out.n, f"mean {np.mean(gain):.2f} pp")
    return measure


def _territory_at(week: int) -> Callable[[int | None], Check]:
    def measure(r):
        out = run("refusal", r)
        x = out.territory_path[week]
        m, lo, hi = median_ci(x)
        q05, q95 = np.quantile(x, [0.05, 0.95])
        return Check(m, lo, hi, out.n, f"90% of replications {q05:.1f}-{q95:.1f}%")
    return measure


def _casualty_ratio(horizon: int) -> Callable[[int | None], Check]:
    def measure(r):
        out = run("refusal", r, horizon_weeks=horizon)
        c = out.columns
        ratio = c["casualties_russia_k"] / np.maximum(c["casualties_ukraine_k"], 1e-9)
        m, lo, hi = median_ci(ratio)
        return Check(m, lo, hi, out.n, f"Russia {np.median(c['casualties_russia_k']):.0f}k, "
                                       f"Ukraine {np.median(c['casualties_ukraine_k']):.0f}k (medians)")
    return measure


def _acceptance(name: str, actor: str, week0: bool = False, changes: tuple = ()) -> Callable[[int | None], Check]:
    def measure(r):
        out = run(name, r, changes)
        c = out.columns
        if week0:
            offered = c[f"offered_{actor}"]
            yes = c[f"accept_week_{actor}"] == 0
        else:
            offered = c[f"offered_{actor}"]
            yes = c[f"accepted_{actor}"] & offered
        k, n = int(np.count_nonzero(yes & offered)), int(np.count_nonzero(offered))
        p, lo, hi = wilson(k, n)
        agreed_share = float(np.mean(c["ceasefire_start_week"] >= 0))
        return Check(p, lo, hi, n, f"{k} of {n} replications; a ceasefire started in {agreed_share:.1%}")
    return measure


def _broken_share(name: str) -> Callable[[int | None], Check]:
    def measure(r):
        out = run(name, r)
        d, cens = agreed(out)
        k, n = int(np.count_nonzero(~cens)), d.size
        p, lo, hi = wilson(k, n)
        broken = out.columns["outcome"]
        lapsed = int(np.count_nonzero(broken == "truce_lapsed"))
        return Check(p, lo, hi, n, f"{k} of {n} agreed ceasefires ended within {out.horizon_weeks} weeks"
                                   + (f" ({lapsed} truces lapsed)" if lapsed else ""))
    return measure


def _hazard_falls(r):
    out = run("history/freeze_312w", r)
    d, c = agreed(out)
    early, late = hazard_rate(d, c, 0, WEEKS), hazard_rate(d, c, WEEKS, 3 * WEEKS)
    diff, lo, hi = rate_difference(early, late)
    return Check(diff, lo, hi, d.size, f"year 1: {early.value:.3f}/yr ({early.events} breakdowns), "
                                       f"years 2-3: {late.value:.3f}/yr ({late.events})")


def _stronger_lasts(r):
    bare, strong = run("history/freeze_312w", r), run("history/freeze_312w_monitored", r)
    (db, cb), (ds, cs) = agreed(bare), agreed(strong)
    rb, rs = hazard_rate(db, cb, 0, 3 * WEEKS), hazard_rate(ds, cs, 0, 3 * WEEKS)
    diff, lo, hi = rate_difference(rb, rs)
    return Check(diff, lo, hi, db.size + ds.size,
                 f"bilateral monitoring: {rb.value:.3f}/yr ({db.size} ceasefires), international "
                 f"monitoring + guarantees: {rs.value:.3f}/yr ({ds.size})")


FORTNA_HALF = (0.30, 0.62)   # "almost half" of 48: ~22/48 = 0.46, Wilson 95% 0.33-0.60, widened

TARGETS: tuple[Target, ...] = (
    Target("front_speed_year1",
           "Under refusal the front moves as in 2024: Russia gains roughly 0.5-1% of Ukraine a year",
           "REFERENCES.md, ISW/DeepState: gains ~0.7% of Ukraine per year in 2024 and 2025",
           "refusal", "first year (the 2024 record)", (0.5, 1.0), "pp of Ukraine in year 1 (median)",
           _territory_year(1)),
    Target("territory_jan_2026",
           "Russia holds a little more than 19% of Ukraine in January 2026",
           "REFERENCES.md, ISW/DeepState: territory held by Russia ~18% (May 2024), >19% (Jan 2026); "
           "band: >19%, and at most ~18% + 1 pp a year (the fastest recorded pace) x 1.6 years, "
           "rounded up for the uncertain start",
           "refusal", "week 78 (4 July 2024 -> 1 January 2026)", (19.0, 20.0),
           "% of Ukraine held by Russia (median)", _territory_at(78)),
    Target("casualty_ratio_year1",
           "Russia's casualties run at roughly 2-2.5 times Ukraine's",
           "REFERENCES.md, CSIS Jan 2026: exchange ratio ~2:1 to 2.5:1 against Russia",
           "refusal", "first year", (2.0, 2.5), "Russian / Ukrainian casualties (median)",
           _casualty_ratio(WEEKS)),
    Target("casualty_ratio_3y",
           "The exchange ratio stays in the recorded range over the whole war",
           "REFERENCES.md, CSIS Jan 2026: ~2:1 to 2.5:1 (Feb 2022-Dec 2025)",
           "refusal", "156 weeks", (2.0, 2.5), "Russian / Ukrainian casualties (median)",
           _casualty_ratio(156)),
    Target("russia_accepts_own_freeze",
           "Russia is ready to freeze the war on the current lines (May 2024)",
           "001_3af3d05dba52c1d7.txt: Putin \"is ready to halt the war in Ukraine with a negotiated "
           "ceasefire that recognises the current battlefield lines\"",
           "freeze", "week 0 (May 2024)", (0.5, 1.0), "share of replications accepting",
           _acceptance("freeze", "russia", week0=True)),
    Target("ukraine_rejects_freeze",
           "Ukraine rejects the May 2024 freeze that leaves Russia in control",
           "003_b310c964025fb84c.txt: Zelensky \"will never accept Russia controlling any part of "
           "Ukraine\"; 001: \"nowhere near the point where Zelensky could sell that to his people\"",
           "freeze", "week 0 (May 2024)", (0.0, 0.5), "share of replications accepting",
           _acceptance("freeze", "ukraine", week0=True)),
    Target("ukraine_rejects_recognition",
           "Ukraine rejects a freeze that recognizes Russian sovereignty",
           "003_b310c964025fb84c.txt: Zelensky \"will never accept Russia controlling any part of Ukraine\"",
           "history/freeze_de_jure", "any week", (0.0, 0.05), "share of replications accepting",
           _acceptance("history/freeze_de_jure", "ukraine")),
    Target("russia_rejects_return",
           "Russia rejects a ceasefire that requires giving back territory",
           "001_3af3d05dba52c1d7.txt: Peskov: \"no question of handing back the four regions\"",
           "history/pre_2022_line", "any week", (0.0, 0.05), "share of replications accepting",
           _acceptance("history/pre_2022_line", "russia")),
    Target("us_refuses_without_ukraine",
           "Washington (2024 policy) refuses a ceasefire deal without Ukraine",
           "003_b310c964025fb84c.txt: Washington \"would not speak about a ceasefire without Ukraine\"",
           "history/talks_without_ukraine_2024", "week 0", (0.0, 0.05), "share of replications accepting",
           _acceptance("history/talks_without_ukraine_2024", "united_states")),
    Target("russia_rejects_truce",
           "Russia does not accept the unconditional 30-day truce (March 2025)",
           "002_874e2567e534d42f.txt: Ushakov: the ceasefire \"may only give the Ukrainian military a "
           "'breather'\"; 004_8e2108904c7ded15.txt: Russia refuses a ceasefire before peace talks",
           "truce_30day", "week 0 (March 2025)", (0.0, 0.5), "share of replications accepting",
           _acceptance("truce_30day", "russia")),
    Target("ukraine_accepts_truce",
           "Ukraine accepts the US-brokered 30-day truce (March 2025)",
           "002_874e2567e534d42f.txt: \"Ukraine has successfully seized the diplomatic initiative by "
           "actively participating in ceasefire protocol negotiations\"",
           "truce_30day", "week 0 (March 2025)", (0.5, 1.0), "share of replications accepting",
           _acceptance("truce_30day", "ukraine")),
    Target("freeze_breakdown_share_3y",
           "Agreed ceasefires are followed by renewed fighting in \"almost half\" of cases",
           "REFERENCES.md, Fortna 2003/2004: \"almost half\" of 48 interstate ceasefires (1946-1994)",
           "freeze", "156 weeks from May 2024", FORTNA_HALF, "share of agreed ceasefires that ended",
           _broken_share("freeze")),
    Target("freeze_breakdown_share_6y",
           "The same, followed for six years",
           "REFERENCES.md, Fortna 2003/2004: \"almost half\" of 48 interstate ceasefires (1946-1994)",
           "history/freeze_312w", "312 weeks", FORTNA_HALF, "share of agreed ceasefires that ended",
           _broken_share("history/freeze_312w")),
    Target("hazard_falls_with_time",
           "The risk of renewed war falls with time since the ceasefire",
           "REFERENCES.md, Fortna 2004: \"the risk of renewed war falls with time since the ceasefire\"",
           "history/freeze_312w", "ceasefire age: year 1 vs years 2-3", (1e-9, math.inf),
           "breakdowns per year: year 1 minus years 2-3",
           _hazard_falls),
    Target("stronger_agreements_last",
           "Stronger agreements (international monitoring, guarantees) last longer",
           "REFERENCES.md, Fortna: \"stronger agreements (demilitarized zones, third-party guarantees, "
           "peacekeeping, joint commissions) last longer\"",
           "history/freeze_312w vs freeze_312w_monitored", "first 3 years of each ceasefire", (1e-9, math.inf),
           "breakdowns per year: bare minus strong",
           _stronger_lasts),
)


def targets() -> dict[str, Target]:
    return {t.key: t for t in TARGETS}


MECHANISMS: dict[str, tuple] = {
    "defaults": (),
    "violation cost does not grow with age": (("ceasefire.violation_cost_growth_per_year", 0.0),),
    "no private resolve (sd 0 for Russia and Ukraine)": (("actors.russia.resolve_sd", 0.0),
                                                          ("actors.ukraine.resolve_sd", 0.0)),
    "both sides rebuild alike (rebuild share 0.4)": (("ceasefire.russia_rebuild_share", 0.4),
                                                     ("ceasefire.ukraine_rebuild_share", 0.4)),
}


def mechanisms(replications: int | None = None, years: int = 4) -> dict[str, dict]:
    """Hazard by year of the bare six-year freeze with one mechanism switched off at a time.

    Shows what makes the risk of breakdown fall with the ceasefire's age in the model.
    """
    res = {}
    for label, changes in MECHANISMS.items():
        out = run("history/freeze_312w", replications, changes)
        d, c = agreed(out)
        broken_by = out.columns["broken_by"][out.columns["ceasefire_start_week"] >= 0]
        ended = ~c
        res[label] = {
            "agreed": int(d.size),
            "rates": [hazard_rate(d, c, WEEKS * k, WEEKS * (k + 1)) for k in range(years)],
            "broken_by_russia": float(np.mean(broken_by[ended] == "russia")) if ended.any() else float("nan"),
        }
    return res


def ablation_without_red_line(replications: int | None = None) -> dict[str, Check]:
    """Acceptance of the history checks with the deciding red line switched off.

    Shows whether the refusal comes from the cited red line alone or also from the actor's
    preferences (a red line is a hard veto; without it the valuation decides).
    """
    cases = {
        "russia_rejects_return": ("history/pre_2022_line", "russia", "actors.russia.red_lines.four_regions"),
        "ukraine_rejects_recognition": ("history/freeze_de_jure", "ukraine", "actors.ukraine.red_lines.recognition"),
        "us_refuses_without_ukraine": ("history/talks_without_ukraine_2024", "united_states",
                                       "actors.united_states.red_lines.ukraine_excluded"),
    }
    return {k: _acceptance(name, actor, changes=((path, False),))(replications)
            for k, (name, actor, path) in cases.items()}
