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
summarize          outcome probabilities with intervals, quantiles (a dict; ``as_frame=True``: a table)
summary_frame      the summary as a tidy pandas DataFrame (scenario, quantity, key, statistic, value)
margins            per offer and actor, the parts of the accept decision (what ``why`` prints)
run_scenario       ``ceasefire-sim run``: simulate and write a results folder
compare            ``ceasefire-sim compare``: scenarios with common random numbers
report             ``render_report``: the self-contained HTML report (with ``ReportRun``)
analyze            ``ceasefire-sim analyze``: bargaining range and equilibria
sensitivity        ``ceasefire-sim sensitivity``: one-at-a-time sensitivity
explain_actor      ``ceasefire-sim explain ACTOR`` (``explain_parameters``: ``--parameters``)
sweep              ``ceasefire-sim sweep``: a parameter sweep -> pandas DataFrame
design             ``ceasefire-sim design``: offer packages and their Pareto front -> DataFrame
why                ``ceasefire-sim why``: the decomposition and what would flip it -> dict (why.json)
find_flips         the what-would-flip-it search of ``why`` for one actor
discover           ``ceasefire-sim discover``: PRIM box, CART tree, feature scores of a results folder
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
    "summary_frame": ("sim.output.summary", "summary_frame"),
    "margins": ("sim.output.summary", "margins"),
    "find_flips": ("sim.analysis.flip", "find_flips"),
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


def why(scenario, actor: str | None = None, offer: int = 0, *, replications: int = 1000, flip: bool = True,
        flip_replications: int = 300, seed: int | None = None) -> dict:
    """Why an offer fails: each actor's decision parts at the offer's first week and, for an
    actor refusing in most replications, the smallest single change that flips it (the
    ``why.json`` of ``ceasefire-sim why``). ``scenario`` is a path or a :class:`Scenario`."""
    from sim.commands import why as _why
    from sim.scenario.schema import Scenario, load_scenario

    s = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if seed is not None:
        s = s.with_changes({"seed": seed})
    report, _texts, _row = _why.decompose(s, _why.check_actor(actor), _why.check_offer(offer, s), replications,
                                          flip, flip_replications)
    return report


def discover(folder, condition: str, **settings):
    """Scenario discovery on a sweep or run results folder: the PRIM box, CART tree and
    feature scores of the rows meeting ``condition`` (:class:`sim.analysis.discovery.Discovery`);
    ``settings`` are those of :class:`sim.analysis.discovery.Settings` (``min_coverage``,
    ``trees``, ...). Needs the ``[discovery]`` extra."""
    from sim.analysis.discovery import Settings, discover as _discover
    from sim.commands.discover import load_table

    return _discover(load_table(folder), condition, Settings(**settings))


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


__all__ = [*LAZY, "sweep", "design", "why", "discover"]
