"""Memory estimates for a run, automatic chunking, and refusals that say how to make it fit.

A run holds in memory, at its peak (measured with ``tracemalloc`` on ``scenarios/*.yaml``,
see ``tests/test_resources.py``):

* **one chunk of the model**: every state variable is an array of shape (chunk,), about
  7,000 bytes per replication at the peak of a week, most of it the actors' forecasts
  (:data:`MODEL_BYTES`, with margin);
* **the output writers**: one chunk's CSV text and its byte matrices (:data:`WRITER_BYTES` per replication) and
  the rows of one pending Parquet row group (every column, held until the group is full;
  :data:`sim.output.results.PARQUET_ROW_GROUP` rows plus a chunk, twice for Arrow's copy);
* **the outcome columns kept for the summary** (quantiles and Kaplan-Meier need every
  replication): all columns (8 bytes per cell) up to :data:`KEEP_ALL_MAX` replications,
  beyond that only the :data:`SUMMARY_COLUMNS` (about 20 columns); the full table is
  streamed to ``outcomes.csv``/``.parquet`` chunk by chunk and never held whole;
* **the decision parts** of every actor at each offer's first week (``summary.json``
  ``margins``, :func:`margin_cells` per replication, 8 bytes each), for the first
  :data:`MARGIN_SAMPLE` replications (:func:`margin_rows`; larger runs summarize the margins
  over those, whatever the chunking);
* **the weekly territory trajectories** for the fan chart: (horizon + 1) x R float32, twice
  (the chart's quantiles take a copy). ``--no-trajectories`` drops them.

The default limit is half of the physical memory (``os.sysconf``); ``--max-memory`` sets it.
A run that does not fit even with the smallest chunk is refused before it starts (exit
code 2) with the options that would make it fit.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field

from sim.engine.simulate import DEFAULT_CHUNK
from sim.scenario.errors import InputError
from sim.scenario.offers import ACTORS

#: Smallest chunk automatic chunking goes down to.
MIN_CHUNK = 500
#: Peak bytes per replication of one model chunk (measured ~6,900 B on freeze with the
#: forecasts of issue 12, ~1,670 B before; margin for scenarios with many offers).
MODEL_BYTES = 9_000
#: Bytes per replication of a chunk while it is written: the columnar CSV formatter's byte
#: matrices (measured ~4,300-4,500 B for the 76-80 columns of scenarios/*.yaml with the numpy
#: engine of :mod:`sim.output.csvtext`; its Arrow engine's string arrays take less), the CSV
#: text and the Arrow arrays; with margin.
WRITER_BYTES = 6_000
#: Bytes per kept outcome cell (float64/int64 values, object pointers for text columns).
CELL_BYTES = 8
#: Bytes per trajectory cell (float32) times two (the fan chart's quantile copy).
TRAJECTORY_BYTES = 2 * 4
#: Runs up to this many replications keep every outcome column in ``RunResult.outcomes``;
#: larger runs keep only :data:`SUMMARY_COLUMNS` (the files always have every column).
KEEP_ALL_MAX = 100_000
#: Replications (the first, by id) over which ``summary.json`` ``margins`` are computed: their
#: quantiles need every value, and 30-odd parts per replication would double the memory of a
#: million-replication run; 100,000 replications give the quantiles to about 0.3%.
MARGIN_SAMPLE = 100_000
#: Overhead of the libraries when it cannot be measured (not Linux): Python, numpy, scipy,
#: mesa, matplotlib, pyarrow imported.
BASE_BYTES = 250 * 2**20


def measured_base_bytes() -> int:
    """Memory this process holds now (resident set, Linux ``/proc/self/statm``): what is
    already imported, measured rather than assumed; :data:`BASE_BYTES` where unavailable."""
    try:
        resident_pages = int(open("/proc/self/statm").read().split()[1])
        return resident_pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return BASE_BYTES
#: Default share of physical memory a run may use.
DEFAULT_SHARE = 0.5

#: Columns :func:`sim.output.summary.summarize` and the figures read.
SUMMARY_COLUMNS = (
    "replication", "outcome", "ceasefire_start_week", "ceasefire_duration_weeks", "ceasefire_censored",
    "territory_end_pct", "territory_change_pp", "casualties_russia_k", "casualties_ukraine_k",
    "aid_us_bn", "aid_europe_bn",
    *(f"offered_{a}" for a in ACTORS), *(f"accepted_{a}" for a in ACTORS),
    *(f"utility_{a}" for a in ACTORS), *(f"vetoed_by_{a}" for a in ACTORS),
    "believed_survival_52_russia", "believed_survival_52_ukraine",
)
#: Columns only a scenario with a unilateral truce has (the summary reads them when present).
UNILATERAL_COLUMNS = ("unilateral_declared", "reciprocated_week")
#: Outcome columns that do not depend on the scenario (random parameters add one each).
FIXED_COLUMNS = 17 + 5 * len(ACTORS) + 2


def is_summary_column(name: str) -> bool:
    """Is ``name`` read by the summary? (:data:`SUMMARY_COLUMNS`, the unilateral columns, a per-offer
    veto column or a per-offer decision column ``offer_<i>_...``)"""
    return name in SUMMARY_COLUMNS or name in UNILATERAL_COLUMNS or name.startswith(("offered_offer_", "vetoed_by_", "offer_"))

_UNITS = {"": 1, "b": 1, "k": 2**10, "kb": 2**10, "kib": 2**10, "m": 2**20, "mb": 2**20, "mib": 2**20,
          "g": 2**30, "gb": 2**30, "gib": 2**30, "t": 2**40, "tb": 2**40, "tib": 2**40}


def physical_memory() -> int | None:
    """Physical memory in bytes (``os.sysconf``), or None where unknown."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES")
        size = os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return None
    return pages * size if pages > 0 and size > 0 else None


