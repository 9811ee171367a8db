"""Time within the week: truces that end part-way through the model's weekly step.

The model steps a week at a time, but a truce lasts what its terms say: 30 hours
(``duration_hours: 30``, 30/168 of a week) or 30 days (4 weeks and 2/7 of a week). A truce
agreed at the start of week ``t0`` with a term of ``D`` weeks ends at ``t0 + D``; in week
``k`` it covers the share ``clip(t0 + D - k, 0, 1)`` of the week (:func:`cover`), and the
model removes that share of the week's fighting (:func:`sim.engine.war.step` takes the
shares as floats). At a term inside week ``k`` the parties decide at the start of that week;
a truce that is extended through several terms within one week (a 30-hour truce) is decided
once for all of them, since every party sees the same state and the same weekly shock.

The actors' valuation (:mod:`sim.engine.durability`, :mod:`sim.engine.scope`) follows the
same clock (:func:`schedule`): the terms ending inside week ``k`` are decided at its start,
once, and the truce is extended with the believed probability ``e`` (0 with
``extension: false``); it covers all of week ``k`` with probability ``e**c_k`` (``c_k`` the
weeks with a decision so far) and, lapsing in it, the share up to its term; breaking is
weighed at the start of every week after the first, as the model does. The cover the
model realizes and the one the actors expect agree (tests/engine/test_timing.py).
"""

from __future__ import annotations

import numpy as np

#: A resumption (break or lapse) less likely than this is not valued (exactly 0, per replication).
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


def schedule(weeks: float | None, e, n_weeks: int) -> dict:
    """The truce's believed course over weeks ``k < n_weeks`` from its agreement, breaking aside.

    The model's clock (:meth:`sim.engine.model.CeasefireModel.extend_or_lapse`): the terms
    ``n D`` ending inside week ``k`` are decided at its start, once for all of them, and
    extended with probability ``e`` (per replication; 0 for ``extension: false``). Returns
    arrays of shape (n_weeks, R):

    * ``full``: probability the truce covers all of week ``k`` (``e**c_k``, ``c_k`` the weeks
      with a decision up to ``k``);
    * ``tail``: expected share of week ``k`` covered by a truce lapsing in it (up to its term);
    * ``lapse``: probability it lapses at the first term inside week ``k``, and ``lapse_tau``
      (n_weeks,) that term in weeks (NaN where no term ends in the week).

    ``weeks`` None (indefinite): covered throughout.
    """
    e = np.atleast_1d(np.asarray(e, dtype=np.float64))[None, :]
    k = np.arange(n_weeks, dtype=np.float64)
    if weeks is None:
        ones = np.ones((n_weeks, e.shape[1]))
        return {"full": ones, "tail": 0.0 * ones, "lapse": 0.0 * ones, "lapse_tau": np.full(n_weeks, np.nan)}
    first = np.maximum(np.ceil(k / weeks - 1e-12), 1.0) * weeks     # the first term n D >= k, n >= 1
    has = first < k + 1.0
    first = np.where(has, first, np.nan)
    decisions = np.cumsum(has).astype(np.float64)[:, None]             # c_k
    before = decisions - has[:, None]                                  # c_{k-1}
    full = e ** decisions
    lapse = np.where(has[:, None], e ** before * (1.0 - e), 0.0)
    tail = np.where(has[:, None], lapse * np.nan_to_num(first - k)[:, None], 0.0)
    return {"full": full, "tail": tail, "lapse": lapse, "lapse_tau": first}


def weekly_cover(weeks: float | None, e, n_weeks: int) -> np.ndarray | None:
    """Expected share of each week ``k < n_weeks`` covered by the truce, breaking aside (n_weeks, R).

    None for an indefinite truce (covered throughout). What the model realizes on average
    (tests/engine/test_timing.py).
    """
    if weeks is None:
        return None
    sch = schedule(weeks, e, n_weeks)
    return sch["full"] + sch["tail"]


def weekly_survival(s_blocks, q, nb: int, block_weeks: int) -> np.ndarray:
    """``B_k``: believed probability nobody has broken the truce by the decisions of week ``k``.

    The model weighs breaking at the start of every week after the one it was agreed in:
    ``B_0 = 1``, ``B_k = B_{k-1} q_k`` with ``q`` the weekly survival of the block of ``k``
    (from :func:`sim.engine.durability.survival`). Shape (nb * block_weeks, R).
    """
    j = np.arange(nb * block_weeks) // block_weeks
    qk = q[j].copy()
    qk[0] = 1.0
    return np.cumprod(qk, axis=0)


def hold_weights(delta, horizon, nb: int, block_weeks: int, sch: dict, surv) -> tuple:
    """Per block ``(W0_j, W1_j)``: ``sum_k d^k h_k`` and ``sum_k (k - k_j) d^k h_k``, weeks ``k < horizon``.

    ``h_k = B_k full_k + B_{k-1} tail_k``: the expected share of week ``k`` at truce, ``B``
    from :func:`weekly_survival`. These replace :func:`sim.engine.forecast.block_weights`
    for a fixed-term truce.
    """
    n_weeks = nb * block_weeks
    k = np.arange(n_weeks, dtype=np.float64)[:, None]
    prev = np.vstack([np.ones((1, surv.shape[1])), surv[:-1]])
    share = surv * sch["full"][:n_weeks] + prev * sch["tail"][:n_weeks]
    d = np.asarray(delta, dtype=np.float64)
    base = np.where(k < np.asarray(horizon, dtype=np.float64), d ** k, 0.0) * share
    within = k - (np.arange(n_weeks) // block_weeks * block_weeks)[:, None]
    w0 = base.reshape(nb, block_weeks, -1).sum(axis=1)
    w1 = (base * within).reshape(nb, block_weeks, -1).sum(axis=1)
    return w0, w1


def resumptions(sch: dict, surv) -> tuple[np.ndarray, np.ndarray]:
    """``(tau, mass)``: the war resumes at age ``tau`` (T,) with probability ``mass`` (T, R).

    A break at the start of week ``k >= 1`` (``B_{k-1} (1 - q_k) full_k``, resumed at ``k``)
    or a lapse at the first term inside week ``k`` (``B_{k-1} lapse_k``, resumed at the
    term). Each replication's own negligible masses are exactly 0, and events where all are
    0 are left out, so a replication's value does not depend on the others evaluated with it.
    """
    n_weeks = surv.shape[0]
    prev = np.vstack([np.ones((1, surv.shape[1])), surv[:-1]])
    k = np.arange(n_weeks, dtype=np.float64)
    broken = (prev - surv) * sch["full"][:n_weeks]          # B_{k-1} (1 - q_k) full_k, 0 at k = 0
    has = ~np.isnan(sch["lapse_tau"][:n_weeks])
    lapsed = prev * sch["lapse"][:n_weeks]
    tau = np.concatenate([k[1:], sch["lapse_tau"][:n_weeks][has]])
    mass = np.vstack([broken[1:], lapsed[has]])
    mass = np.where(mass < TINY_MASS, 0.0, mass)
    keep = np.any(mass > 0.0, axis=1)
    return tau[keep], mass[keep]
