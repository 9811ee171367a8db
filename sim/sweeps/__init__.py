"""Parameter sweeps and sensitivity analysis (``ceasefire-sim sweep`` / ``sweep-analyze``).

Modules, one job each: :mod:`.spec` (sweep file -> SweepSpec), :mod:`.statistics` (outcomes
of interest), :mod:`.samplers` (grid, LHS, Sobol'/Saltelli, Morris), :mod:`.worker` (one
chunk of points), :mod:`.executors` (in-process, local processes, Dask, any Executor),
:mod:`.storage` (Parquet parts, manifest, resume), :mod:`.runner` (the loop),
:mod:`.analysis` (Sobol' and Morris indices, heatmaps). ``sim.sweep(...)`` is
:func:`.runner.sweep`.
"""

#: public name -> module, imported on first use (the sweep extra's pandas/SALib only when needed)
_LAZY = {"SweepPlan": "runner", "SweepResult": "runner", "plan_sweep": "runner", "run_sweep": "runner",
         "sweep": "runner", "SweepSpec": "spec", "SweepParameter": "spec", "load_sweep": "spec",
         "sweep_from_data": "spec", "STATISTICS": "statistics"}

__all__ = ["SweepSpec", "SweepParameter", "SweepPlan", "SweepResult", "load_sweep", "sweep_from_data",
           "plan_sweep", "run_sweep", "sweep", "STATISTICS"]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"sim.sweeps.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'sim.sweeps' has no attribute {name!r}")
