"""ceasefire-sim: a negotiation game-theory simulator of Russia-Ukraine ceasefire offers.

Public API (defined in :mod:`sim.api`)::

    from sim import load_scenario, simulate, summarize, run_scenario, sweep
"""

__version__ = "0.2.0"

from sim.api import Outcomes, Scenario, load_scenario, run_scenario, simulate, summarize, sweep  # noqa: E402

__all__ = ["__version__", "load_scenario", "Scenario", "simulate", "summarize", "Outcomes", "run_scenario", "sweep"]
