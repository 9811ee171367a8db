"""Results folders, written atomically: a complete folder or none.

Every file of a run is written into a hidden temporary folder next to the target, which is
renamed into place at the end (``os.replace`` of a directory is atomic on POSIX). A crash
or Ctrl-C leaves at most a ``.tmp-*`` folder, never a half-written ``results/<name>/``. An
existing folder is replaced only with ``force=True``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from . import __version__
from .errors import RunExistsError
from .outcomes import Outcomes


def format_value(v: Any) -> str:
    """Deterministic text for a CSV cell."""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return format(float(v), ".10g")
    return str(v)


def outcomes_csv(out: Outcomes) -> bytes:
    """The outcomes table as CSV bytes (one row per replication)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    names = list(out.columns)
    writer.writerow(names)
    cols = [out.columns[k] for k in names]
    for row in zip(*cols):
        writer.writerow([format_value(v) for v in row])
    return buf.getvalue().encode("utf-8")


def write_parquet(out: Outcomes, path: Path) -> bool:
    """Write ``outcomes.parquet`` if pyarrow is installed; return whether it was written."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return False
    arrays = {}
    for k, v in out.columns.items():
        arrays[k] = pa.array(v.tolist()) if v.dtype == object else pa.array(v)
    pq.write_table(pa.table(arrays), path, compression="zstd")
    return True


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=False, allow_nan=False) + "\n").encode("utf-8")


def atomic_write(path: Path, data: bytes) -> None:
    """Write a single file atomically (temp file in the same folder + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def check_target(target: Path, force: bool) -> None:
    """Refuse an existing results folder unless ``force``."""
    if target.is_symlink():
        raise RunExistsError(f"{target} is a symbolic link; refusing to write through it")
    if target.exists() and not force:
        raise RunExistsError(f"{target} already exists; pass --force to replace it, or --out DIR for another folder")


@contextmanager
def staged_folder(target: Path, force: bool) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``target`` in one rename."""
    check_target(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield tmp
        for f in tmp.rglob("*"):
            if f.is_file():
                with open(f, "rb") as fh:
                    os.fsync(fh.fileno())
        if target.exists():
            check_target(target, force)
            trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, trash / "old")
            os.replace(tmp, target)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def manifest(scenario, out: Outcomes, timings: dict[str, float], extra: dict | None = None) -> dict:
    """What is needed to re-run: version, seed, scenario hash, platform, timings."""
    import mesa

    data = {
        "package": "ceasefire-sim",
        "version": __version__,
        "scenario": scenario.name,
        "scenario_file": scenario.source_file,
        "scenario_sha256": scenario.hash(),
        "seed": out.seed,
        "replications": out.n,
        "horizon_weeks": out.horizon_weeks,
        "created_unix": round(time.time(), 3),
        "timings_s": {k: round(v, 4) for k, v in timings.items()},
        "platform": {
            "python": sys.version.split()[0],
            "implementation": platform.python_implementation(),
            "machine": platform.machine(),
            "system": platform.system(),
            "numpy": np.__version__,
            "mesa": mesa.__version__,
        },
        "command": " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv)),
    }
    if extra:
        data.update(extra)
    return data
