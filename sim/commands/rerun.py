"""``ceasefire-sim rerun RESULTS``: check a results folder against its manifest and re-run it.

Two checks, both needed for "these are the bytes this program makes":

1. **Integrity**: every file the manifest lists is on disk with the SHA-256 the manifest
   recorded (any results folder: ``run``, ``compare``, ``sensitivity``, ``analyze``,
   ``sweep``, ``sweep-analyze``).
2. **Reproduction** (``run``, ``compare`` and ``sensitivity`` folders): the folder's resolved
   scenario is re-run with the manifest's seed, replications and horizon into a temporary
   folder, and the recomputed bytes of the contract files (``outcomes.csv``,
   ``summary.json``; ``comparison.csv``; ``sensitivity.csv``) are compared with the files
   present on disk and with the manifest's hashes.

Exit code 0: everything matches; 1: some file differs (each one is named); 2: the manifest
or scenario cannot be read.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path, PurePosixPath
from typing import Callable

from sim import __version__
from sim.scenario.errors import InputError

#: Files whose bytes are the reproducibility contract (DESIGN.md), per kind of folder.
COMPARED = ("outcomes.csv", "summary.json")
#: Also compared when both runs wrote them, but informational (depend on library versions).
INFORMATIONAL = ("outcomes.parquet",)
#: Kinds of results folders the manifest names, and what writes them.
KINDS = {"run": "run", "comparison": "compare", "sensitivity": "sensitivity", "analysis": "analyze",
         "sweep": "sweep", "sweep-analysis": "sweep-analyze", "calibration": "calibrate"}


def register(sub) -> None:
    p = sub.add_parser("rerun", help="check a results folder against its manifest and re-run it",
                       description="Check that every file of a results folder has the SHA-256 its manifest.json "
                                   "recorded, then (run, compare and sensitivity folders) re-run it from its "
                                   "resolved scenario into a temporary folder and compare the recomputed bytes "
                                   "with the files on disk and the manifest. Exit 0 if everything matches, 1 if "
                                   "any file differs (named), 2 on unreadable input.")
    p.add_argument("manifest", help="a results folder (or its manifest.json), e.g. results/freeze")
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
    kind = data.get("kind", "run")   # run manifests written before 0.2.0 have no kind
    if kind not in KINDS:
        raise InputError.single(file, _line_of(raw, "kind"), "kind",
                                f"unknown kind of results folder {kind!r}; expected one of {', '.join(KINDS)}")
    needed = [("sha256", dict)]
    if kind in ("run", "comparison", "sensitivity"):
        needed = [("seed", int), ("replications", int), ("horizon_weeks", int), *needed]
    for key, kind_ in needed:
        value = data.get(key)
        if not isinstance(value, kind_) or isinstance(value, bool):
            hint = " (manifests written before file hashes were recorded cannot be checked)" if key == "sha256" else ""
            raise InputError.single(file, _line_of(raw, key), key, f"missing or not a {kind_.__name__}{hint}")
    for name, digest in data["sha256"].items():
        rel = PurePosixPath(name)
        if rel.is_absolute() or ".." in rel.parts or not isinstance(digest, str):
            raise InputError.single(file, _line_of(raw, "sha256"), f"sha256.{name}",
                                    "expected a file inside the results folder and its SHA-256")
    for name in CONTRACT.get(kind, ()):
        if not isinstance(data["sha256"].get(name), str):
            raise InputError.single(file, _line_of(raw, "sha256"), f"sha256.{name}", "missing hash")
    data["kind"] = kind
    return data


def _line_of(raw: bytes, key: str) -> int:
    needle = f'"{key}"'.encode()
    pos = raw.find(needle)
    return raw[:pos].count(b"\n") + 1 if pos >= 0 else 1  # a missing key: the object starts on line 1


def _rerun_run(folder: Path, data: dict, tmp: Path) -> dict[str, Path]:
    from sim.pipeline.runner import run_scenario
    from sim.scenario.schema import load_scenario

    scenario = load_scenario(folder / "scenario.yaml")
    if data.get("scenario_sha256") not in (None, scenario.hash()):
        print("note: scenario.yaml differs from the one the manifest recorded (edited since the run?)",
              file=sys.stderr)
    result = run_scenario(scenario, out=tmp / "run", replications=data["replications"], seed=data["seed"],
                          horizon_weeks=data["horizon_weeks"], figures=False, trajectories=False)
    print(f"re-ran {scenario.name}: {data['replications']:,} replications x {data['horizon_weeks']} weeks, "
          f"seed {data['seed']}")
    return {name: result.folder / name for name in COMPARED + INFORMATIONAL}


def _rerun_comparison(folder: Path, data: dict, tmp: Path) -> dict[str, Path]:
    from sim.analysis.compare import load_all, run_comparison, table_csv

    files = sorted((folder / "scenarios").glob("*.yaml"), key=lambda p: int(p.name.split("_", 1)[0]))
    if len(files) < 2:
        raise InputError.single(str(folder / "scenarios"), None, "", "expected the resolved scenario files")
    comparison = run_comparison(load_all(files), replications=data["replications"], seed=data["seed"],
                                horizon_weeks=data["horizon_weeks"])
    print(f"re-ran the comparison of {len(files)} scenarios: {data['replications']:,} replications x "
          f"{data['horizon_weeks']} weeks, seed {data['seed']}")
    (tmp / "comparison.csv").write_bytes(table_csv(comparison.rows))
    return {"comparison.csv": tmp / "comparison.csv"}


def _rerun_sensitivity(folder: Path, data: dict, tmp: Path) -> dict[str, Path]:
    from sim.analysis.sensitivity import one_at_a_time, to_csv
    from sim.scenario.schema import load_scenario

    scenario = load_scenario(folder / "scenario.yaml")
    res = one_at_a_time(scenario, replications=data["replications"], seed=data["seed"],
                        horizon_weeks=data["horizon_weeks"], only=data.get("factors"))
    print(f"re-ran the sensitivity of {scenario.name}: {data['replications']:,} replications per run, "
          f"seed {data['seed']}")
    (tmp / "sensitivity.csv").write_bytes(to_csv(res))
    return {"sensitivity.csv": tmp / "sensitivity.csv"}


#: Kind -> (files whose recomputed bytes must match, function that recomputes them).
RERUN: dict[str, Callable[[Path, dict, Path], dict[str, Path]]] = {
    "run": _rerun_run, "comparison": _rerun_comparison, "sensitivity": _rerun_sensitivity}
CONTRACT = {"run": COMPARED, "comparison": ("comparison.csv",), "sensitivity": ("sensitivity.csv",)}


def check_integrity(folder: Path, data: dict) -> list[str]:
    """Print each listed file against the manifest's SHA-256; return the names that differ."""
    from sim.output.results import sha256_file

    bad = []
    print(f"files of {folder}/ against the SHA-256 in its manifest:")
    for name, recorded in data["sha256"].items():
        path = folder / name
        if path.is_symlink() or not path.is_file():
            state = "MISSING"
        else:
            state = "intact" if sha256_file(path) == recorded else "CHANGED since the folder was written"
        if state != "intact":
            bad.append(name)
        print(f"  {name:<32} {state}")
    listed = set(data["sha256"]) | {"manifest.json"}
    skip = {"analysis"} if data["kind"] == "sweep" else set()
    extra = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                   if p.is_file() and p.relative_to(folder).as_posix() not in listed
                   and p.relative_to(folder).parts[0] not in skip)
    for name in extra:
        print(f"  {name:<32} not in the manifest (added later; not checked)")
    return bad


