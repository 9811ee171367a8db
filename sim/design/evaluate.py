"""What runs on a worker: a batch of packages -> one row of estimates per package.

Each package is the base scenario with its first offer's terms changed
(``Scenario.with_changes``), run through the public engine (``resolve_run`` + ``simulate``)
with the design's seed. Every package uses the *same* seed (common random numbers): replication
i draws the same uncertain parameters and shocks whatever the package, so two packages
differ only because their terms differ (Law & Kelton, *Simulation Modeling and Analysis*,
ch. 11). A package's row is therefore a pure function of (base scenario, package, seed,
replications, horizon, version); which worker ran it never matters.

The red lines a package crosses come from the actors themselves
(:meth:`sim.engine.actors.base.Actor.vetoes` of a model built for one replication), never
from a copy of their rules.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.design import objectives
from sim.engine.model import CeasefireModel
from sim.engine.simulate import release_model, resolve_run, simulate
from sim.scenario.offers import ACTORS
from sim.scenario.schema import Scenario
from sim.sweeps.worker import base_scenario, release_finished_models


@dataclass(frozen=True)
class BatchTask:
    """A batch of packages to evaluate (picklable: plain data only)."""

    chunk: int                      # the id of the batch's first package (names its part)
    base_hash: str
    base_data: dict[str, Any]
    replications: int
    seed: int
    horizon_weeks: int
    packages: tuple[tuple[int, dict[str, Any]], ...]   # (package id, dotted-path changes)


@dataclass
class BatchResult:
    chunk: int
    rows: list[dict[str, Any]]
    elapsed_s: float


def red_lines(scenario: Scenario) -> dict[str, list[str]]:
    """The enabled red lines each party crosses in the scenario's first offer (the actors' own
    :meth:`~sim.engine.actors.base.Actor.vetoes`)."""
    offer = scenario.offers[0]
    model = CeasefireModel(scenario, replication_ids=np.arange(1), record_trajectories=False)
    try:
        return {a: list(model.actors[a].vetoes(offer)) for a in ACTORS}
    finally:
        release_model(model)


def evaluate_package(scenario: Scenario, replications: int, seed: int, horizon_weeks: int) -> dict[str, Any]:
    """Simulate one package and reduce it to its estimates, acceptance and red lines."""
    scenario = resolve_run(scenario, replications=replications, seed=seed, horizon_weeks=horizon_weeks)
    try:
        out = simulate(scenario, record_trajectories=False)
    finally:
        release_finished_models()
    row = objectives.compute(out.columns, objectives.registry(horizon_weeks))
    vetoes = red_lines(scenario)
    for a in ACTORS:
        row[f"red_lines_{a}"] = ",".join(vetoes[a])
    return row


def run_batch(task: BatchTask) -> BatchResult:
    """Evaluate every package of a batch (an error is raised: a package that fails to run
    is a bug or a bad space, and the batch is retried on ``--resume``)."""
    t0 = time.perf_counter()
    base = base_scenario(task)
    rows = []
    for pid, changes in task.packages:
        scenario = base.with_changes(changes, label=f"<design package {pid}>")
        rows.append({"package": pid, **evaluate_package(scenario, task.replications, task.seed, task.horizon_weeks)})
    return BatchResult(task.chunk, rows, time.perf_counter() - t0)
