"""The results folder of a sweep, written as it runs and safe to resume.

::

    results/<sweep>/
      manifest.json        spec hash, root seed, versions, executor, timings, status
      sweep.json           the normalized sweep spec
      scenario.yaml        the resolved base scenario
      design.parquet       point, unit coordinate of each parameter (for the analysis)
      parts/chunk-000007.parquet   one part per finished chunk (points x statistics)
      points.parquet       all points in point order (written when every chunk has a part)

Every file is written to a temporary name and renamed (``os.replace``), so a crash or a
SIGKILL leaves either a complete part or none: ``--resume`` then runs exactly the chunks
without a part, plus those whose part records failed points. ``points.parquet`` is
streamed part by part (one row group per chunk), so memory does not grow with the number
of points. Read the folder with ``pandas.read_parquet('results/<sweep>/points.parquet')``,
or while it runs with ``pandas.read_parquet('results/<sweep>/parts')`` or DuckDB
``SELECT * FROM 'results/<sweep>/parts/*.parquet'``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from sim.scenario.errors import RunExistsError
from sim.output.results import atomic_write, json_bytes
from sim.sweeps import statistics
from sim.sweeps.spec import SweepSpec

PART_PREFIX = "chunk-"
META_COLUMNS = ("point", "status", "error", "seed")  # no chunk: the table never depends on chunking


def _pa():
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pa, pq


def schema(spec: SweepSpec):
    """Arrow schema of the points table: meta columns, parameters, statistics."""
    pa, _ = _pa()
    types = {"float64": pa.float64(), "int64": pa.int64(), "bool": pa.bool_(), "string": pa.string()}
    fields = [pa.field("point", pa.int64(), False), pa.field("status", pa.string(), False), pa.field("error", pa.string()),
              pa.field("seed", pa.int64(), False)]
    fields += [pa.field(p.path, types[p.column_type()]) for p in spec.parameters]
    fields += [pa.field(c, pa.float64()) for c in statistics.output_columns(list(spec.outcomes))]
    return pa.schema(fields)


def level_text(v: Any) -> str:
    """A level as text in a string column (YAML spelling for booleans and null)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def part_table(spec: SweepSpec, chunk: int, rows: list[dict[str, Any]], values: dict[int, dict[str, Any]],
               seeds: dict[int, int]):
    """One chunk's rows (sorted by point) as an Arrow table."""
    pa, _ = _pa()
    sch = schema(spec)
    rows = sorted(rows, key=lambda r: r["point"])
    cols: dict[str, list] = {f.name: [] for f in sch}
    for r in rows:
        i = r["point"]
        cols["point"].append(i)
        cols["status"].append(r["status"])
        cols["error"].append(r.get("error"))
        cols["seed"].append(int(seeds[i]))
        for p in spec.parameters:
            v = values[i][p.path]
            cols[p.path].append(level_text(v) if p.column_type() == "string" else v)
        for c in statistics.output_columns(list(spec.outcomes)):
            v = r.get(c)
            cols[c].append(None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v))
    return pa.table(cols, schema=sch)


def parquet_bytes(table) -> bytes:
    _, pq = _pa()
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


class SweepStore:
    """Reads and writes one sweep's results folder."""

    #: the manifest's ``kind``: only a folder of this kind is ever deleted by :meth:`remove`
    kind = "sweep"

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.parts = self.folder / "parts"

    # -- folder lifecycle ---------------------------------------------------------------
    def exists(self) -> bool:
        return self.folder.exists()

    def manifest(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def remove(self) -> None:
        """Delete an old sweep folder (``--force``); refuse anything that is not one."""
        if self.folder.is_symlink():
            raise RunExistsError(f"{self.folder} is a symbolic link; refusing to delete through it")
        m = self.manifest()
        if any(self.folder.iterdir()) and (m is None or m.get("kind") != self.kind):
            raise RunExistsError(f"{self.folder} exists and is not a {self.kind} results folder; refusing to replace it "
                                 f"(choose another --out)")
        trash = Path(tempfile.mkdtemp(prefix=f".{self.folder.name}.old-{os.getpid()}-", dir=self.folder.parent))
        os.replace(self.folder, trash / "old")
        shutil.rmtree(trash, ignore_errors=True)

    def create(self, spec: SweepSpec, design: np.ndarray) -> None:
        """Write the fixed inputs of a new sweep."""
        pa, _ = _pa()
        self.parts.mkdir(parents=True, exist_ok=True)
        atomic_write(self.folder / "sweep.json", json_bytes(spec.to_dict()))
        atomic_write(self.folder / "scenario.yaml", spec.base.to_yaml().encode("utf-8"))
        cols = {"point": pa.array(np.arange(len(design), dtype=np.int64))}
        for j, name in enumerate(spec.names):
            cols[name] = pa.array(design[:, j])
        atomic_write(self.folder / "design.parquet", parquet_bytes(pa.table(cols)))

    def write_manifest(self, data: dict[str, Any]) -> None:
        atomic_write(self.folder / "manifest.json", json_bytes(data))

    def clean_temporary(self) -> None:
        """Remove temp files left by a killed run (they never have a part's name)."""
        for d in (self.folder, self.parts):
            if d.is_dir():
                for f in d.glob(".*.tmp"):
                    f.unlink(missing_ok=True)

    # -- parts ----------------------------------------------------------------------------
    def part_path(self, chunk: int) -> Path:
        return self.parts / f"{PART_PREFIX}{chunk:06d}.parquet"

    def write_part(self, chunk: int, table) -> None:
        atomic_write(self.part_path(chunk), parquet_bytes(table))

    def chunk_status(self) -> dict[int, tuple[int, int]]:
        """``chunk -> (points ok, points failed)`` for every readable part."""
        _, pq = _pa()
        out = {}
        for f in sorted(self.parts.glob(f"{PART_PREFIX}*.parquet")):
            try:
                chunk = int(f.stem[len(PART_PREFIX):])
                status = pq.read_table(f, columns=["status"]).column("status").to_pylist()
            except Exception:  # noqa: BLE001 - unreadable part: run the chunk again
                continue
            ok = sum(s == "ok" for s in status)
            out[chunk] = (ok, len(status) - ok)
        return out

    def assemble(self, spec: SweepSpec, chunks: Iterable[int]) -> Path:
        """Stream the parts, in chunk (= point) order, into ``points.parquet``."""
        _, pq = _pa()
        target = self.folder / "points.parquet"
        fd, tmp = tempfile.mkstemp(prefix=".points.parquet.", suffix=".tmp", dir=self.folder)
        os.close(fd)
        try:
            with pq.ParquetWriter(tmp, schema(spec), compression="zstd") as writer:
                for c in chunks:
                    writer.write_table(pq.read_table(self.part_path(c)))
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target
