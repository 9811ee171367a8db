"""The probit scale of a prior: ABC-SMC infers ``z = Phi^-1(F(theta))`` with a standard normal prior.

A bounded prior (a uniform, a triangular) in 75 dimensions defeats pyabc's multivariate normal
kernel: almost no perturbation of a particle lies inside every parameter's range, and pyabc
redraws until one does. On the probit scale every real vector is a valid particle. The map is
exact: if ``z ~ N(0, 1)`` then ``u = Phi(z)`` is uniform on (0, 1) and :func:`to_value` is the
same inverse CDF the engine draws with (:meth:`sim.scenario.distributions.Param.sample`: the
stated distribution, clipped to the parameter's bounds), so the prior on ``theta`` is exactly
the stated range (``tests/calibration/test_probit.py``).

Each kind is written so that it stays precise in both tails (the upper tail from ``Phi(-z)``,
never ``1 - Phi(z)``); normal and lognormal need no CDF at all (``mu + sd z``, ``m exp(s z)``).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from sim.calibration.spec import Prior


def to_value(prior: Prior, z) -> np.ndarray:
    """``theta = F^-1(Phi(z))``, clipped to the parameter's bounds (vectorized over ``z``)."""
    z = np.asarray(z, dtype=np.float64)
    a = prior.param.args
    k = prior.param.kind
    if k == "uniform":
        lo, hi = a
        x = np.where(z <= 0, lo + (hi - lo) * ndtr(z), hi - (hi - lo) * ndtr(-z))
    elif k == "triangular":
        low, mode, high = a
        span = high - low
        c = (mode - low) / span
        u, v = ndtr(z), ndtr(-z)                 # u and 1 - u, each precise where it is small
        left = low + np.sqrt(u * span * (mode - low))
        right = high - np.sqrt(v * span * (high - mode))
        x = np.where(u < c, left, right)
    elif k == "normal":
        x = a[0] + a[1] * z
    elif k == "lognormal":
        x = a[0] * np.exp(a[1] * z)
    else:  # pragma: no cover - the spec refuses 'choice' and fixed priors
        raise ValueError(k)
    return np.clip(x, prior.bounds[0], prior.bounds[1])


def to_probit(prior: Prior, theta) -> np.ndarray:
    """``z = Phi^-1(F(theta))``: the inverse of :func:`to_value` inside the bounds (a clipped value
    maps to the probit of its bound)."""
    x = np.asarray(theta, dtype=np.float64)
    a = prior.param.args
    k = prior.param.kind
    with np.errstate(divide="ignore", invalid="ignore"):
        if k == "uniform":
            lo, hi = a
            mid = 0.5 * (lo + hi)
            return np.where(x <= mid, ndtri((x - lo) / (hi - lo)), -ndtri((hi - x) / (hi - lo)))
        if k == "triangular":
            low, mode, high = a
            span = high - low
            left = ndtri(np.clip(x - low, 0, None) ** 2 / (span * (mode - low))) if mode > low else -np.inf
            right = -ndtri(np.clip(high - x, 0, None) ** 2 / (span * (high - mode))) if high > mode else np.inf
            return np.where(x < mode, left, right)
        if k == "normal":
            return (x - a[0]) / a[1]
        if k == "lognormal":
            return np.log(x / a[0]) / a[1]
    raise ValueError(k)  # pragma: no cover


def to_values(priors: list[Prior], z: np.ndarray) -> np.ndarray:
    """Columns of probits (particles x parameters) -> the parameters in their own units."""
    z = np.asarray(z, dtype=np.float64)
    return np.column_stack([to_value(p, z[:, j]) for j, p in enumerate(priors)]) if priors else z
