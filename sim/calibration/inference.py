"""ABC-SMC with pyabc (Klinger, Rickert & Hasenauer 2018, "pyABC: distributed, likelihood-free
inference", Bioinformatics 34:3591-3593; the algorithm of Toni et al. 2009 and Del Moral,
Doucet & Jasra 2012).

Each particle is a vector of the inferred parameters on the probit scale of their priors
(:mod:`sim.calibration.probit`: ``z = Phi^-1(F(theta))``, a standard normal prior, mapped back
exactly before simulating) drawn from the prior (generation 0) or from a normal fitted to the
previous generation (:class:`~sim.calibration.sampler.IndependentNormalTransition`: weighted
mean, diagonal variance; on the probit scale every draw is a valid particle), simulated
(:func:`sim.calibration.targets.simulate_targets`) and accepted when its distance to the
observed targets is below the generation's epsilon (the median distance of the previous
generation). The final generation's weighted particles, mapped back to the parameters' own
units, are the posterior sample.

**Reproducible.** pyabc's samplers seed NumPy from the clock or draw in whatever order the
workers finish. :class:`KeyedSampler` is pyabc's ``MappingSampler`` with one change: task *j*
of generation *t* (it samples until it has one accepted particle) seeds NumPy's global
generator - which pyabc's priors and kernels use - from the keyed stream
``calibrate:t<t>:task<j>`` of :mod:`sim.engine.rng`, and the simulation seed of each particle
comes from that generator. Tasks are mapped in order, so the posterior is the same, byte for
byte, with one worker or many (``tests/calibration/test_inference.py``); the sampler simulates
many particles as one vectorized run and replays pyabc's decisions on them in order
(:mod:`sim.calibration.sampler`), the same sample for any ``--batch``. pyabc's database (sqlite)
lives in a temporary folder and is deleted afterwards.
"""

from __future__ import annotations

import logging
import math
import random
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from sim.calibration.probit import to_value, to_values
from sim.calibration.spec import Calibration
from sim.calibration.targets import distance, simulate_batch, simulate_targets
from sim.engine.rng import KeyedStreams, stream_key
from sim.scenario.errors import InputError

EXTRA_HINT = 'pip install -e ".[calibrate]"'


def require() -> None:
    """Check that the ``[calibrate]`` libraries (pyabc, pandas, pyarrow) import."""
    missing = []
    for module, dist in (("pandas", "pandas"), ("pyarrow", "pyarrow"), ("pyabc", "pyabc")):
        try:
            __import__(module)
        except ImportError:
            missing.append(dist)
    if missing:
        raise InputError.single("<environment>", None, "", f"calibration needs {', '.join(missing)}: install "
                                                           f"the [calibrate] extra ({EXTRA_HINT})")


def task_seed(seed: int, t: int, j: int) -> int:
    """The NumPy seed of task ``j`` of generation ``t`` (keyed, never ``seed + j``)."""
    return int(stream_key(seed, f"calibrate:t{t}:task{j}") % np.uint64(2**32))


def particle_seed() -> int:
    """The simulation seed of a particle, from the task's (seeded) generator."""
    return int(np.random.randint(0, 2**62, dtype=np.int64))


# -- the pyabc pieces ------------------------------------------------------------------------
def names(cal: Calibration) -> list[str]:
    """pyabc parameter names (``p000``...): dotted paths are not safe column names in its database."""
    return [f"p{i:03d}" for i in range(len(cal.priors))]


class Recorded(Exception):
    """Raised by :class:`ParticleModel` in record mode once it has noted the proposal."""


class _Mode(threading.local):
    """What :class:`ParticleModel` does in this thread: simulate (default), record or replay."""

    def __init__(self):
        self.record: list | None = None
        self.replay: deque | None = None


MODE = _Mode()


class ParticleModel:
    """The pyabc model: parameter vector -> the targets' statistics (picklable).

    Called one particle at a time by pyabc. :class:`~sim.calibration.sampler.KeyedSampler` runs it
    in two modes to simulate many particles at once: *record* (note the proposal and its seed, raise
    :class:`Recorded`), then, after :meth:`batch` has simulated every recorded proposal as one run,
    *replay* (return the statistics of the next recorded proposal, checking that it is the same).
    """

    def __init__(self, cal: Calibration):
        self.cal = cal
        self.paths = [p.path for p in cal.priors]
        self.names = names(cal)

    def __call__(self, pars) -> dict[str, float]:
        # pyabc's particle holds the probits; the model gets the values (sim.calibration.probit)
        theta = {p.path: float(to_value(p, float(pars[n]))) for p, n in zip(self.cal.priors, self.names)}
        seed = particle_seed()
        if MODE.record is not None:
            MODE.record.append((self, pars, theta, seed))
            raise Recorded()
        if MODE.replay is not None:
            want_theta, stats = MODE.replay.popleft()
            if want_theta != theta:
                raise RuntimeError("calibration replay out of step with the recorded proposals")
            return stats
        return simulate_targets(self.cal, theta, seed)

    def batch(self, particles: list[tuple[dict[str, float], int]]) -> list[dict[str, float]]:
        """The statistics of many ``(theta, seed)`` at once (one vectorized run per scenario)."""
        return simulate_batch(self.cal, particles)


