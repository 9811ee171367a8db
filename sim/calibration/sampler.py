"""pyabc's ``MappingSampler`` made reproducible (keyed seeds) and fast (particles simulated in batches).

See :mod:`sim.calibration.inference`. A module of its own (importing pyabc at the top) so that
worker processes can unpickle the sampler by name.

**Tasks.** As in pyabc's ``MappingSampler``, task ``j`` of generation ``t`` proposes particles until
one is accepted; it first seeds NumPy's global generator (used by pyabc's priors and kernels, and
for each particle's simulation seed) with :func:`~sim.calibration.inference.task_seed`. What a task
returns - its proposals in order, the first accepted one last, and how many it evaluated - is
therefore fixed by the seed and the task's key alone: the same sequential computation, whatever
runs it.

**Batches.** One simulation of 48 replications costs about as much as one of 480, so the tasks
are mapped in groups (one per worker) and a group simulates its tasks' proposals together, in
rounds:

1. *record*: for every unfinished task, restore its generator, let pyabc propose ``k`` particles
   (:class:`~sim.calibration.inference.ParticleModel` notes each proposal and its seed and stops
   pyabc before the distance), and keep the generator's state;
2. simulate every recorded proposal of the round as one vectorized run per scenario
   (:func:`sim.calibration.targets.simulate_batch`: a particle's statistics do not depend on
   the batch it is in);
3. *replay*: let pyabc propose, simulate and accept or reject each recorded particle in order,
   exactly as it would sequentially, with the proposal step handing back the recorded proposal
   (:class:`Replayed`: pyabc's proposal loop runs once, in step 1) and the model returning
   the recorded statistics (checking the proposal is the same); a task stops at its first
   accepted particle, and proposals recorded after it are discarded (never counted, never seen
   by pyabc). An unfinished task resumes from its generator's state at the end of step 1.

``k = ceil(batch / unfinished tasks)``, so each round simulates at least ``batch`` particles
(``--batch``) while tasks remain. Grouping and ``k`` decide only how much is simulated and
discarded, never the result: the posterior is the same bytes for any ``--batch``, any number of
workers and any order of the tasks (``tests/calibration``).
"""

from __future__ import annotations

import functools
import math
import random
import warnings
from collections import deque
from contextlib import contextmanager

import numpy as np
import pyabc
import pyabc.transition
from pyabc.sampler import MappingSampler

from sim.calibration.inference import MODE, Recorded, task_seed

#: Particles per vectorized round when tasks remain (speed only; ``--batch``). One particle of the
#: record costs ~3.2 s of fixed overhead plus ~0.09 s per particle in a batch (docs/calibration.md),
#: so from ~40 particles on the overhead is less than half the cost.
DEFAULT_BATCH = 64


def _state():
    return np.random.get_state(), random.getstate()


def _restore(state) -> None:
    np.random.set_state(state[0])
    random.setstate(state[1])


@contextmanager
def _quiet():
    with warnings.catch_warnings():
        # pyabc's kernel covariance from fewer particles than about twice the parameters is
        # near-singular; NumPy then samples through its SVD and warns on every particle
        warnings.filterwarnings("ignore", message="covariance is not symmetric positive-semidefinite")
        yield


class StandardNormalPrior(pyabc.Distribution):
    """The probit-scale prior, N(0, 1) for every parameter (:mod:`sim.calibration.probit`).

    pyabc's ``Distribution`` of 75 ``RV("norm", 0, 1)`` evaluates 75 scipy frozen densities per
    call (~1 ms each); pyabc calls the prior's density two or three times per particle. This one
    computes the same product in one NumPy expression and draws all coordinates at once from
    NumPy's global generator (which the keyed tasks seed)."""

    def __init__(self, names: list[str]):
        super().__init__(**{n: pyabc.RV("norm", 0.0, 1.0) for n in names})
        self.names = list(names)

    def rvs(self, *args, **kwargs):
        return pyabc.Parameter(**dict(zip(self.names, np.random.standard_normal(len(self.names)).tolist())))

    def pdf(self, x) -> float:
        z = np.array([x[n] for n in self.names], dtype=np.float64)
        return float(np.exp(-0.5 * np.dot(z, z) - 0.5 * len(z) * math.log(2.0 * math.pi)))


