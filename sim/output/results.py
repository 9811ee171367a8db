"""Results folders, written atomically: a complete folder or none.

Every file of a run is written into a hidden temporary folder next to the target, which is
renamed into place at the end (``os.replace`` of a directory is atomic on POSIX). A crash
or Ctrl-C leaves at most a ``.tmp-*`` folder, never a half-written ``results/<name>/``. An
existing folder is replaced only with ``force=True``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import platform
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from sim import __version__
from sim.scenario.errors import RunExistsError
from sim.engine.outcomes import Outcomes
from sim.output.csvtext import table_bytes


def format_value(v: Any) -> str:
    """Deterministic text for a CSV cell."""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return format(float(v), ".10g")
    return str(v)


def outcomes_csv(out: Outcomes, header: bool = True, draws: bool = False) -> bytes:
    """The outcomes table as CSV bytes (one row per replication).

    Formatted column by column (:func:`sim.output.csvtext.table_bytes`: Arrow's compiled
    casts when pyarrow is installed, else numpy): the same text as :func:`format_value` and
    ``csv.writer`` give cell by cell, many times faster.
    ``header=False`` gives the rows only: the CSV of a run is the header plus the rows of
    its chunks in order, byte for byte the same as the CSV of the joined table.
    ``draws=False`` leaves out the actors' draws, as a run's ``outcomes.csv`` does by default
    (:func:`csv_columns`).
    """
    return table_bytes(out.columns if draws else csv_columns(out.columns), header=header)


#: Columns of ``outcomes.parquet`` that ``outcomes.csv`` leaves out unless asked (``run --csv-draws``):
#: the actors' per-replication draws (:func:`sim.engine.outcomes.parameter_columns`).
ACTOR_DRAWS = "param.actors."


def csv_columns(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The columns of ``outcomes.csv`` by default: all but the actors' draws (:data:`ACTOR_DRAWS`).

    The draws are about 30 float columns, a third more text to format; ``outcomes.parquet``
    always has them (and discovery reads it), so the CSV of a large run stays within the
    writing budget of issue 18 (docs/performance.md)."""
    return {k: v for k, v in columns.items() if not k.startswith(ACTOR_DRAWS)}


#: Rows per Parquet row group. Fixed, so the file's bytes never depend on the chunk size.
PARQUET_ROW_GROUP = 65_536


def _arrow_table(out: Outcomes):
    import pyarrow as pa

    return pa.table({k: pa.array(v.tolist()) if v.dtype == object else pa.array(v)
                     for k, v in out.columns.items()})


def parquet_options(out: Outcomes) -> dict[str, Any]:
    """How ``outcomes.parquet`` is written: zstd, dictionary encoding for every column but the
    floats. Drawn parameters and other continuous values are nearly all distinct, so a dictionary
    only costs time (Arrow builds one per column before falling back to plain); without it the
    file is written about three times faster and is smaller (``bench/program.py --only tables``)."""
    return {"compression": "zstd",
            "use_dictionary": [k for k, v in out.columns.items() if np.asarray(v).dtype.kind != "f"]}


