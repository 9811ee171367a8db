"""Time within the week: truces that end part-way through the model's weekly step.

The model steps a week at a time, but a truce lasts what its terms say: 30 hours
(``duration_hours: 30``, 30/168 of a week) or 30 days (4 weeks and 2/7 of a week). A truce
agreed at the start of week ``t0`` with a term of ``D`` weeks ends at ``t0 + D``; in week
``k`` it covers the share ``clip(t0 + D - k, 0, 1)`` of the week (:func:`cover`), and the
model removes that share of the week's fighting (:func:`sim.engine.war.step` takes the
shares as floats). At a term inside week ``k`` the parties decide at the start of that week;
a truce that is extended through several terms within one week (a 30-hour truce) is decided
once for all of them, since every party sees the same state and the same weekly shock.

The actors' valuation (:mod:`sim.engine.durability`, :mod:`sim.engine.scope`) uses the same
clock: a truce that each party extends at every term with the believed probability ``e``
covers the share ``r_k = F(k+1) - F(k)`` of week ``k`` with
``F(x) = int_0^x e**floor(y / D) dy`` (:func:`weekly_cover`), and lapses at the term
``n D`` with probability ``e**(n-1) (1 - e)`` (:func:`lapse_terms`). The rest share the
model realizes and the one the actors expect are the same numbers
(tests/engine/test_timing.py).
"""

from __future__ import annotations

import math

import numpy as np

#: A term whose lapse probability is below this share of the first one's is not valued.
TINY_MASS = 1e-9


def cover(term_end, week) -> np.ndarray:
    """Share of week ``week`` covered by a truce ending at ``term_end`` (weeks; inf = indefinite)."""
    return np.clip(np.asarray(term_end, dtype=np.float64) - week, 0.0, 1.0)


def terms_within(term_end, week, weeks: float) -> np.ndarray:
    """How many terms of ``weeks`` end within week ``week`` from ``term_end`` (at least 1).

    Used to extend a truce through every term that ends inside the week at once.
    """
    gap = np.maximum(week + 1.0 - np.asarray(term_end, dtype=np.float64), 0.0)
    return np.maximum(np.ceil(gap / max(weeks, 1e-12) - 1e-12), 1.0)


def _geometric(e, n):
    """``sum_{i<n} e**i`` (exact at e = 1)."""
    e = np.asarray(e, dtype=np.float64)
    safe = np.where(e < 1.0, e, 0.5)
    return np.where(e < 1.0, (1.0 - safe ** n) / (1.0 - safe), n)


def covered_until(x, weeks: float, e) -> np.ndarray:
    """``F(x) = int_0^x e**floor(y / D) dy``: expected truce time up to ``x`` weeks after it started."""
    x = np.asarray(x, dtype=np.float64)
    n = np.floor(x / weeks)
    return weeks * _geometric(e, n) + np.asarray(e, dtype=np.float64) ** n * (x - n * weeks)


def weekly_cover(weeks: float | None, e, n_weeks: int) -> np.ndarray | None:
    """Expected share of each week ``k < n_weeks`` covered by the truce, shape (n_weeks, R).

    ``weeks`` is the term (None: indefinite, returns None = covered throughout); ``e`` the
    probability (per replication) that it is extended at each term.
    """
    if weeks is None:
        return None
    k = np.arange(n_weeks + 1, dtype=np.float64)[:, None]
    e = np.atleast_1d(np.asarray(e, dtype=np.float64))[None, :]
    f = covered_until(k, weeks, e)
    return f[1:] - f[:-1]


