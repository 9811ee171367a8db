"""Which scenarios the app offers: every ``*.yaml`` of a folder, plus pasted text.

The folder is ``--scenarios DIR`` if given, else ``scenarios/`` in the current directory
if it exists, else the copies packaged with ``sim`` (``sim/scenario/data/scenarios/``), so an installed
package without the repository still has the three shipped scenarios. Files are read
again when they change (size or modification time), so a student who saves a new YAML
file sees it after a reload of the page. A file that does not validate is listed with its
error message, never dropped silently.

The folder is trusted no further than its own regular files: an entry that is a symlink
leading out of the folder, a FIFO, a device or a directory is listed as refused *without
being opened* (a FIFO would block; a link to ``/etc/passwd`` would echo its lines back as
"unknown key" errors), and a file over :data:`MAX_FILE_BYTES` is refused unread. The
check is made on the opened file descriptor (``O_NONBLOCK``, ``fstat``), so swapping a
file for a FIFO between listing and reading cannot block the server either.
"""

from __future__ import annotations

import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.scenario.errors import InputError
from sim.scenario.schema import Scenario, loads_scenario
from sim.app import controls

PACKAGED = Path(__file__).resolve().parents[1] / "scenario" / "data" / "scenarios"
PASTED_KEY = "<pasted>"
MAX_PASTED_BYTES = 200_000
#: Largest scenario file read from the folder (the shipped ones are under 4 kB).
MAX_FILE_BYTES = 200_000
#: At most this many ``*.yaml`` entries of the folder are listed (in name order).
MAX_FILES = 200


def default_folder(cwd: Path | None = None) -> Path:
    """``scenarios/`` under ``cwd`` if it exists, else the packaged copies."""
    here = (cwd or Path.cwd()) / "scenarios"
    return here if here.is_dir() else PACKAGED


@dataclass(frozen=True)
class Entry:
    """One scenario file of the folder: its key (file stem), and the scenario or its errors."""

    key: str
    path: Path
    scenario: Scenario | None
    errors: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "key": self.key,
            "file": self.path.name,
            "valid": s is not None,
            "title": s.title if s else self.key,
            "description": s.description if s else "",
            "offers": [o.preset for o in s.offers] if s else [],
            "controls": controls.current(s) if s else {},
            "errors": list(self.errors),
        }


def read_inside(folder: Path, path: Path) -> str:
    """The text of ``path`` if it is a regular file inside ``folder``, at most :data:`MAX_FILE_BYTES`.

    Raises
    ------
    InputError
        Naming the file and why it is refused; the message never quotes the file's content.
    """
    name = path.name
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(Path(os.path.realpath(folder))):
        raise InputError.single(name, None, "", "refused: a link that leads outside the scenarios folder")
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise InputError.single(name, None, "", f"cannot read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputError.single(name, None, "", "refused: not a regular file (a FIFO, device or folder)")
        if info.st_size > MAX_FILE_BYTES:
            raise InputError.single(name, None, "", f"refused: larger than {MAX_FILE_BYTES:,} bytes")
        raw = f.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise InputError.single(name, None, "", f"refused: larger than {MAX_FILE_BYTES:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(name, line, "", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})") \
            from None


class Library:
    """The scenarios in ``folder``: listed on each call, parsed again only when a file changes."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._cache: dict[Path, tuple[tuple[int, int, int], Entry]] = {}
        self._lock = threading.Lock()

    def _paths(self) -> list[Path]:
        try:
            names = sorted(n for n in os.listdir(self.folder) if n.endswith(".yaml"))
        except OSError:
            return []
        return [self.folder / n for n in names[:MAX_FILES]]

    def _entry(self, path: Path) -> Entry:
        try:
            info = os.lstat(path)
        except OSError as exc:
            return Entry(path.stem, path, None, (f"{path.name}: cannot read: {exc.strerror}",))
        target = None
        if stat.S_ISLNK(info.st_mode):
            try:
                target = os.stat(path)
            except OSError:
                target = None
        stamp = (info.st_mtime_ns, info.st_size, target.st_mtime_ns if target else 0)
        with self._lock:
            hit = self._cache.get(path)
        if hit and hit[0] == stamp and stat.S_ISREG(info.st_mode):
            return hit[1]
        try:
            text = read_inside(self.folder, path)
            entry = Entry(path.stem, path, loads_scenario(text, str(path)), ())
        except InputError as exc:
            entry = Entry(path.stem, path, None, tuple(str(p) for p in exc.problems))
        if stat.S_ISREG(info.st_mode):
            with self._lock:
                self._cache[path] = (stamp, entry)
        return entry

    def entries(self) -> list[Entry]:
        return [self._entry(p) for p in self._paths()]

    def get(self, key: str) -> Scenario:
        """The scenario of file ``<key>.yaml``.

        Raises
        ------
        InputError
            Unknown key (listing the known ones) or a file that does not validate.
        """
        entries = {e.key: e for e in self.entries()}
        if key not in entries:
            known = ", ".join(entries) or f"none (no *.yaml in {self.folder})"
            raise InputError.single("<app request>", None, "scenarios",
                                    f"unknown scenario {key!r:.60}; expected one of: {known}")
        e = entries[key]
        if e.scenario is None:
            raise InputError.single("<app request>", None, "scenarios",
                                    f"{e.path.name} does not validate: " + "; ".join(e.errors))
        return e.scenario


def parse_pasted(text: Any) -> Scenario:
    """Validate pasted YAML (``<pasted>:line: key '...': message`` on error)."""
    if not isinstance(text, str):
        raise InputError.single(PASTED_KEY, None, "", "expected the text of a YAML scenario")
    if len(text.encode("utf-8", "replace")) > MAX_PASTED_BYTES:
        raise InputError.single(PASTED_KEY, None, "", f"scenario text larger than {MAX_PASTED_BYTES:,} bytes")
    if not text.strip():
        raise InputError.single(PASTED_KEY, None, "", "the pasted scenario is empty")
    return loads_scenario(text, PASTED_KEY)
