"""What a particle is: the calibrated parameters fixed in every scenario, the statistics of each target.

A particle ``theta`` (parameter path -> value) is applied to each scenario of the calibration
(:func:`with_values`): the parameter is *fixed* at that value in all replications, while every
parameter not inferred is still drawn per replication from its range. A scenario that sets a
parameter itself (a history file's experiment, e.g. international monitoring) keeps its own
value. Every target's statistic is read off the outcomes (the same measures as
:mod:`sim.analysis.validation`).

**Batches.** A simulation of R replications costs mostly a fixed overhead (the engine is
vectorized over replications: 100 x 48 replications cost about 3.5 times 48), so
:func:`simulate_batch` runs K particles as *one* simulation of each distinct (scenario,
horizon) with K x R replications. Particle ``k`` owns a block of R replication ids that
depends only on its own seed (:func:`replication_ids`), and its values reach the engine as a
per-replication parameter table (:func:`sim.scenario.posterior.assigned`, the path of
``priors: posterior.parquet``). Every random number is keyed by (run seed, replication id), and
replications do not interact, so a particle's statistics are the same bytes whether it is
simulated alone or in any batch (``tests/calibration/test_targets.py``).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from sim.analysis.validation import agreed, hazard_rate
from sim.calibration.spec import Calibration, Target, parameter_catalog
from sim.engine.model import CeasefireModel
from sim.engine.outcomes import Outcomes
from sim.engine.simulate import DEFAULT_CHUNK, release_model
from sim.scenario.distributions import fixed
from sim.scenario.posterior import assigned
from sim.scenario.schema import Scenario

#: Replication ids of one particle start at a multiple of this (> the largest ``replications``).
BLOCK = 2**20


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


def replication_ids(seed: int, replications: int) -> np.ndarray:
    """The replication ids of a particle with simulation seed ``seed``: ``replications`` consecutive
    ids from a multiple of :data:`BLOCK` chosen by the seed (so two particles' blocks overlap only if
    their 62-bit seeds agree in the top 42 bits)."""
    base = (int(seed) % 2**62) // BLOCK * BLOCK
    return np.arange(base, base + int(replications), dtype=np.uint64)


def batch_scenario(scenario: Scenario, thetas: list[dict[str, float]], blocks: list[np.ndarray],
                   seed: int) -> Scenario:
    """``scenario`` whose replications in ``blocks[k]`` carry the values of ``thetas[k]``.

    A parameter the scenario sets itself keeps its value (as in :func:`with_values`); one the
    scenario draws from its own ``priors:`` posterior and the calibration does not infer is still
    drawn from it, by the same keyed uniform as the engine's (a run with seed ``seed``)."""
    known = parameter_catalog()
    _, kept = with_values(scenario, thetas[0])
    paths = [p for p in thetas[0] if p not in kept]
    ids = np.concatenate(blocks)
    cols = [np.concatenate([np.full(b.size, float(np.clip(th[p], *known[p].bounds))) for th, b in zip(thetas, blocks)])
            for p in paths]
    own = scenario.priors
    if own is not None:      # the scenario's own posterior, for what the calibration leaves alone
        from sim.engine.rng import KeyedStreams

        extra = [p for p in own.paths if p not in thetas[0]]
        if extra:
            rows = own.rows(KeyedStreams(seed, ids).uniform("priors:row"), ids)
            cols += [own.values[rows, own.column(p)] for p in extra]
            paths += extra
    values = np.column_stack(cols) if cols else np.zeros((ids.size, 0))
    table = assigned(tuple(paths), values, ids, "<calibration batch>")
    return replace(scenario, priors=table)


def simulate_batch(cal: Calibration, particles: list[tuple[dict[str, float], int]]) -> list[dict[str, float]]:
    """Every target's statistic for each particle ``(theta, seed)``: one simulation of each distinct
    (scenario, horizon) holds all the particles' blocks of replications (split into models of at
    most :data:`~sim.engine.simulate.DEFAULT_CHUNK` replications, whole blocks each; two particles
    whose blocks coincide go to different models)."""
    if not particles:
        return []
    R = cal.replications
    blocks = [replication_ids(seed, R) for _, seed in particles]
    thetas = [theta for theta, _ in particles]
    per_model = max(1, DEFAULT_CHUNK // R)
    models: list[list[int]] = []        # particles per model: at most per_model, never two on one block
    bases: list[set[int]] = []
    for k, b in enumerate(blocks):
        i = next((i for i, m in enumerate(models) if len(m) < per_model and int(b[0]) not in bases[i]), None)
        if i is None:
            models.append([])
            bases.append(set())
            i = len(models) - 1
        models[i].append(k)
        bases[i].add(int(b[0]))
    out: list[dict[str, float]] = [{} for _ in particles]
    for name, horizon in cal.runs():
        for part in models:
            scenario = batch_scenario(cal.scenarios[name], [thetas[k] for k in part], [blocks[k] for k in part],
                                      cal.seed)
            model = CeasefireModel(scenario, seed=cal.seed, replication_ids=np.concatenate([blocks[k] for k in part]),
                                   horizon_weeks=horizon, record_trajectories=True)
            model.run()
            run = Outcomes.from_model(model)
            release_model(model)
            del model
            for i, k in enumerate(part):
                block = run.take(slice(i * R, (i + 1) * R))
                for t in cal.targets:
                    if t.scenario == name and (t.horizon_weeks or cal.scenarios[name].horizon_weeks) == horizon:
                        out[k][t.key] = measure(t, block)
    return [{t.key: o[t.key] for t in cal.targets} for o in out]


def simulate_targets(cal: Calibration, theta: dict[str, float], seed: int) -> dict[str, float]:
    """Every target's statistic for one particle (a batch of one: the same bytes as in any batch)."""
    return simulate_batch(cal, [(theta, seed)])[0]


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
