"""What a particle is: the calibrated parameters fixed in every scenario, the statistics of each target.

A particle ``theta`` (parameter path -> value) is applied to each scenario of the calibration
(:func:`with_values`): the parameter is *fixed* at that value in all replications, while every
parameter not inferred is still drawn per replication from its range. A scenario that sets a
parameter itself (a history file's experiment, e.g. international monitoring) keeps its own
value. Then each distinct (scenario, horizon) is simulated once with the calibration's
replications and the particle's seed, and every target's statistic is read off the outcomes
(the same measures as :mod:`sim.analysis.validation`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from sim.analysis.validation import agreed, hazard_rate
from sim.calibration.spec import Calibration, Target, parameter_catalog
from sim.engine.outcomes import Outcomes
from sim.engine.simulate import simulate
from sim.scenario.distributions import fixed
from sim.scenario.schema import Scenario


def with_values(scenario: Scenario, theta: dict[str, float]) -> tuple[Scenario, list[str]]:
    """``scenario`` with the parameters of ``theta`` fixed; also the paths it keeps as its own."""
    known = parameter_catalog()
    params = dict(scenario.params)
    actors = dict(scenario.actors)
    kept = []
    for path, value in theta.items():
        default = known[path].default
        v = float(np.clip(value, *known[path].bounds))
        if path.startswith("actors."):
            parts = path.split(".")
            actor = parts[1]
            prof = actors[actor]
            if parts[2] == "resolve_sd":
                if prof.resolve_sd != default:
                    kept.append(path)
                    continue
                actors[actor] = replace(prof, resolve_sd=fixed(v))
            else:
                part, key = parts[2], parts[3]
                table = dict(getattr(prof, part))
                if table[key] != default:
                    kept.append(path)
                    continue
                table[key] = fixed(v)
                actors[actor] = replace(prof, **{part: table})
        else:
            if params[path] != default:
                kept.append(path)
                continue
            params[path] = fixed(v)
    return replace(scenario, params=params, actors=actors), kept


def measure(target: Target, out: Outcomes) -> float:
    """The statistic of ``target`` on the outcomes of its scenario (NaN when undefined)."""
    c = out.columns
    s, o = target.statistic, target.options
    if s == "territory_gain":
        a, b = o["weeks"]
        return float(np.median(out.territory_path[b].astype(np.float64) - out.territory_path[a]))
    if s == "territory_at":
        return float(np.median(out.territory_path[o["week"]]))
    if s == "casualty_ratio":
        return float(np.median(c["casualties_russia_k"] / np.maximum(c["casualties_ukraine_k"], 1e-9)))
    if s == "acceptance":
        actor = o["actor"]
        offered = c[f"offered_{actor}"]
        yes = (c[f"accept_week_{actor}"] == o["week"]) if "week" in o else c[f"accepted_{actor}"]
        n = int(np.count_nonzero(offered))
        return float(np.count_nonzero(yes & offered) / n) if n else math.nan
    if s == "agreed_share":
        return float(np.mean(c["ceasefire_start_week"] >= 0))
    if s == "breakdown_share":
        d, cens = agreed(out)
        return float(np.count_nonzero(~cens) / d.size) if d.size else math.nan
    if s == "hazard_difference":
        d, cens = agreed(out)
        (a0, a1), (b0, b1) = o["windows"]
        first, second = hazard_rate(d, cens, a0, a1), hazard_rate(d, cens, b0, b1)
        diff = first.value - second.value
        return float(diff) if math.isfinite(diff) else math.nan
    raise ValueError(s)  # pragma: no cover - guarded by the spec


def simulate_targets(cal: Calibration, theta: dict[str, float], seed: int) -> dict[str, float]:
    """Every target's statistic for one particle (one simulation of each scenario it needs)."""
    runs: dict[tuple[str, int], Outcomes] = {}
    for name, horizon in cal.runs():
        scenario, _ = with_values(cal.scenarios[name], theta)
        runs[(name, horizon)] = simulate(scenario, replications=cal.replications, seed=seed,
                                         horizon_weeks=horizon, record_trajectories=True)
    out = {}
    for t in cal.targets:
        horizon = t.horizon_weeks or cal.scenarios[t.scenario].horizon_weeks
        out[t.key] = measure(t, runs[(t.scenario, horizon)])
    return out


def distance(cal: Calibration, stats: dict[str, Any]) -> float:
    """sqrt(sum of the targets' distance terms): 0 when every target sits on its observation."""
    return math.sqrt(sum(t.distance_term(float(stats[t.key])) for t in cal.targets))


def kept_paths(cal: Calibration) -> dict[str, list[str]]:
    """Per scenario, the inferred parameters it sets itself (and so keeps)."""
    theta = {p.path: p.param.central() for p in cal.priors}
    out = {}
    for name, scenario in cal.scenarios.items():
        _, kept = with_values(scenario, theta)
        if kept:
            out[name] = kept
    return out
