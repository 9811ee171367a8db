"""ceasefire-sim: a negotiation game-theory simulator of Russia-Ukraine ceasefire offers.

Public API (defined in :mod:`sim.api`, each name imported on first use)::

    from sim import load_scenario, simulate, summarize, summary_frame, run_scenario, sweep, design
    from sim import compare, report, analyze, sensitivity, explain_actor, why, find_flips, discover

``import sim`` itself imports nothing heavy (no Mesa, matplotlib, pandas or SciPy):
the names are resolved lazily through a module ``__getattr__`` (PEP 562).
"""

__version__ = "0.2.0"


def __getattr__(name: str):
    import importlib

    if name == "api" or name in __all__:
        api = importlib.import_module("sim.api")   # not `from sim import api`: that would recurse here
        return api if name == "api" else getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, "api"])


__all__ = ["__version__", "load_scenario", "loads_scenario", "Scenario", "simulate", "summarize", "Outcomes",
           "run_scenario", "compare", "report", "ReportRun", "analyze", "sensitivity", "explain_actor",
           "explain_parameters", "sweep", "design", "summary_frame", "margins", "why", "find_flips", "discover"]
