"""The Kaplan-Meier estimator (Kaplan & Meier 1958) of right-censored durations; numpy only.

Apart from :mod:`sim.output.summary` (which re-exports it) so that code drawing survival
curves, such as the figure worker (:mod:`sim.figures.worker`), need not import the engine.
"""

from __future__ import annotations

import numpy as np


def kaplan_meier(durations: np.ndarray, censored: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier survival: times (weeks) and S(t) just after each time.

    Returns arrays starting at (0, 1.0).
    """
    d = np.asarray(durations, dtype=np.float64)
    c = np.asarray(censored, dtype=bool)
    if d.size == 0:
        return np.array([0.0]), np.array([1.0])
    times = np.unique(d[~c])
    surv = [1.0]
    s = 1.0
    for t in times:
        at_risk = np.count_nonzero(d >= t)
        events = np.count_nonzero((d == t) & ~c)
        if at_risk:
            s *= 1.0 - events / at_risk
        surv.append(s)
    return np.concatenate([[0.0], times]), np.asarray(surv)


def km_quantile(times: np.ndarray, surv: np.ndarray, q: float) -> float | None:
    """Smallest time where S(t) <= 1 - q; None if the curve never gets there (censored)."""
    idx = np.nonzero(surv <= 1.0 - q + 1e-12)[0]
    return float(times[idx[0]]) if idx.size else None