class OutcomesWriter:
    """Stream a run's outcomes, chunk by chunk, to ``outcomes.csv`` (and ``.parquet``).

    Memory is one chunk plus at most one Parquet row group, whatever the number of
    replications. The bytes are the same for every chunking: CSV rows are appended in
    replication order, and Parquet row groups always hold :data:`PARQUET_ROW_GROUP` rows.
    """

    def __init__(self, folder: Path, parquet: bool = True, csv_draws: bool | None = None):
        self.folder = Path(folder)
        self.csv = open(self.folder / "outcomes.csv", "wb")
        self.header = True
        self.pq_writer = None
        self.pending: list = []
        self.pending_rows = 0
        self.parquet = False
        if parquet:
            try:
                import pyarrow  # noqa: F401
                import pyarrow.parquet  # noqa: F401
                self.parquet = True
            except ImportError:
                self.parquet = False
        #: whether outcomes.csv has the actors' draws too (default: only when there is no Parquet)
        self.csv_draws = (not self.parquet) if csv_draws is None else bool(csv_draws)

    def add(self, out: Outcomes) -> None:
        self.csv.write(outcomes_csv(out, header=self.header, draws=self.csv_draws))
        self.header = False
        if not self.parquet:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = _arrow_table(out)
        if self.pq_writer is None:
            self.pq_writer = pq.ParquetWriter(self.folder / "outcomes.parquet", table.schema, **parquet_options(out))
        self.pending.append(table)
        self.pending_rows += table.num_rows
        while self.pending_rows >= PARQUET_ROW_GROUP:
            joined = pa.concat_tables(self.pending)
            self.pq_writer.write_table(joined.slice(0, PARQUET_ROW_GROUP))
            rest = joined.slice(PARQUET_ROW_GROUP)
            self.pending, self.pending_rows = [rest], rest.num_rows

    def close(self) -> bool:
        """Flush and close; return whether ``outcomes.parquet`` was written."""
        import_ok = self.parquet and self.pq_writer is not None
        if import_ok:
            import pyarrow as pa

            if self.pending_rows:
                self.pq_writer.write_table(pa.concat_tables(self.pending))
            self.pq_writer.close()
        self.pending = []
        self.csv.close()
        return import_ok

    def abort(self) -> None:
        """Close the files without finishing them (the staged folder is discarded)."""
        try:
            if self.pq_writer is not None:
                self.pq_writer.close()
        finally:
            self.csv.close()


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(2**20), b""):
            h.update(block)
    return h.hexdigest()


def write_parquet(out: Outcomes, path: Path) -> bool:
    """Write ``outcomes.parquet`` if pyarrow is installed; return whether it was written."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return False
    pq.write_table(_arrow_table(out), path, row_group_size=PARQUET_ROW_GROUP, **parquet_options(out))
    return True


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=False, allow_nan=False) + "\n").encode("utf-8")


def _file_mode() -> int:
    """The mode ``open()`` gives a new file: 0666 minus the umask (0644 usually)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: Path, data: bytes) -> None:
    """Write a single file atomically (temp file in the same folder + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode())  # mkstemp makes 0600; results are ordinary files (as open() makes them)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


#: What ``manifest.json`` says in every folder this program writes (:func:`is_ours`).
PACKAGE = "ceasefire-sim"


def read_manifest(folder: Path) -> dict | None:
    """The folder's ``manifest.json`` as a dict, or None (missing, unreadable, not ours)."""
    path = Path(folder) / "manifest.json"
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 2**26:
            return None
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and data.get("package") == PACKAGE else None


def is_ours(target: Path) -> bool:
    """Whether ``target`` is a results folder this program wrote (it holds our manifest)."""
    target = Path(target)
    return target.is_dir() and not target.is_symlink() and read_manifest(target) is not None


def _is_working_folder(target: Path) -> bool:
    """``.``, ``..`` or any folder that contains the current directory."""
    try:
        here = Path.cwd().resolve()
        there = target.resolve()
    except OSError:
        return False
    return there == here or there in here.parents


