"""The public Python API, in one place (``import sim`` re-exports it).

>>> from sim import load_scenario, simulate, summarize
>>> s = load_scenario("scenarios/freeze.yaml")
>>> out = simulate(s, replications=500, seed=1)
>>> summarize(out)["outcome_probabilities"]            # doctest: +SKIP

Every name is imported on first use (PEP 562 module ``__getattr__``), so ``import sim`` and
``ceasefire-sim --help`` stay cheap: Mesa, matplotlib, pandas and SciPy are loaded only by
the functions that need them.

=================  ===========================================================
name               what it is
=================  ===========================================================
load_scenario      scenario YAML file -> :class:`Scenario` (``loads_scenario``: text)
simulate           run a scenario's replications -> :class:`Outcomes`
summarize          outcome probabilities with intervals, quantiles (a dict)
run_scenario       ``ceasefire-sim run``: simulate and write a results folder
compare            ``ceasefire-sim compare``: scenarios with common random numbers
report             ``render_report``: the self-contained HTML report (with ``ReportRun``)
analyze            ``ceasefire-sim analyze``: bargaining range and equilibria
sensitivity        ``ceasefire-sim sensitivity``: one-at-a-time sensitivity
explain_actor      ``ceasefire-sim explain ACTOR`` (``explain_parameters``: ``--parameters``)
sweep              ``ceasefire-sim sweep``: a parameter sweep -> pandas DataFrame
=================  ===========================================================

Where each piece lives: scenarios in :mod:`sim.scenario`, the model in :mod:`sim.engine`,
statistics and results folders in :mod:`sim.output`, analyses in :mod:`sim.analysis`, a
whole run with figures and report in :mod:`sim.pipeline`, sweeps in :mod:`sim.sweeps`, offer design in :mod:`sim.design`.
"""

from __future__ import annotations

import importlib

#: public name -> (module, attribute), imported on first access
LAZY = {
    "load_scenario": ("sim.scenario.schema", "load_scenario"),
    "loads_scenario": ("sim.scenario.schema", "loads_scenario"),
    "Scenario": ("sim.scenario.schema", "Scenario"),
    "simulate": ("sim.engine.simulate", "simulate"),
    "resolve_run": ("sim.engine.simulate", "resolve_run"),
    "iter_chunks": ("sim.engine.simulate", "iter_chunks"),
    "DEFAULT_CHUNK": ("sim.engine.simulate", "DEFAULT_CHUNK"),
    "Outcomes": ("sim.engine.outcomes", "Outcomes"),
    "summarize": ("sim.output.summary", "summarize"),
    "run_scenario": ("sim.pipeline.runner", "run_scenario"),
    "RunResult": ("sim.pipeline.runner", "RunResult"),
    "compare": ("sim.analysis.compare", "run_comparison"),
    "report": ("sim.pipeline.report", "render_report"),
    "ReportRun": ("sim.pipeline.report", "ReportRun"),
    "analyze": ("sim.analysis.bargaining", "analyze_scenario"),
    "sensitivity": ("sim.analysis.sensitivity", "one_at_a_time"),
    "explain_actor": ("sim.scenario.docgen", "explain_actor"),
    "explain_parameters": ("sim.scenario.docgen", "explain_parameters"),
}


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


def __getattr__(name: str):
    try:
        module, attr = LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'sim.api' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value          # next access is a plain lookup
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [*LAZY, "sweep", "design"]
