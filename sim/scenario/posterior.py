"""``priors: <posterior.parquet>``: a scenario that draws its parameters from a calibrated posterior.

A calibration (``ceasefire-sim calibrate``) writes ``posterior.parquet``: weighted particles,
one column per inferred parameter path (``attrition.stalemate_threshold``,
``actors.russia.weights.casualties``, ...) plus ``weight`` (and ``particle``). A scenario with

    priors: results/record_2024_2025-calibration/posterior.parquet

draws, for each replication, one particle with probability equal to its weight (a keyed
uniform of :mod:`sim.engine.rng`, stream ``priors:row``, so replication ``i`` draws the same
particle whatever R, chunking, workers or executor) and takes *all* the particle's values:
the parameters are drawn jointly, keeping the posterior's correlations. A parameter the
scenario sets itself (a value different from its default) keeps the scenario's value, so
sweeps and history experiments still vary what they vary. A relative path is read from the
current folder, else next to the scenario file. The resolved scenario records the file and its
SHA-256; a changed file is then an error, not a silent difference.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.scenario import catalog
from sim.scenario.errors import InputError
from sim.scenario.offers import ACTORS

RESERVED = ("particle", "weight")
PROFILE_PARTS = ("weights", "term_values", "beliefs")


@dataclass(frozen=True)
class Posterior:
    """Weighted particles to draw parameters from (the file's rows)."""

    file: str
    sha256: str
    paths: tuple[str, ...]
    values: np.ndarray = field(compare=False, repr=False)        # (particles, paths)
    cumulative: np.ndarray = field(compare=False, repr=False)    # cumulative weights, last = 1
    #: ``(replication ids, rows)``: each of these replications takes the given row instead of a
    #: weighted draw (a calibration batch, :func:`assigned`); None for a posterior file
    assignment: tuple[np.ndarray, np.ndarray] | None = field(default=None, compare=False, repr=False)

    @property
    def particles(self) -> int:
        return int(self.values.shape[0])

    def rows(self, uniforms: np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
        """The particle of each replication from its keyed uniform (weights as probabilities), or,
        for an :func:`assigned` table, the row given to each replication id in ``ids``."""
        if self.assignment is None:
            return np.minimum(np.searchsorted(self.cumulative, uniforms, side="right"), self.particles - 1)
        known, rows = self.assignment
        ids = np.asarray(ids, dtype=np.uint64)
        at = np.minimum(np.searchsorted(known, ids), known.size - 1)
        if not np.array_equal(known[at], ids):
            raise ValueError("a replication has no row in this per-replication parameter table")
        return rows[at]

    def column(self, path: str) -> int:
        return self.paths.index(path)

    def to_yaml(self) -> dict[str, str]:
        return {"file": self.file, "sha256": self.sha256}


def assigned(paths: tuple[str, ...], values: np.ndarray, ids: np.ndarray, label: str) -> Posterior:
    """A table of parameter values fixed per replication: replication ``ids[i]`` takes row ``i`` of
    ``values`` (rows x paths). :mod:`sim.calibration.targets` runs a batch of particles as one
    simulation this way (each particle's block of replications carries its values); the engine
    reads it exactly as it reads a posterior file, so the scenario's own settings still win."""
    ids = np.asarray(ids, dtype=np.uint64)
    order = np.argsort(ids, kind="stable")
    known = ids[order]
    if known.size != np.unique(known).size:
        raise ValueError("replication ids must be distinct")
    values = np.asarray(values, dtype=np.float64).reshape(ids.size, len(paths))
    cum = np.arange(1, ids.size + 1, dtype=np.float64) / ids.size
    for a in (values, known, order, cum):
        a.setflags(write=False)
    return Posterior(label, "", tuple(paths), values, cum, (known, order))


def bounds_of(path: str) -> tuple[float, float] | None:
    """The accepted values of a parameter path, or None if the model has no such parameter."""
    table = catalog.parameter_table()
    if path in table:
        return table[path].bounds
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "actors" and parts[1] in ACTORS and parts[2] == "resolve_sd":
        return (0.0, math.inf)
    if len(parts) == 4 and parts[0] == "actors" and parts[1] in ACTORS and parts[2] in PROFILE_PARTS:
        if parts[3] in (catalog.profile(parts[1]).get(parts[2]) or {}):
            return (-math.inf, math.inf)
    return None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(2**20), b""):
            h.update(block)
    return h.hexdigest()


def resolve(given: str, scenario_file: str | None) -> Path | None:
    """The posterior file a scenario names: as given (absolute, or from the current folder), else
    next to the scenario file."""
    p = Path(given).expanduser()
    if p.is_absolute() or p.is_file():
        return p.resolve() if p.is_file() else None
    if scenario_file and not scenario_file.startswith("<"):
        q = Path(scenario_file).parent / p
        if q.is_file():
            return q.resolve()
    return None


def load_posterior(given: str, scenario_file: str | None, *, where: str, line: int | None, key: str = "priors",
                   sha256: str | None = None) -> Posterior:
    """Read and check a posterior file; every problem is an :class:`InputError` at ``where:line``."""
    def fail(message: str) -> InputError:
        return InputError.single(where, line, key, message)

    path = resolve(given, scenario_file)
    if path is None:
        raise fail(f"no posterior file {given!r} (a relative path is read from the current folder, else next "
                   f"to the scenario file); `ceasefire-sim calibrate` writes results/<name>-calibration/"
                   f"posterior.parquet")
    digest = _sha256(path)
    if sha256 is not None and sha256 != digest:
        raise fail(f"{path} has changed since this scenario was resolved (sha256 {digest[:12]}..., expected "
                   f"{sha256[:12]}...): calibrate again or drop the sha256")
    st = path.stat()
    return _read(str(path), digest, st.st_size, st.st_mtime_ns, where, line, key)


@lru_cache(maxsize=16)
def _read(path: str, digest: str, size: int, mtime: int, where: str, line: int | None, key: str) -> Posterior:
    def fail(message: str) -> InputError:
        return InputError.single(where, line, key, f"{path}: {message}")

    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise fail("reading a posterior needs pyarrow: install the [tables] extra") from None
    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is bad input
        raise fail(f"not a Parquet file a calibration wrote ({type(exc).__name__}: {exc})") from None
    names = list(table.column_names)
    if "weight" not in names:
        raise fail("no 'weight' column: expected the posterior.parquet of `ceasefire-sim calibrate`")
    paths = [n for n in names if n not in RESERVED]
    if not paths:
        raise fail("no parameter columns")
    if table.num_rows == 0:
        raise fail("no particles")
    unknown = [p for p in paths if bounds_of(p) is None]
    if unknown:
        raise fail(f"unknown parameter column(s) {', '.join(unknown[:5])} (columns are parameter paths such as "
                   f"attrition.stalemate_threshold or actors.russia.weights.casualties)")
    try:
        w = np.asarray(table.column("weight").to_numpy(), dtype=np.float64)
        values = np.column_stack([np.asarray(table.column(p).to_numpy(), dtype=np.float64) for p in paths])
    except (TypeError, ValueError) as exc:
        raise fail(f"every column must be numeric ({exc})") from None
    if not np.all(np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
        raise fail("weights must be finite, >= 0 and not all 0")
    if not np.all(np.isfinite(values)):
        raise fail("a parameter value is missing or not finite")
    for j, p in enumerate(paths):
        lo, hi = bounds_of(p)
        if values[:, j].min() < lo or values[:, j].max() > hi:
            raise fail(f"{p}: values {values[:, j].min():g}..{values[:, j].max():g} go outside the allowed "
                       f"{lo:g}..{hi:g}")
    cum = np.cumsum(w)
    cum = cum / cum[-1]
    values.setflags(write=False)
    cum.setflags(write=False)
    return Posterior(path, digest, tuple(paths), values, cum)
