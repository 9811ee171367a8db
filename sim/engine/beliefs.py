"""Beliefs and learning: each belligerent updates its view of the balance of forces weekly.

What a side cannot observe is ``b``, the multiplier on Russia's relative combat power that
turns the true force ratio ``rho`` into the one it plans with (``b = 1`` is the truth;
Russia's optimism starts it above 1, Ukraine's below: the "mutual optimism" of Fearon
1995 and Blainey 1973). Forces, stocks and the line itself are observed.

Learning (bargaining while fighting, Wagner 2000; Slantchev 2003): every week of fighting
both sides see the front move. The observed movement is

    y_t = advance_t + sigma * eps_t,          eps_t ~ N(0, 1)   (one public signal)

and, while the front moves below its cap, the front equation of :mod:`sim.engine.war` is linear
in ``b``: ``advance = c_t + k_t b`` with ``k_t = a0 rho_t / (1 - s)``, ``c_t = -a0 s / (1 - s)``
(``a0`` the reference pace, ``s`` the stalemate threshold). With a normal prior
``b ~ N(m0, sd0^2)`` the posterior is normal again (conjugate normal-normal update):

    prec_t = prec_{t-1} + w k_t^2 / sigma^2
    m_t    = (prec_{t-1} m_{t-1} + w k_t (y_t - c_t) / sigma^2) / prec_t

``w`` is the side's ``learning`` weight: 1 is Bayes' rule, 0 keeps the prior, values in
between temper the likelihood (conservatism in updating, Edwards 1968). Weeks of ceasefire
(nothing moves) and weeks at the cap of the front (a rout, where the linear likelihood does
not hold) are not observations; whether a week was at the cap each side judges with its own
belief ``|c_t + k_t m_{t-1}| >= cap``, since it does not know the true ``b``. All of it is O(R) per week.

:func:`grid_posterior_mean` computes the same posterior by brute force on a grid (the
check of the closed form in ``tests/test_beliefs.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine import war

BELLIGERENTS = ("russia", "ukraine")
NOISE_FLOOR = 1e-6     # pp/week: sigma = 0 means a (numerically) perfect observation


def front_coefficients(rho, wp: war.WarParams):
    """``(c, k)`` of the linear front equation ``advance = c + k b`` (pp/week)."""
    scale = wp.advance0 / (1.0 - wp.stalemate)
    return -scale * wp.stalemate, scale * rho


def informative(rho, wp: war.WarParams, fighting, belief=1.0) -> np.ndarray:
    """Weeks that carry information for a side believing ``b = belief``: the front is active and,
    as the side sees it, moves below its cap (``|c + k b| < max_advance``).

    The side does not know the true ``b``, so it judges whether a week was a rout (where the
    linear likelihood does not hold) with its own belief, never with the truth (issue 12).
    """
    c, k = front_coefficients(rho, wp)
    raw = c + k * belief
    return np.asarray(fighting, dtype=bool) & (np.abs(raw) < wp.max_advance)


def update(mean, precision, y, c, k, noise_sd, weight, mask):
    """One conjugate normal update of ``b`` (see module docstring); arrays of shape (R,).

    Returns the new ``(mean, precision)``; replications outside ``mask`` keep their belief.
    """
    info = weight * k * k / np.maximum(noise_sd, NOISE_FLOOR) ** 2
    new_prec = precision + info
    signal = weight * k * (y - c) / np.maximum(noise_sd, NOISE_FLOOR) ** 2
    new_mean = (precision * mean + signal) / np.maximum(new_prec, 1e-300)
    return np.where(mask, new_mean, mean), np.where(mask, new_prec, precision)


def grid_posterior_mean(prior_mean, prior_sd, ys, cs, ks, noise_sd, weight=1.0, grid=None):
    """Posterior mean of ``b`` by brute force on a grid (one replication; for tests).

    ``ys, cs, ks`` are the weekly observations and front coefficients.
    """
    if grid is None:
        grid = np.linspace(prior_mean - 8 * prior_sd, prior_mean + 8 * prior_sd, 20001)
    logp = -0.5 * ((grid - prior_mean) / prior_sd) ** 2
    for y, c, k in zip(ys, cs, ks):
        logp = logp - 0.5 * weight * ((y - c - k * grid) / noise_sd) ** 2
    p = np.exp(logp - logp.max())
    return float(np.sum(p * grid) / np.sum(p))


@dataclass
class Belief:
    """One belligerent's normal belief about ``b`` in every replication."""

    mean: np.ndarray
    precision: np.ndarray
    weight: np.ndarray

    @property
    def sd(self) -> np.ndarray:
        return 1.0 / np.sqrt(np.maximum(self.precision, 1e-300))


