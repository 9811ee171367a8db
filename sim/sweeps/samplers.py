"""Samplers: one call shape, ``design(spec) -> (points, D)`` array of unit coordinates.

Every sampler works on the unit hypercube [0, 1]^D; :meth:`SweepParameter.value` maps a
coordinate to a range value or a level. The SALib designs (Herman & Usher 2017, SALib):

* ``lhs``    Latin hypercube (McKay, Beckman & Conover 1979): ``points`` rows;
* ``sobol``  Saltelli's extension of the Sobol' sequence (Saltelli 2002; Saltelli et al.
             2010): N base samples give N(D+2) rows, N(2D+2) with second-order indices;
             scrambled, and balanced only when N is a power of two;
* ``morris`` Morris (1991) elementary-effect trajectories on a p-level grid: r
             trajectories give r(D+1) rows;
* ``grid``   the full factorial of each parameter's steps or levels.

A design is a pure function of the spec: its random stream comes from
``SeedSequence([root seed, crc32("sampler:<name>")])``, never from the global state.
"""

from __future__ import annotations

import itertools
import warnings
import zlib
from typing import Any

import numpy as np

from sim.sweeps.spec import SweepSpec, design_rows

#: Rule of thumb for Sobol' base samples: Saltelli et al. (2008, Global Sensitivity
#: Analysis: The Primer, ch. 4) use N of 500 to 1000 and more; below it the bootstrap
#: intervals of the indices are wide. An assumption used here for a warning only.
SOBOL_MIN_N = 512


def problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem on the unit hypercube."""
    return {"num_vars": len(spec.parameters), "names": spec.names, "bounds": [[0.0, 1.0]] * len(spec.parameters)}


def sampler_seed(spec: SweepSpec) -> int:
    ss = np.random.SeedSequence([spec.seed & 0xFFFFFFFFFFFFFFFF, zlib.crc32(f"sampler:{spec.sampler}".encode())])
    return int(ss.generate_state(1, np.uint32)[0])


def n_points(spec: SweepSpec) -> int:
    """Number of rows the sampler will produce (the run budget is this x replications)."""
    return design_rows(spec.sampler, spec.points, spec.parameters, spec.second_order)


def grid(spec: SweepSpec) -> np.ndarray:
    axes = [p.grid_units(spec.points) for p in spec.parameters]
    return np.array(list(itertools.product(*axes)), dtype=np.float64).reshape(-1, len(axes))


def lhs(spec: SweepSpec) -> np.ndarray:
    from SALib.sample import latin

    return latin.sample(problem(spec), spec.points, seed=sampler_seed(spec))


def sobol(spec: SweepSpec) -> np.ndarray:
    from SALib.sample import sobol as sobol_sample

    with warnings.catch_warnings():  # the power-of-two advice is printed by sobol_warnings()
        warnings.simplefilter("ignore")
        return sobol_sample.sample(problem(spec), spec.points, calc_second_order=spec.second_order,
                                   scramble=True, seed=sampler_seed(spec))


def morris(spec: SweepSpec) -> np.ndarray:
    from SALib.sample import morris as morris_sample

    return morris_sample.sample(problem(spec), spec.points, num_levels=spec.morris_levels, seed=sampler_seed(spec))


SAMPLERS = {"grid": grid, "lhs": lhs, "sobol": sobol, "morris": morris}


def design(spec: SweepSpec) -> np.ndarray:
    """The (points, D) unit-coordinate design of ``spec``; row i is point i."""
    u = np.asarray(SAMPLERS[spec.sampler](spec), dtype=np.float64)
    assert u.shape == (n_points(spec), len(spec.parameters)), (u.shape, n_points(spec))
    return np.clip(u, 0.0, 1.0)


def point_values(spec: SweepSpec, row: np.ndarray) -> dict[str, Any]:
    """``{dotted path: value}`` of one design row."""
    return {p.path: p.value(float(u)) for p, u in zip(spec.parameters, row)}


def sobol_warnings(spec: SweepSpec) -> list[str]:
    """Advice printed before a Sobol' sweep runs."""
    if spec.sampler != "sobol":
        return []
    n = spec.points
    out = []
    if n & (n - 1):
        lo = 1 << (n.bit_length() - 1)
        out.append(f"Sobol' N={n} is not a power of two: the Sobol' sequence loses its balance properties "
                   f"and the indices converge more slowly; use N={lo} or N={lo * 2}")
    if n < SOBOL_MIN_N:
        out.append(f"Sobol' N={n} is below the usual rule of thumb (N >= {SOBOL_MIN_N} base samples, "
                   f"Saltelli et al. 2008): expect wide confidence intervals on the indices")
    return out
