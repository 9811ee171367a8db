"""pyabc's ``MappingSampler`` made reproducible: each task seeds NumPy from a keyed stream.

See :mod:`sim.calibration.inference`. A module of its own (importing pyabc at the top) so that
worker processes can unpickle the sampler by name.
"""

from __future__ import annotations

import functools
import random
import warnings

import numpy as np
from pyabc.sampler import MappingSampler

from sim.calibration.inference import task_seed


class KeyedSampler(MappingSampler):
    """pyabc's MappingSampler whose tasks seed NumPy from keyed streams.

    Task ``j`` of generation ``t`` samples until it has one accepted particle, after seeding
    NumPy's global generator (used by pyabc's priors and kernels, and for each particle's
    simulation seed) with :func:`~sim.calibration.inference.task_seed`. Tasks are mapped in
    order, so the sample does not depend on the map (in-process, a process pool, Dask).
    """

    def __init__(self, seed: int, map_=map):
        super().__init__(map_=map_)
        self.seed = int(seed)

    def __getstate__(self):
        return (super().__getstate__(), self.seed)

    def __setstate__(self, state):
        base, self.seed = state
        super().__setstate__(base)

    def keyed_task(self, simulate_one, key):
        t, j = key
        simulate_one = self.unpickle(simulate_one)
        s = task_seed(self.seed, t, j)
        np.random.seed(s)
        random.seed(s)
        nr, sample = 0, self._create_empty_sample()
        while True:
            with warnings.catch_warnings():
                # pyabc's kernel covariance from fewer particles than about twice the parameters is
                # near-singular; NumPy then samples through its SVD and warns on every particle
                warnings.filterwarnings("ignore", message="covariance is not symmetric positive-semidefinite")
                new = simulate_one()
            nr += 1
            sample.append(new)
            if new.accepted:
                return sample, nr

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                ana_vars=None):
        task = functools.partial(self.keyed_task, self.pickle(simulate_one))
        results = list(self.map_(task, [(t, j) for j in range(n)]))
        self.nr_evaluations_ = sum(nr for _, nr in results)
        sample = self._create_empty_sample()
        for s, _ in results:
            sample += s
        return sample