def lapse_terms(weeks: float, e, horizon_weeks: float) -> tuple[np.ndarray, np.ndarray]:
    """Terms ``n D`` before ``horizon_weeks`` and the probability the truce lapses at each.

    Returns ``(tau, mass)``: ``tau`` (N,) the terms in weeks; ``mass`` (N, R) the probability
    ``e**(n-1) (1 - e)`` (breaking aside). Terms after which no replication keeps more than
    :data:`TINY_MASS` of the truce are left out.
    """
    e = np.atleast_1d(np.asarray(e, dtype=np.float64))
    n_max = int(math.floor(float(horizon_weeks) / weeks - 1e-12))
    n = np.arange(1, max(n_max, 0) + 1, dtype=np.float64)
    mass = e[None, :] ** (n[:, None] - 1.0) * (1.0 - e[None, :])
    # each replication's own negligible terms are exactly 0 (a rule per replication, so a
    # replication's value does not depend on which others are evaluated with it)
    mass = np.where(mass < TINY_MASS * (1.0 - e[None, :]), 0.0, mass)
    keep = np.any(mass > 0.0, axis=1)
    return (n * weeks)[keep], mass[keep]


def weekly_weights(delta, horizon, nb: int, block_weeks: int, s_blocks, q, share):
    """Per block ``(W0_j, W1_j)``: ``sum_k d^k S_k r_k`` and ``sum_k (k - k_j) d^k S_k r_k``.

    Over the weeks ``k < horizon`` of block ``j`` (starting at ``k_j = j block_weeks``):
    ``S_k = s_blocks[j] q_j**(k - k_j)`` the believed survival from breaking, ``r_k`` the
    truce's expected cover of week ``k`` (:func:`weekly_cover`). These replace
    :func:`sim.engine.forecast.block_weights` for a fixed-term truce, week by week.
    """
    n_weeks = nb * block_weeks
    k = np.arange(n_weeks, dtype=np.float64)[:, None]
    j = (np.arange(n_weeks) // block_weeks)
    within = k - (j * block_weeks)[:, None]
    surv = s_blocks[j] * q[j] ** within
    d = np.asarray(delta, dtype=np.float64)
    base = np.where(k < np.asarray(horizon, dtype=np.float64), d ** k, 0.0) * surv * share[:n_weeks]
    w0 = base.reshape(nb, block_weeks, -1).sum(axis=1)
    w1 = (base * within).reshape(nb, block_weeks, -1).sum(axis=1)
    return w0, w1


def block_cover(weeks: float, extension: bool, nb: int, block_weeks: int) -> np.ndarray:
    """For each block, the age at which a break in it is valued as resuming, ``tau`` (nb,).

    The mean of ``k + r_k / 2`` weighted by the cover ``r_k`` of a truce extended at every
    term (``extension``) or never; mid-block where it never covers the block. The same for
    every replication (resumption times are scalars in the valuation).
    """
    r = weekly_cover(weeks, 1.0 if extension else 0.0, nb * block_weeks)[:, 0].reshape(nb, block_weeks)
    k = np.arange(nb * block_weeks, dtype=np.float64).reshape(nb, block_weeks)
    total = r.sum(axis=1)
    mid = np.arange(nb) * block_weeks + block_weeks / 2.0
    return np.where(total > 0, (r * (k + r / 2.0)).sum(axis=1) / np.maximum(total, 1e-300), mid)


def break_mass(s_blocks, q, share, nb: int, block_weeks: int) -> np.ndarray:
    """Per block, the probability the truce breaks in it while in force: ``sum_k S_k (1 - q_j) r_k``."""
    k = np.arange(nb * block_weeks)
    j = k // block_weeks
    within = (k - j * block_weeks)[:, None].astype(np.float64)
    surv = s_blocks[j] * q[j] ** within
    return (surv * (1.0 - q[j]) * share[: nb * block_weeks]).reshape(nb, block_weeks, -1).sum(axis=1)


def survival_at(s_blocks, q, age: float, block_weeks: int) -> np.ndarray:
    """Believed survival from breaking at ``age`` weeks (geometric within a block)."""
    j = min(int(age // block_weeks), q.shape[0] - 1)
    return s_blocks[j] * q[j] ** (age - j * block_weeks)
