"""ceasefire-sim: a negotiation game-theory simulator of Russia-Ukraine ceasefire offers.

Public API::

    from sim import load_scenario, simulate, summarize, run_scenario, sweep
"""

__version__ = "0.1.0"

from .api import simulate  # noqa: E402
from .outcomes import Outcomes, summarize  # noqa: E402
from .runner import run_scenario  # noqa: E402
from .scenario import Scenario, load_scenario  # noqa: E402


def sweep(spec, **kwargs):
    """Run a parameter sweep and return its points table (pandas DataFrame); see
    :func:`sim.sweeps.runner.sweep` (imported on first use: needs the ``[sweep]`` extra)."""
    from .sweeps.runner import sweep as _sweep

    return _sweep(spec, **kwargs)


__all__ = ["__version__", "load_scenario", "Scenario", "simulate", "summarize", "Outcomes", "run_scenario", "sweep"]