class BeliefState:
    """The belligerents' beliefs in a model, updated once a week after the fighting.

    Parameters
    ----------
    priors : {actor: (prior mean, prior sd, learning weight)}, arrays of shape (R,)
    noise_sd : observation noise of the front (pp/week), shape (R,)
    """

    def __init__(self, priors: dict[str, tuple], noise_sd):
        self.noise_sd = np.asarray(noise_sd, dtype=np.float64)
        self.beliefs: dict[str, Belief] = {}
        for actor, (mean, sd, weight) in priors.items():
            mean = np.asarray(mean, dtype=np.float64) * np.ones_like(self.noise_sd)
            sd = np.maximum(np.asarray(sd, dtype=np.float64), 1e-12) * np.ones_like(self.noise_sd)
            weight = np.maximum(np.asarray(weight, dtype=np.float64), 0.0) * np.ones_like(self.noise_sd)
            self.beliefs[actor] = Belief(mean.copy(), 1.0 / sd**2, weight)

    @classmethod
    def from_model(cls, model) -> "BeliefState | None":
        """Priors centred on each belligerent's optimistic bias; None if nobody learns.

        The prior mean is the actor's bias (``1 + optimism`` for Russia, ``1 / (1 +
        optimism)`` for Ukraine), so decisions before the first observation are unchanged.
        """
        priors = {}
        for key in BELLIGERENTS:
            actor = model.actors[key]
            if np.any(np.asarray(actor.learning) > 0):
                priors[key] = (actor.bias(), actor.prior_sd, actor.learning)
        if not priors:
            return None
        return cls(priors, model.p["beliefs.front_noise_pp_per_week"])

    def subset(self, idx) -> "BeliefState":
        """The beliefs of replications ``idx`` only (for :func:`sim.engine.subset.view`)."""
        out = BeliefState.__new__(BeliefState)
        out.noise_sd = self.noise_sd[idx]
        out.beliefs = {k: Belief(b.mean[idx], b.precision[idx], b.weight[idx]) for k, b in self.beliefs.items()}
        return out

    def mean(self, actor: str):
        return self.beliefs[actor].mean

    def __contains__(self, actor: str) -> bool:
        return actor in self.beliefs

    def observe(self, y, rho, wp: war.WarParams, fighting) -> None:
        """Update every learning side from one week's observed front movement ``y``."""
        c, k = front_coefficients(rho, wp)
        cached = getattr(self, "_inv_var", None)       # computed once per noise array
        if cached is not None and cached[0] is self.noise_sd:
            inv_var = cached[1]
        else:
            inv_var = 1.0 / np.maximum(self.noise_sd, NOISE_FLOOR) ** 2
            self._inv_var = (self.noise_sd, inv_var)
        info = k * k * inv_var                  # shared by both sides: one public signal
        signal = k * (y - c) * inv_var
        active = np.asarray(fighting, dtype=bool)
        for b in self.beliefs.values():
            # judged with the side's own belief, as :func:`informative` (c, k computed once)
            mask = active & (np.abs(c + k * b.mean) < wp.max_advance)
            new_prec = b.precision + b.weight * info
            new_mean = (b.precision * b.mean + b.weight * signal) / new_prec
            b.mean = np.where(mask, new_mean, b.mean)
            b.precision = np.where(mask, new_prec, b.precision)


def observe_week(model, t: int) -> None:
    """The model's weekly learning step: draw the observation noise and update (the model's
    DataCollector records the posterior means).

    Called from :meth:`sim.engine.model.CeasefireModel.step` after the fighting. Noise is keyed
    by (seed, ``obs:front``, replication, week): replication ``i`` learns the same
    whatever R is.
    """
    state = model.beliefs
    if state is None:
        return
    f = model.flows
    eps = model.streams.normal("obs:front", t + 1)
    y = f["advance"] + state.noise_sd * eps
    state.observe(y, f["rho"], model.wp, f["fighting"])