def default_max_memory() -> int:
    """Half of the physical memory (4 GiB where it cannot be read)."""
    phys = physical_memory()
    return int(phys * DEFAULT_SHARE) if phys else 4 * 2**30


def parse_size(text: str) -> int:
    """``'2G'``, ``'500MB'``, ``'1.5GiB'``, ``'123456'`` -> bytes; ValueError if unreadable."""
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]*)\s*", str(text))
    if not m or m.group(2).lower() not in _UNITS:
        raise ValueError(f"expected a size such as 2G, 500M or 1500000000, got {text!r}")
    value = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if not math.isfinite(value) or value < 1:
        raise ValueError(f"expected a positive size, got {text!r}")
    return int(value)


def human(n: float) -> str:
    """Bytes as ``'1.2 GB'`` (powers of 1024)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"  # pragma: no cover


def per_offer_columns(scenario) -> int:
    """Columns per offer: ``offer_<i>_first_accept_<a>`` and ``offer_<i>_agreed`` (every offer), and with
    several offers ``offered_offer_<i>``, ``vetoed_by_<a>_offer_<i>``."""
    k = len(scenario.offers)
    return k * (1 + len(ACTORS)) + (k * (1 + len(ACTORS)) if k > 1 else 0)


def margin_cells(scenario) -> int:
    """Per replication, the decision parts kept for ``summary.json`` ``margins``
    (:func:`sim.engine.decomposition.decision_parts`: per offer and actor, the utility parts,
    each matching term value, resolve, shock and the expected breakdown)."""
    from sim.engine.actors.base import term_matches
    from sim.engine.forecast import PARTS

    return sum(len(PARTS) + 3 + sum(1 for key in scenario.actors[a].term_values if term_matches(key, offer))
               for offer in scenario.offers for a in ACTORS)


def margin_rows(replications: int) -> int:
    """Replications whose decision parts a run keeps: the first :data:`MARGIN_SAMPLE`."""
    return min(int(replications), MARGIN_SAMPLE)


def column_count(scenario) -> int:
    """Number of outcome columns of a scenario (fixed ones plus one per drawn parameter, actors' included)."""
    from sim.engine.model import posterior_paths

    drawn = set(posterior_paths(scenario))
    unilateral = 2 if any(o.unilateral for o in scenario.offers) else 0    # unilateral_declared, reciprocated_week
    params = {**scenario.params, **scenario.actor_params()}       # sim.engine.outcomes.parameter_columns
    return FIXED_COLUMNS + per_offer_columns(scenario) + unilateral + sum(
        1 for path, p in params.items() if p.is_random or path in drawn)


@dataclass(frozen=True)
class Estimate:
    """Peak memory of a run, by part (bytes)."""

    replications: int
    horizon_weeks: int
    chunk_size: int
    trajectories: bool
    keep_all_columns: bool
    columns: int
    model_bytes: int
    writer_bytes: int
    columns_bytes: int
    trajectory_bytes: int
    base_bytes: int = field(default_factory=lambda: measured_base_bytes())

    @property
    def total(self) -> int:
        return self.base_bytes + self.model_bytes + self.writer_bytes + self.columns_bytes + self.trajectory_bytes

    def describe(self) -> str:
        parts = [f"one chunk of {self.chunk_size:,} replications {human(self.model_bytes + self.writer_bytes)}",
                 f"outcome columns {human(self.columns_bytes)}"]
        if self.trajectories:
            parts.append(f"weekly trajectories {human(self.trajectory_bytes)}")
        parts.append(f"libraries {human(self.base_bytes)}")
        return f"about {human(self.total)} ({', '.join(parts)})"


def estimate(scenario, replications: int | None = None, horizon_weeks: int | None = None,
             chunk_size: int = DEFAULT_CHUNK, trajectories: bool = True) -> Estimate:
    """Estimate the peak memory of running ``scenario`` (overrides as in :func:`sim.engine.simulate.simulate`)."""
    r = int(replications if replications is not None else scenario.replications)
    h = int(horizon_weeks if horizon_weeks is not None else scenario.horizon_weeks)
    chunk = max(1, min(int(chunk_size), r))
    from sim.output import results

    keep_all = r <= KEEP_ALL_MAX
    all_cols = column_count(scenario)
    ncols = all_cols if keep_all else len(SUMMARY_COLUMNS) + per_offer_columns(scenario)
    parquet_rows = min(r, results.PARQUET_ROW_GROUP + chunk)
    return Estimate(
        replications=r, horizon_weeks=h, chunk_size=chunk, trajectories=trajectories,
        keep_all_columns=keep_all, columns=ncols,
        model_bytes=chunk * (MODEL_BYTES + (4 * (h + 1) if trajectories else 0)),
        writer_bytes=chunk * WRITER_BYTES + 2 * parquet_rows * all_cols * CELL_BYTES,
        columns_bytes=(r * ncols + margin_rows(r) * margin_cells(scenario)) * CELL_BYTES,
        trajectory_bytes=r * (h + 1) * TRAJECTORY_BYTES if trajectories else 0,
    )


def plan(scenario, *, max_memory: int | None = None, chunk_size: int | None = None,
         trajectories: bool = True, replications: int | None = None,
         horizon_weeks: int | None = None) -> Estimate:
    """Pick the chunk size for a run within ``max_memory``; refuse (InputError) if none fits.

    Chunks start at ``chunk_size`` (default :data:`DEFAULT_CHUNK`) and halve down to
    :data:`MIN_CHUNK` until the estimate fits. Results never depend on the chunk size.
    """
    limit = int(max_memory) if max_memory is not None else default_max_memory()
    chunk = int(chunk_size) if chunk_size else DEFAULT_CHUNK
    est = estimate(scenario, replications, horizon_weeks, chunk, trajectories)
    while est.total > limit and est.chunk_size > MIN_CHUNK:
        est = estimate(scenario, replications, horizon_weeks, max(MIN_CHUNK, est.chunk_size // 2), trajectories)
    if est.total <= limit:
        return est
    raise InputError.single("<command line>", None, "--max-memory", _advice(scenario, est, limit))


def _largest_fitting(scenario, est: Estimate, limit: int, trajectories: bool) -> int:
    lo, hi = 0, est.replications
    while lo < hi:  # largest R whose estimate fits (the estimate grows with R)
        mid = (lo + hi + 1) // 2
        if estimate(scenario, mid, est.horizon_weeks, est.chunk_size, trajectories).total <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _advice(scenario, est: Estimate, limit: int) -> str:
    lines = [f"this run of {est.replications:,} replications x {est.horizon_weeks} weeks needs "
             f"{est.describe()}, more than the {human(limit)} allowed by --max-memory "
             f"(default: half of the physical memory). To make it fit:"]
    if est.trajectories:
        without = estimate(scenario, est.replications, est.horizon_weeks, est.chunk_size, False)
        fits = "fits" if without.total <= limit else "still needs " + human(without.total)
        lines.append(f"  - --no-trajectories: do not record the weekly territory paths (saves "
                     f"{human(est.trajectory_bytes)}; the fan chart is skipped); then the run {fits}")
    n = _largest_fitting(scenario, est, limit, est.trajectories)
    if n >= 1:
        lines.append(f"  - --replications {n:,} or fewer")
    if est.trajectories:
        n2 = _largest_fitting(scenario, est, limit, False)
        if n2 > n:
            lines.append(f"  - or --replications {n2:,} or fewer with --no-trajectories")
    lines.append(f"  - or split the replications over several runs (the Python API's "
                 f"simulate(first_replication=...) keeps replication ids, hence results, the same)")
    lines.append(f"  - or raise --max-memory. Chunks of {est.chunk_size:,} replications are already automatic; "
                 f"what grows with --replications is the outcome columns the summary needs")
    return "\n".join(lines)