def check_target(target: Path, force: bool, foreign_ok: bool = False) -> None:
    """Refuse an existing results folder unless ``force``; with ``force``, refuse anything
    but a results folder this program wrote (:func:`is_ours`), so nothing else is deleted.

    Stale staging folders next to ``target`` are removed first (:func:`clean_stale`).
    ``foreign_ok`` lets a caller replace a folder it has verified itself (a sweep's
    ``analysis/`` subfolder written before analyses had manifests).
    """
    target = Path(target)
    clean_stale(target)
    if target.is_symlink():
        raise RunExistsError(f"{target} is a symbolic link; refusing to write through it")
    if not target.exists():
        return
    if _is_working_folder(target):
        raise RunExistsError(f"{target} is the current folder (or contains it); refusing to write results "
                             f"over it: pass --out with a new folder name")
    if not force:
        raise RunExistsError(f"{target} already exists; pass --force to replace it, or --out DIR for another folder")
    if not target.is_dir():
        raise RunExistsError(f"{target} is a file, not a results folder; --force replaces only results folders "
                             f"written by ceasefire-sim: choose another --out")
    if not foreign_ok and not is_ours(target):
        raise RunExistsError(f"{target} was not written by ceasefire-sim (it has no manifest.json of ours); "
                             f"--force replaces only results folders written by this program, so nothing "
                             f"else is lost: choose another --out, or move the folder away yourself")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _process_start_unix(pid: int) -> float | None:
    """When process ``pid`` started (Linux ``/proc``), or None where that cannot be told."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])       # field 22: start time, clock ticks since boot
        btime = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                     if line.startswith("btime "))
        return btime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _owner_gone(pid: int, folder: Path) -> bool:
    """The process that made a staging folder is gone: no process has that id, or the one that
    has it started after the folder was made (the id was reused)."""
    if pid == os.getpid():
        return False
    if not _pid_alive(pid):
        return True
    started = _process_start_unix(pid)
    try:
        made = folder.stat().st_mtime
    except OSError:
        return False
    return started is not None and started > made + 1.0


#: ``.<name>.tmp-<pid>-*`` (staging) and ``.<name>.old-<pid>-*`` (replaced folder) next to a target.
STAGING = re.compile(r"^\.(?P<name>.+)\.(tmp|old)-(?P<pid>\d+)-")


def clean_stale(target: Path) -> list[Path]:
    """Remove staging (``.<name>.tmp-<pid>-*``) and replaced (``.<name>.old-<pid>-*``) folders
    left next to ``target`` by commands that were killed (``kill -9``, power loss).

    Every such folder in ``target``'s parent is looked at, whatever results folder it was
    for; only those whose owner process is gone (no such process, or a newer process that
    reuses its id) are removed, so a run still writing is left alone. Symbolic links are
    never followed. Returns what was removed. Called at the start of every command that
    writes results (:func:`check_target`) and again before staging.
    """
    removed = []
    try:
        entries = list(Path(target).parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = STAGING.match(entry.name)
        if not m or entry.is_symlink() or not entry.is_dir() or not _owner_gone(int(m.group("pid")), entry):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    if sys.platform != "linux":
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


@contextmanager
def staged_folder(target: Path, force: bool, foreign_ok: bool = False) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``target`` in one rename.

    The staging folder ``.<name>.tmp-<pid>-*`` sits next to the target (same file system,
    so the rename is atomic). On any exception, Ctrl-C included, it is removed. An existing
    target (``force``) is swapped with the new folder in one atomic exchange where the OS
    offers it (Linux), so a kill at any moment leaves the old or the new folder, complete.
    """
    target = Path(target)
    check_target(target, force, foreign_ok)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    try:
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes 0700; a results folder is an ordinary folder
        yield tmp
        for f in tmp.rglob("*"):
            if f.is_file():
                with open(f, "rb") as fh:
                    os.fsync(fh.fileno())
        for d in [tmp, *(d for d in tmp.rglob("*") if d.is_dir())]:
            _fsync_dir(d)
        if target.exists() or target.is_symlink():
            check_target(target, force, foreign_ok)
            if _exchange(tmp, target):  # tmp now holds the old folder (or file)
                if tmp.is_dir() and not tmp.is_symlink():
                    shutil.rmtree(tmp, ignore_errors=True)
                else:
                    tmp.unlink()
            else:
                trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
                os.replace(target, trash / "old")
                os.replace(tmp, target)
                shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(tmp, target)
        _fsync_dir(target.parent)
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
        "command": command_line(),
    }
    if extra:
        data.update(extra)
    return data


def file_hashes(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """``relative path -> SHA-256`` of every regular file under ``folder`` but its manifest,
    temporary files (``.*.tmp``) and the subfolders named in ``skip`` (they have their own)."""
    folder = Path(folder)
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if (not p.is_file() or p.is_symlink() or rel == Path("manifest.json") or rel.parts[0] in skip
                or (p.name.startswith(".") and p.name.endswith(".tmp"))):
            continue
        out[rel.as_posix()] = sha256_file(p)
    return out


def write_manifest(folder: Path, data: dict) -> dict:
    """Write ``folder/manifest.json``: ``data`` plus ``package``, ``version``, the list of files
    and the SHA-256 of every file, so ``ceasefire-sim rerun`` can check any results folder
    (and ``--force`` knows the folder is ours). Returns what was written."""
    hashes = file_hashes(folder)
    full = {"package": PACKAGE, "version": __version__, **data,
            "files": [*hashes, "manifest.json"], "sha256": hashes}
    atomic_write(Path(folder) / "manifest.json", json_bytes(full))
    return full


def command_line() -> str:
    """The command that made this folder, as typed (program name without its path)."""
    return " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv))
