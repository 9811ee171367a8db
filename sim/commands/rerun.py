"""``ceasefire-sim rerun results/<run>/manifest.json``: run it again, say whether the bytes match.

Re-runs the folder's resolved ``scenario.yaml`` with the manifest's seed, replications and
horizon into a temporary folder, and compares the SHA-256 of ``outcomes.csv`` and
``summary.json`` with the hashes the manifest recorded when the run was written. Exit code
0: identical bytes; 1: different bytes; 2: the manifest or scenario cannot be read.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from sim import __version__
from sim.scenario.errors import InputError

#: Files whose bytes are the reproducibility contract (DESIGN.md).
COMPARED = ("outcomes.csv", "summary.json")
#: Also compared when both runs wrote them, but informational (depend on library versions).
INFORMATIONAL = ("outcomes.parquet",)


def register(sub) -> None:
    p = sub.add_parser("rerun", help="re-run a results folder from its manifest and check the bytes match",
                       description="Re-run results/<run>/ from its scenario.yaml and manifest.json into a "
                                   "temporary folder; compare the SHA-256 of outcomes.csv and summary.json. "
                                   "Exit 0 if identical, 1 if not, 2 on unreadable input.")
    p.add_argument("manifest", help="results/<run>/manifest.json (or the results folder)")
    p.set_defaults(handler=main)


def _read_manifest(path: Path) -> dict:
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError.single(file, None, "", "file not found") from None
    except IsADirectoryError:
        raise InputError.single(file, None, "", "is a directory; expected manifest.json") from None
    except OSError as exc:
        raise InputError.single(file, None, "", f"cannot read: {exc.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(file, line, "", "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError.single(file, exc.lineno, "", f"not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise InputError.single(file, 1, "", "expected a JSON object (a manifest.json written by ceasefire-sim)")
    for key, kind in (("seed", int), ("replications", int), ("horizon_weeks", int), ("sha256", dict)):
        value = data.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            hint = " (manifests written before file hashes were recorded cannot be checked)" if key == "sha256" else ""
            raise InputError.single(file, _line_of(raw, key), key, f"missing or not a {kind.__name__}{hint}")
    for name in COMPARED:
        if not isinstance(data["sha256"].get(name), str):
            raise InputError.single(file, _line_of(raw, "sha256"), f"sha256.{name}", "missing hash")
    return data


def _line_of(raw: bytes, key: str) -> int:
    needle = f'"{key}"'.encode()
    pos = raw.find(needle)
    return raw[:pos].count(b"\n") + 1 if pos >= 0 else 1  # a missing key: the object starts on line 1


def main(args) -> int:
    from sim.output.results import sha256_file
    from sim.pipeline.runner import run_scenario
    from sim.scenario.schema import load_scenario

    path = Path(args.manifest)
    if path.is_dir():
        path = path / "manifest.json"
    data = _read_manifest(path)
    folder = path.parent
    scenario = load_scenario(folder / "scenario.yaml")
    notes = []
    if data.get("version") != __version__:
        notes.append(f"note: the run was made with version {data.get('version')}, this is {__version__}")
    if data.get("scenario_sha256") not in (None, scenario.hash()):
        notes.append("note: scenario.yaml differs from the one the manifest recorded (edited since the run?)")
    for n in notes:
        print(n, file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="ceasefire-rerun-") as tmp:
        result = run_scenario(scenario, out=Path(tmp) / "run", replications=data["replications"],
                              seed=data["seed"], horizon_weeks=data["horizon_weeks"], figures=False,
                              trajectories=False)
        ok = True
        print(f"re-ran {scenario.name}: {data['replications']:,} replications x {data['horizon_weeks']} weeks, "
              f"seed {data['seed']}")
        for name in COMPARED + INFORMATIONAL:
            recorded = data["sha256"].get(name)
            new_file = result.folder / name
            if recorded is None or not new_file.exists():
                continue
            same = sha256_file(new_file) == recorded
            if name in COMPARED:
                ok &= same
            extra = "" if name in COMPARED else " (informational: depends on the pyarrow version)"
            print(f"  {name:<18} {'match' if same else 'MISMATCH'}{extra}")
    print("bytes match: the run is reproduced" if ok else "bytes differ: the run is NOT reproduced")
    return 0 if ok else 1
