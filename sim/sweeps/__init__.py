"""Parameter sweeps and sensitivity analysis (``ceasefire-sim sweep`` / ``sweep-analyze``).

Modules, one job each: :mod:`.spec` (sweep file -> SweepSpec), :mod:`.statistics` (outcomes
of interest), :mod:`.samplers` (grid, LHS, Sobol'/Saltelli, Morris), :mod:`.worker` (one
chunk of points), :mod:`.executors` (in-process, local processes, Dask, any Executor),
:mod:`.storage` (Parquet parts, manifest, resume), :mod:`.runner` (the loop),
:mod:`.analysis` (Sobol' and Morris indices, heatmaps). ``sim.sweep(...)`` is
:func:`.runner.sweep`.
"""

from sim.sweeps.runner import SweepPlan, SweepResult, plan_sweep, run_sweep, sweep
from sim.sweeps.spec import SweepParameter, SweepSpec, load_sweep, sweep_from_data
from sim.sweeps.statistics import STATISTICS

__all__ = ["SweepSpec", "SweepParameter", "SweepPlan", "SweepResult", "load_sweep", "sweep_from_data",
           "plan_sweep", "run_sweep", "sweep", "STATISTICS"]
