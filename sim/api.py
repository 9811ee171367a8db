"""The public Python API, in one place (``import sim`` re-exports it).

>>> from sim import load_scenario, simulate, summarize
>>> s = load_scenario("scenarios/freeze.yaml")
>>> out = simulate(s, replications=500, seed=1)
>>> summarize(out)["outcome_probabilities"]            # doctest: +SKIP

Where each piece lives: scenarios in :mod:`sim.scenario`, the model in :mod:`sim.engine`,
statistics and results folders in :mod:`sim.output`, analyses in :mod:`sim.analysis`, a
whole run with figures and report in :mod:`sim.pipeline`, sweeps in :mod:`sim.sweeps`, offer design in :mod:`sim.design`.
"""

from sim.engine.outcomes import Outcomes
from sim.engine.simulate import DEFAULT_CHUNK, iter_chunks, resolve_run, simulate
from sim.output.summary import summarize
from sim.pipeline.runner import run_scenario
from sim.scenario.schema import Scenario, load_scenario, loads_scenario


def sweep(spec, **kwargs):
    """Run a parameter sweep and return its points table (pandas DataFrame); see
    :func:`sim.sweeps.runner.sweep` (imported on first use: needs the ``[sweep]`` extra)."""
    from sim.sweeps.runner import sweep as _sweep

    return _sweep(spec, **kwargs)


def design(scenario, **kwargs):
    """Search the offer packages of ``scenario``'s first offer and return the packages table
    (pandas DataFrame, one row per package, ``on_front`` marks the Pareto front); see
    :func:`sim.design.runner.design` (imported on first use; a large space needs the
    ``[design]`` extra for pymoo)."""
    from sim.design.runner import design as _design

    return _design(scenario, **kwargs)


__all__ = ["load_scenario", "loads_scenario", "Scenario", "simulate", "resolve_run", "iter_chunks",
           "DEFAULT_CHUNK", "summarize", "Outcomes", "run_scenario", "sweep", "design"]