class IndependentNormalTransition(pyabc.transition.Transition):
    """An independence proposal: a normal with the generation's weighted mean and per-parameter
    (diagonal) variance, on the probit scale.

    pyabc's default kernel (a mixture of normals around each particle with their full covariance)
    collapses the importance weights in 75 dimensions: an effective sample size of 1.5 of 100 after
    generation 1 on the record, and a population of total weight NaN in generation 2. Any proposal
    that covers the posterior is valid in ABC-SMC, the weights being prior / proposal density
    (Beaumont et al. 2009; Del Moral, Doucet & Jasra 2012); on the probit scale a normal covers
    every value. On the record (``--budget 2000``) this proposal keeps 11-18 effective particles of
    100 in generations 1-3 (docs/calibration.md). ``scaling`` multiplies the standard deviations;
    1.5 was worse (1.1-1.7): wider than the prior where the record says nothing."""

    def __init__(self, scaling: float = 1.0):
        self.scaling = float(scaling)

    def fit(self, X, w) -> None:
        x = X.to_numpy(dtype=np.float64)
        w = np.asarray(w, dtype=np.float64)
        w = w / w.sum()
        self.mean_ = w @ x
        var = w @ (x - self.mean_) ** 2
        # a parameter the population has not spread yet keeps the prior's unit spread
        self.sd_ = self.scaling * np.sqrt(np.where(var > 1e-12, var, 1.0))
        self.columns_ = list(X.columns)
        self._log_norm = -np.log(self.sd_).sum() - 0.5 * len(self.sd_) * math.log(2.0 * math.pi)

    def rvs_single(self):
        z = self.mean_ + self.sd_ * np.random.standard_normal(len(self.sd_))
        return pyabc.Parameter(dict(zip(self.columns_, z.tolist())))

    def pdf(self, x):
        if isinstance(x, (pyabc.Parameter, dict)):
            v = np.array([x[c] for c in self.columns_], dtype=np.float64)
        else:
            v = x[self.columns_].to_numpy(dtype=np.float64)
        u = (v - self.mean_) / self.sd_
        dens = np.exp(self._log_norm - 0.5 * np.sum(u * u, axis=-1))
        return float(dens) if np.ndim(dens) == 0 else dens


