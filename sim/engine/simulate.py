"""Simulate a scenario and collect its outcomes; every command loops over this.

>>> from sim import load_scenario, simulate, summarize
>>> s = load_scenario("scenarios/freeze.yaml")
>>> out = simulate(s, replications=500, seed=1)
>>> summarize(out)["outcome_probabilities"]            # doctest: +SKIP

Runs larger than ``chunk_size`` are cut into chunks of consecutive replication ids; each
chunk is its own :class:`~sim.engine.model.CeasefireModel`, and since every random number is keyed
by replication id the joined result is identical, byte for byte, to one big model.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from typing import Callable, Iterator

import mesa
import numpy as np

from sim.engine.model import CeasefireModel
from sim.engine.outcomes import Outcomes
from sim.scenario.schema import Scenario

DEFAULT_CHUNK = 20_000


def simulate(scenario: Scenario, *, replications: int | None = None, seed: int | None = None,
             horizon_weeks: int | None = None, first_replication: int = 0,
             chunk_size: int = DEFAULT_CHUNK, record_trajectories: bool = True,
             progress: Callable[[int], None] | None = None) -> Outcomes:
    """Run ``replications`` replications of ``scenario`` and return their outcomes.

    Parameters
    ----------
    scenario : Scenario
    replications, seed, horizon_weeks : override the scenario's values
    first_replication : global id of the first replication (chunks of a larger run)
    chunk_size : replications per model; bounds memory, never changes results
    record_trajectories : keep the weekly territory path (for fan charts)
    progress : called with the number of replications finished after each chunk
    """
    scenario = resolve_run(scenario, replications, seed, horizon_weeks)
    parts = list(iter_chunks(scenario, first_replication=first_replication, chunk_size=chunk_size,
                             record_trajectories=record_trajectories, progress=progress))
    return parts[0] if len(parts) == 1 else Outcomes.concat(parts)


def iter_chunks(scenario: Scenario, *, first_replication: int = 0, chunk_size: int = DEFAULT_CHUNK,
                record_trajectories: bool = True,
                progress: Callable[[int], None] | None = None) -> Iterator[Outcomes]:
    """Yield the outcomes of a (resolved) scenario chunk by chunk, in replication order.

    Memory is one chunk at a time: the streaming runner (:func:`sim.pipeline.runner.run_scenario`)
    writes each chunk out before the next is simulated.
    """
    total = scenario.replications
    chunk_size = max(1, int(chunk_size))
    for lo in range(0, total, chunk_size):
        if lo:
            gc.collect()  # the previous model and its agents form reference cycles: free them first
        ids = np.arange(first_replication + lo, first_replication + min(total, lo + chunk_size))
        model = CeasefireModel(scenario, replication_ids=ids, record_trajectories=record_trajectories)
        model.run()
        part = Outcomes.from_model(model)
        release_model(model)
        del model
        if progress is not None:
            progress(len(ids))
        yield part


def release_model(model: CeasefireModel) -> None:
    """Let a finished model be garbage-collected.

    mesa 3.3 keeps every model ever created alive in the class-level ``mesa.Agent._ids``
    counter (mesa issue #3179, fixed upstream in PR #3180), so a chunked run would keep all
    its chunks' state in memory. Dropping the model's entry frees it.
    """
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict):
        ids.pop(model, None)


def resolve_run(scenario: Scenario, replications: int | None = None, seed: int | None = None,
                horizon_weeks: int | None = None) -> Scenario:
    """The scenario with command-line overrides applied (what ``scenario.yaml`` records)."""
    changes = {}
    if replications is not None:
        changes["replications"] = int(replications)
    if seed is not None:
        changes["seed"] = int(seed)
    if horizon_weeks is not None:
        changes["horizon_weeks"] = int(horizon_weeks)
    return replace(scenario, **changes) if changes else scenario