class TargetDistance:
    def __init__(self, cal: Calibration):
        self.cal = cal

    def __call__(self, x, x0) -> float:
        return distance(self.cal, x)


@dataclass
class Generation:
    t: int
    epsilon: float
    accepted: int
    simulations: int
    ess: float

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.simulations if self.simulations else math.nan


@dataclass
class Inference:
    """The posterior sample and the run's diagnostics."""

    cal: Calibration
    values: np.ndarray              # (particles, parameters), the final generation
    weights: np.ndarray             # normalized
    distances: np.ndarray           # each final particle's distance
    generations: list[Generation]
    simulations: int                # all model evaluations, calibration sample included
    budget: int
    workers: int
    elapsed_s: float
    stopped_because: str
    pyabc_version: str
    notes: list[str] = field(default_factory=list)
    batch: int = 0                  # particles per vectorized round (speed only)
    simulated: int = 0              # particles simulated, discarded look-ahead included
    rounds: int = 0                 # vectorized rounds (summed over the groups of tasks)

    @property
    def ess(self) -> float:
        return effective_sample_size(self.weights)

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.cal.priors]


def effective_sample_size(w: np.ndarray) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2."""
    w = np.asarray(w, dtype=np.float64)
    return float(w.sum() ** 2 / np.sum(w ** 2)) if w.size else 0.0


def infer(cal: Calibration, budget: int, *, map_: Callable = map, workers: int = 1, batch: int | None = None,
          progress: Callable[[str], None] | None = None) -> Inference:
    """Run ABC-SMC on ``cal`` with at most about ``budget`` model evaluations.

    pyabc checks the budget between generations, so the last generation may take the total a
    little past it; the number used is in the result. ``map_`` maps the sampler's tasks (the
    built-in ``map``, or a process pool's ``map``) in ``workers`` groups, each simulating its
    particles in vectorized rounds of at least ``batch`` (default
    :data:`~sim.calibration.sampler.DEFAULT_BATCH`): the same result for any of them.
    """
    require()
    import pyabc
    from pyabc.distance import FunctionDistance

    logging.getLogger("ABC").setLevel(logging.WARNING)
    for name in ("ABC.Sampler", "ABC.History", "ABC.Distance", "ABC.Epsilon", "ABC.Population", "ABC.Transition"):
        logging.getLogger(name).setLevel(logging.WARNING)
    start = time.perf_counter()
    pnames = names(cal)
    from sim.calibration.sampler import (DEFAULT_BATCH, IndependentNormalTransition, KeyedSampler, StandardNormalPrior,
                                         blas_single_thread)

    prior = StandardNormalPrior(pnames)         # the probit scale (sim.calibration.probit)

    batch = DEFAULT_BATCH if batch is None else int(batch)
    sampler = KeyedSampler(cal.seed, map_=map_, groups=workers, batch=batch)
    sampler.show_progress = False
    abc = pyabc.ABCSMC(ParticleModel(cal), prior, FunctionDistance(TargetDistance(cal)),
                       population_size=cal.population, sampler=sampler,
                       transitions=IndependentNormalTransition(), eps=pyabc.MedianEpsilon())
    observed = {t.key: (t.observed if t.observed is not None else 0.0) for t in cal.targets}
    with tempfile.TemporaryDirectory(prefix="ceasefire-calibrate-") as tmp:
        db = "sqlite:///" + str(Path(tmp) / "abc.db")
        abc.new(db, observed)
        with blas_single_thread():
            history = abc.run(minimum_epsilon=cal.min_epsilon, max_nr_populations=cal.generations,
                              max_total_nr_simulations=budget)
        pops = history.get_all_populations()
        gens = []
        for _, row in pops.iterrows():
            t = int(row["t"])
            if t < 0:
                continue
            _, w = history.get_distribution(m=0, t=t)
            gens.append(Generation(t, float(row["epsilon"]), int(row["particles"]), int(row["samples"]),
                                   effective_sample_size(w)))
        frame, w = history.get_distribution(m=0, t=history.max_t)
        values = to_values(cal.priors, frame[pnames].to_numpy(dtype=np.float64))   # probits -> values
        dist = history.get_weighted_distances(t=history.max_t)["distance"].to_numpy(dtype=np.float64)
        total = int(history.total_nr_simulations)
        history = None
    w = np.asarray(w, dtype=np.float64)
    if len(gens) >= cal.generations:
        why = f"reached {cal.generations} generations"
    elif total >= budget:
        why = f"used the budget ({total:,} of {budget:,} simulations)"
    else:
        why = f"epsilon reached min_epsilon {cal.min_epsilon:g}"
    return Inference(cal, values, w / w.sum(), dist, gens, total, budget, workers,
                     time.perf_counter() - start, why, pyabc.__version__, batch=batch,
                     simulated=sampler.simulated_, rounds=sampler.rounds_)


# -- predictive checks ----------------------------------------------------------------------
def prior_draws(cal: Calibration, n: int, stream: str = "calibrate:prior") -> np.ndarray:
    """``n`` keyed draws from the priors (rows: draws; columns: the inferred parameters)."""
    ks = KeyedStreams(cal.seed, np.arange(n))
    return np.column_stack([p.param.sample(ks.uniform(f"{stream}:{p.path}"), p.bounds) for p in cal.priors])


def posterior_rows(inf: Inference, n: int) -> np.ndarray:
    """``n`` row indices drawn from the posterior by weight (keyed uniforms)."""
    u = KeyedStreams(inf.cal.seed, np.arange(n)).uniform("calibrate:posterior_draw")
    cum = np.cumsum(inf.weights)
    return np.minimum(np.searchsorted(cum, u * cum[-1], side="right"), len(cum) - 1)


def _predict_batch(args) -> list[dict[str, float]]:
    cal, particles = args
    return simulate_batch(cal, particles)


def predictive(cal: Calibration, values: np.ndarray, kind: str, map_: Callable = map, groups: int = 1
               ) -> np.ndarray:
    """The targets' statistics simulated at each row of ``values`` (rows x targets), in ``groups``
    vectorized batches (the same numbers for any ``groups``)."""
    paths = [p.path for p in cal.priors]
    particles = [(dict(zip(paths, map(float, row))),
                  int(stream_key(cal.seed, f"calibrate:{kind}:{k}") % np.uint64(2**62)))
                 for k, row in enumerate(values)]
    g = max(1, min(int(groups), len(particles)))
    bounds = [round(i * len(particles) / g) for i in range(g + 1)]
    parts = map_(_predict_batch, [(cal, particles[bounds[i]:bounds[i + 1]]) for i in range(g)])
    stats = [s for part in parts for s in part]
    return np.array([[s[t.key] for t in cal.targets] for s in stats], dtype=np.float64)


def weighted_quantile(x: np.ndarray, w: np.ndarray, q) -> np.ndarray:
    """Quantiles of a weighted sample (the inverse of its step CDF at the midpoints)."""
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cdf, x)


def summarize_parameters(inf: Inference, prior: np.ndarray) -> list[dict[str, Any]]:
    """Per parameter: prior and posterior mean, sd, 5/50/95% and how much the data moved it.

    ``update`` is the 1-Wasserstein distance between prior and posterior in prior-sd units
    (a shift of the mean and a narrowing both count); ``shrinkage`` is 1 - posterior sd / prior sd.
    """
    from scipy.stats import wasserstein_distance

    rows = []
    w = inf.weights
    for j, p in enumerate(inf.cal.priors):
        x, px = inf.values[:, j], prior[:, j]
        mean = float(np.sum(w * x))
        sd = float(math.sqrt(max(np.sum(w * (x - mean) ** 2), 0.0)))
        pmean, psd = float(px.mean()), float(px.std())
        q05, q50, q95 = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        p05, p95 = np.quantile(px, [0.05, 0.95])
        lo, hi = p.support
        rows.append({"parameter": p.path, "kind": p.kind, "unit": p.unit, "prior": str(p.param),
                     "prior_low": lo, "prior_high": hi, "prior_mean": pmean, "prior_sd": psd,
                     "prior_q05": float(p05), "prior_q95": float(p95),
                     "posterior_mean": mean, "posterior_sd": sd, "posterior_q05": float(q05),
                     "posterior_median": float(q50), "posterior_q95": float(q95),
                     "shrinkage": 1.0 - sd / psd if psd > 0 else math.nan,
                     "update": float(wasserstein_distance(x, px, u_weights=w) / psd) if psd > 0 else math.nan})
    rows.sort(key=lambda r: (-r["update"], r["parameter"]))
    for i, r in enumerate(rows):
        r["rank"] = i + 1
    return rows


def summarize_predictive(cal: Calibration, prior_pred: np.ndarray, post_pred: np.ndarray) -> list[dict[str, Any]]:
    """Per target: what the record says, and the prior and posterior predictive medians and 90% intervals."""
    rows = []
    for j, t in enumerate(cal.targets):
        row: dict[str, Any] = {"target": t.key, "scenario": t.scenario, "statistic": t.statistic,
                               "observed": t.observed, "band_low": t.band[0] if t.band else None,
                               "band_high": t.band[1] if t.band else None, "sd": t.sd,
                               "observed_text": t.observed_text(), "unit": t.unit, "source": t.source}
        for label, arr in (("prior", prior_pred[:, j]), ("posterior", post_pred[:, j])):
            ok = arr[np.isfinite(arr)]
            q = np.quantile(ok, [0.05, 0.5, 0.95]) if ok.size else [math.nan] * 3
            row[f"{label}_median"], row[f"{label}_q05"], row[f"{label}_q95"] = (float(v) for v in (q[1], q[0], q[2]))
            row[f"{label}_undefined"] = int(arr.size - ok.size)
            inside = np.array([t.distance_term(v) <= 4.0 for v in arr])   # within 2 sd of the record
            row[f"{label}_within_2sd"] = float(inside.mean()) if arr.size else math.nan
        rows.append(row)
    return rows
