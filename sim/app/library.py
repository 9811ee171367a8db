"""Which scenarios the app offers: every ``*.yaml`` of a folder, plus pasted text.

The folder is ``--scenarios DIR`` if given, else ``scenarios/`` in the current directory
if it exists, else the copies packaged with ``sim`` (``sim/scenario/data/scenarios/``), so an installed
package without the repository still has the three shipped scenarios. Files are read
again on every listing, so a student who saves a new YAML file sees it after a reload of
the page. A file that does not validate is listed with its error message, never dropped
silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.scenario.errors import InputError
from sim.scenario.schema import Scenario, load_scenario, loads_scenario

PACKAGED = Path(__file__).resolve().parents[1] / "scenario" / "data" / "scenarios"
PASTED_KEY = "<pasted>"
MAX_PASTED_BYTES = 200_000


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
            "errors": list(self.errors),
        }


class Library:
    """The scenarios in ``folder`` (read on each call)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def entries(self) -> list[Entry]:
        out = []
        for path in sorted(self.folder.glob("*.yaml")):
            try:
                out.append(Entry(path.stem, path, load_scenario(path), ()))
            except InputError as exc:
                out.append(Entry(path.stem, path, None, tuple(str(p) for p in exc.problems)))
            except OSError as exc:
                out.append(Entry(path.stem, path, None, (f"{path.name}: cannot read: {exc.strerror}",)))
        return out

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
