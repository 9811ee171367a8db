"""Calibration: infer the uncertain parameters from the observed record (ABC-SMC, pyabc).

* :mod:`sim.calibration.spec` - the calibration file: scenarios, parameters (priors) and
  targets (observed values with their uncertainty), validated with file:line errors;
* :mod:`sim.calibration.targets` - the statistics a target measures on a run;
* :mod:`sim.calibration.inference` - ABC-SMC with a deterministic sampler (same seed, same
  posterior, for any number of workers);
* :mod:`sim.calibration.output` - the results folder (posterior.parquet, figures, report.html).

Only :mod:`~sim.calibration.spec` is imported by ``validate``-weight code; the rest needs the
``[calibrate]`` extra.
"""