def blas_single_thread():
    """One BLAS thread while calibrating (pyabc's kernel algebra on 75 x 75 matrices is many times
    slower with OpenBLAS's threads on a busy machine); a no-op without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn (a pyabc dependency) brings it
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class Replayed:
    """Stands for pyabc's prior (``rvs``) or transition kernel (``rvs``) in step 3: hands back the
    recorded proposals in order; densities are the real ones (pyabc checks the prior's is > 0)."""

    def __init__(self, queue: deque, real=None):
        self.queue = queue
        self.real = real

    def rvs(self, *args, **kwargs):
        return self.queue.popleft()

    def pdf(self, x, *args, **kwargs):
        return self.real.pdf(x, *args, **kwargs)


def replaying(simulate_one, proposals: deque):
    """``simulate_one`` whose proposal step returns ``proposals`` in order (pyabc 0.13's
    ``functools.partial`` of ``_simulate_one`` or ``_simulate_one_from_prior``), or None if its
    shape is not the one known here (then step 3 re-runs the proposals from the saved generator)."""
    kw = getattr(simulate_one, "keywords", None)
    if not isinstance(simulate_one, functools.partial) or not kw or "parameter_priors" not in kw:
        return None
    priors = kw["parameter_priors"]
    if len(priors) != 1 or kw.get("models") is None or len(kw["models"]) != 1:
        return None
    new = dict(kw, parameter_priors=[Replayed(proposals, priors[0])])
    if "transitions" in kw:
        if len(kw["transitions"]) != 1:
            return None
        new["transitions"] = [Replayed(proposals)]
    return functools.partial(simulate_one.func, *simulate_one.args, **new)


class KeyedSampler(MappingSampler):
    """pyabc's MappingSampler whose tasks seed NumPy from keyed streams and simulate in batches.

    ``groups``: how many groups the tasks of a generation are mapped in (the number of workers);
    ``batch``: particles per vectorized round (see the module docstring). Neither changes the sample.
    """

    def __init__(self, seed: int, map_=map, groups: int = 1, batch: int = DEFAULT_BATCH):
        super().__init__(map_=map_)
        self.seed = int(seed)
        self.groups = max(1, int(groups))
        self.batch = max(1, int(batch))
        self.simulated_ = 0          # particles simulated, discarded look-ahead included
        self.rounds_ = 0             # vectorized rounds, summed over groups

    def __getstate__(self):
        return (super().__getstate__(), self.seed, self.groups, self.batch)

    def __setstate__(self, state):
        base, self.seed, self.groups, self.batch = state
        super().__setstate__(base)
        self.simulated_ = self.rounds_ = 0

    def keyed_group(self, simulate_one, keys):
        """Run the tasks ``keys`` (``(t, j)`` each); return ``[(sample, evaluations)]`` in that order,
        the number of particles simulated and the number of rounds."""
        with blas_single_thread():
            return self._keyed_group(simulate_one, keys)

    def _keyed_group(self, simulate_one, keys):
        simulate_one = self.unpickle(simulate_one)
        states = {}
        for key in keys:
            s = task_seed(self.seed, *key)
            np.random.seed(s)
            random.seed(s)
            states[key] = _state()
        samples = {key: self._create_empty_sample() for key in keys}
        evaluations = dict.fromkeys(keys, 0)
        pending = list(keys)
        simulated = rounds = 0
        while pending:
            k = max(1, math.ceil(self.batch / len(pending)))
            recorded, ends = {}, {}
            for key in pending:                      # 1. record k proposals of each unfinished task
                _restore(states[key])
                MODE.record = []
                try:
                    with _quiet():
                        for _ in range(k):
                            try:
                                simulate_one()
                            except Recorded:
                                continue
                            raise RuntimeError("pyabc proposed a particle without calling the model")
                    recorded[key] = MODE.record
                finally:
                    MODE.record = None
                ends[key] = _state()
            flat = [item for key in pending for item in recorded[key]]
            stats = flat[0][0].batch([(theta, seed) for _, _, theta, seed in flat])    # 2. one run
            simulated += len(flat)
            rounds += 1
            at, left = 0, []
            for key in pending:                      # 3. replay: pyabc decides, as sequentially
                items = recorded[key]
                MODE.replay = deque((theta, stats[at + i]) for i, (_, _, theta, _) in enumerate(items))
                at += len(items)
                proposals = deque(pars for _, pars, _, _ in items)
                replay = replaying(simulate_one, proposals)
                if replay is None:
                    replay = simulate_one
                    _restore(states[key])
                done = False
                try:
                    with _quiet():
                        for _ in items:
                            new = replay()
                            evaluations[key] += 1
                            samples[key].append(new)
                            if new.accepted:
                                done = True
                                break
                finally:
                    MODE.replay = None
                if not done:
                    states[key] = ends[key]
                    left.append(key)
            pending = left
        return [(samples[key], evaluations[key]) for key in keys], simulated, rounds

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                ana_vars=None):
        keys = [(t, j) for j in range(n)]
        g = min(self.groups, n)
        bounds = [round(i * n / g) for i in range(g + 1)]
        task = functools.partial(self.keyed_group, self.pickle(simulate_one))
        results = list(self.map_(task, [keys[bounds[i]:bounds[i + 1]] for i in range(g)]))
        sample = self._create_empty_sample()
        self.nr_evaluations_ = 0
        for tasks, simulated, rounds in results:
            self.simulated_ += simulated
            self.rounds_ += rounds
            for s, nr in tasks:
                self.nr_evaluations_ += nr
                sample += s
        return sample