def main(args) -> int:
    from sim.output.results import sha256_file

    path = Path(args.manifest)
    if path.is_dir():
        path = path / "manifest.json"
    data = _read_manifest(path)
    folder = path.parent
    kind = data["kind"]
    if data.get("version") != __version__:
        print(f"note: the folder was made with version {data.get('version')}, this is {__version__}", file=sys.stderr)
    bad = check_integrity(folder, data)
    if kind in RERUN:
        with tempfile.TemporaryDirectory(prefix="ceasefire-rerun-") as tmp:
            recomputed = RERUN[kind](folder, data, Path(tmp))
            print("recomputed bytes against the files on disk and the manifest:")
            for name, new_file in recomputed.items():
                recorded = data["sha256"].get(name)
                if recorded is None or not new_file.exists():
                    continue
                new = sha256_file(new_file)
                disk = folder / name
                on_disk = disk.is_file() and not disk.is_symlink() and sha256_file(disk) == new
                same = on_disk and new == recorded
                if name in CONTRACT[kind] and not same and name not in bad:
                    bad.append(name)
                extra = "" if name in CONTRACT[kind] else " (informational: depends on the pyarrow version)"
                why = "" if same else (" (the file on disk differs)" if not on_disk else " (the manifest's hash differs)")
                print(f"  {name:<18} {'match' if same else 'MISMATCH'}{why}{extra}")
    else:
        print(f"({KINDS[kind]} folders are checked against their manifest only; "
              f"re-run the {KINDS[kind]} command to recompute them)")
    if bad:
        print(f"bytes differ: NOT reproduced: {', '.join(bad)}")
        return 1
    print("bytes match: the folder is intact" + (" and reproduced" if kind in RERUN else ""))
    return 0
