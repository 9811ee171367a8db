"""Helpers for the property-based (hypothesis) tests of input handling and crash safety.

Example counts scale with ``HYPOTHESIS_PROFILE``:

* ``ci`` (default, what ``make test`` runs): a few thousand examples in total across the
  fuzz tests, ``derandomize=True`` so CI runs are reproducible;
* ``dev``: ~5% of that, for a quick local loop;
* ``thorough``: 10x, random (not derandomized), for a long hunt.

No global hypothesis profile is loaded (other test modules keep their own settings).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import signal
import warnings
from pathlib import Path

import numpy as np
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from sim import cli
from sim.scenario.distributions import KINDS

ROOT = Path(__file__).resolve().parents[1]
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
SCALE = {"ci": 1.0, "dev": 0.05, "thorough": 10.0}.get(PROFILE, 1.0)


def fuzz_settings(examples: int) -> settings:
    """Settings for a fuzz test of ``examples`` examples at the ``ci`` scale."""
    return settings(max_examples=max(5, int(examples * SCALE)), deadline=None,
                    derandomize=PROFILE != "thorough", database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


class Hang(Exception):
    """An example ran longer than its time limit."""


@contextlib.contextmanager
def time_limit(seconds: int):
    """Raise :class:`Hang` if the block runs longer than ``seconds`` (SIGALRM, main thread)."""
    def on_alarm(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


#: Problems that concern the whole file and so have no line (documented in docs/reliability.md).
FILE_LEVEL = ("file not found", "is a directory", "cannot read", "bytes; at most")
_ERROR = re.compile(r"^error: (?P<file>.+?)(?::(?P<line>\d+))?: (?P<rest>.*)$")


def run_cli(argv: list[str], seconds: int = 30) -> tuple[int, str, str]:
    """Run ``ceasefire-sim argv`` in-process: (exit code, stdout, stderr).

    NumPy floating-point warnings (division by zero, invalid values, overflow) are errors
    here, so a model that quietly computes NaN or inf fails the test.
    """
    out, err = io.StringIO(), io.StringIO()
    with time_limit(seconds), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
        warnings.simplefilter("error", RuntimeWarning)
        try:
            rc = cli.main(argv)
        except SystemExit as exc:  # argparse usage errors
            rc = exc.code if isinstance(exc.code, int) else 2
    return rc, out.getvalue(), err.getvalue()


def check_rejection(stderr: str, file: str) -> list[dict]:
    """Every error line names the file, and a line unless the problem is file-level."""
    assert "Traceback" not in stderr, stderr
    problems = []
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert lines, "exit code 2 without a message"
    for ln in lines:
        if not ln.startswith("error:"):
            continue
        m = _ERROR.match(ln)
        assert m, f"unparseable error line: {ln!r}"
        if m.group("file") == "<command line>":
            continue
        assert m.group("file") == file, ln
        if m.group("line") is None:
            assert any(s in m.group("rest") for s in FILE_LEVEL), f"error without a line: {ln!r}"
        problems.append(m.groupdict())
    assert problems or any(ln.startswith("error: <command line>") for ln in lines), stderr
    return problems


def check_results(folder: Path) -> None:
    """A finished results folder: every manifest file present, hashes right, numbers finite."""
    from sim.output.results import sha256_file

    manifest = json.loads((folder / "manifest.json").read_text())
    for name in manifest["files"]:
        assert (folder / name).is_file(), name
    for name, digest in manifest["sha256"].items():
        assert sha256_file(folder / name) == digest, name

    def no_constant(c):
        raise AssertionError(f"non-finite number {c} in summary.json")

    json.loads((folder / "summary.json").read_text(), parse_constant=no_constant)
    text = (folder / "outcomes.csv").read_text()
    header, *rows = text.splitlines()
    assert len(rows) == manifest["replications"]
    for cell in re.split(r"[,\n]", text):
        if cell.lower() in ("nan", "inf", "-inf"):
            raise AssertionError(f"non-finite value {cell} in outcomes.csv")


# -- strategies -----------------------------------------------------------------------
def base_scenario() -> dict:
    """The resolved freeze scenario as plain data: every key a real file can have."""
    from sim.scenario.schema import load_scenario

    return load_scenario(ROOT / "scenarios" / "freeze.yaml").to_dict()


def leaf_paths(data, prefix=()) -> list[tuple]:
    out = []
    if isinstance(data, dict):
        for k, v in data.items():
            out.append(prefix + (k,))
            out.extend(leaf_paths(v, prefix + (k,)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.append(prefix + (i,))
            out.extend(leaf_paths(v, prefix + (i,)))
    return out


numbers = st.one_of(
    st.integers(min_value=-3, max_value=3),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 0.0, -0.0, 1e308, -1e308, 5e-324, 2**63, 2**63 - 1, 10_000_001, 1e12, -1e12,
                     float("nan"), float("inf"), float("-inf")]),
)
scalars = st.one_of(numbers, st.none(), st.booleans(), st.text(max_size=12),
                    st.sampled_from(["", "yes", "no", "on", "null", "~", "1e3", "0x1F", "0o17", ".nan", "-.inf",
                                     "freeze", "truce", "refusal", "custom", "current", "international",
                                     "russia", "ukraine", "../../etc", "/tmp/x", "a" * 200]))
distribution = st.builds(
    lambda kind, args: {kind: args},
    st.sampled_from(list(KINDS) + ["unifrom", "beta", "Normal", ""]),
    st.one_of(st.lists(numbers, max_size=4), scalars),
)
values = st.recursive(
    st.one_of(scalars, distribution),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.text(max_size=8), children, max_size=3)),
    max_leaves=8,
)


def _set(data, path, value):
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _delete(data, path):
    node = data
    for part in path[:-1]:
        node = node[part]
    if isinstance(node, dict):
        node.pop(path[-1], None)
    elif isinstance(node, list) and isinstance(path[-1], int) and path[-1] < len(node):
        node.pop(path[-1])


@st.composite
def mutated_scenario(draw, base: dict, paths: list[tuple]) -> dict:
    """The base scenario with a few keys set to odd values, deleted, or unknown keys added."""
    data = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        live = leaf_paths(data)
        if not live:
            break
        path = draw(st.sampled_from(live))
        op = draw(st.sampled_from(["set", "set", "set", "delete", "unknown"]))
        try:
            if op == "set":
                _set(data, path, draw(values))
            elif op == "delete":
                _delete(data, path)
            else:
                parent = path[:-1]
                node = data
                for part in parent:
                    node = node[part]
                if isinstance(node, dict):
                    node[draw(st.text(min_size=1, max_size=10))] = draw(values)
        except (KeyError, IndexError, TypeError):
            continue
    return data


def dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def freeze_text() -> str:
    return (ROOT / "scenarios" / "freeze.yaml").read_text(encoding="utf-8")


def alias_bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [lol]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * width)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


HOSTILE = [
    "", "   \n\n", "# only a comment\n", "---\n", "--- |\n  text\n", "...\n", "null\n", "[]\n", "42\n", "- a\n- b\n",
    "name: !!python/object/apply:os.system ['echo pwned']\n",
    "!!python/object:sim.scenario.schema.Scenario {}\n",
    "name: !!python/name:os.system\n",
    "replications: !!binary aGVsbG8=\n",
    "offers: !!set {a, b}\n", "seed: !!timestamp 2001-12-14\n", "actors: !custom {x: 1}\n",
    "offers: !!omap [a: 1]\n", "name: &x freeze\ntitle: *x\n", "<<: {name: a}\n", "? [a, b]\n: c\n",
    "name: a\nname: b\n", "attrition:\n  exchange_ratio: 2\n  exchange_ratio: 3\n",
    "replications: 1e999\n", "seed: -1\n", "horizon_weeks: .nan\n", "replications: 0x10\n",
    "\ufeffname: bom\n", "name: \"unterminated\n", "name: 'a\n", "offers: [\n", "{a: 1\n", "\t- tab\n",
    "name: a\n\x00\n", "x: \x85\n", "name: \ud7ff\n",
    "name: ../../../etc/passwd\n", "name: /abs/path\n", "name: ..\n", "name: .\n", "name: a/b\n",
    "name: " + "n" * 300 + "\n",
]


@st.composite
def hostile_text(draw) -> bytes:
    """Broken documents: garbage bytes, tags, alias bombs, deep nesting, damaged real files."""
    kind = draw(st.sampled_from(["bytes", "fixed", "bomb", "deep_list", "deep_map", "damaged", "damaged", "damaged"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "fixed":
        return draw(st.sampled_from(HOSTILE)).encode("utf-8", "surrogatepass")
    if kind == "bomb":
        return alias_bomb(draw(st.integers(2, 12)), draw(st.integers(2, 12))).encode()
    if kind == "deep_list":
        n = draw(st.integers(10, 3000))
        return ("offers: " + "[" * n + "]" * n + "\n").encode()
    if kind == "deep_map":
        n = draw(st.integers(10, 200))
        return ("".join("  " * i + "a:\n" for i in range(n)) + "  " * n + "b: 1\n").encode()
    # damaged: a real scenario with a cut, a deleted/duplicated line or inserted bytes
    raw = freeze_text().encode("utf-8")
    op = draw(st.sampled_from(["truncate", "delete_line", "dup_line", "insert", "swap_indent"]))
    if op == "truncate":
        return raw[: draw(st.integers(0, len(raw)))]
    lines = raw.split(b"\n")
    i = draw(st.integers(0, len(lines) - 1))
    if op == "delete_line":
        del lines[i]
    elif op == "dup_line":
        lines.insert(i, lines[i])
    elif op == "swap_indent":
        lines[i] = b"   " + lines[i]
    else:
        lines[i] = lines[i] + draw(st.binary(min_size=1, max_size=8))
    return b"\n".join(lines)


def is_finite_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


# -- plausible (mostly valid) scenarios: explore the model's numerics, not the validator ----
def _param_value(lo: float, hi: float):
    lo, hi = max(lo, -1e9), min(hi, 1e9)
    inside = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    pair = st.tuples(inside, inside).filter(lambda t: t[0] != t[1]).map(sorted)
    triple = st.tuples(inside, inside, inside).map(sorted).filter(lambda t: t[0] < t[2])
    spread = st.floats(1e-9, max(hi - lo, 1e-6), allow_nan=False)
    options = [
        inside, st.sampled_from([lo, hi]),
        pair.map(lambda t: {"uniform": list(t)}),
        triple.map(lambda t: {"triangular": list(t)}),
        st.lists(inside, min_size=1, max_size=5).map(lambda v: {"choice": v}),
        st.tuples(inside, spread).map(lambda t: {"normal": list(t)}),
    ]
    if hi > 0:
        positive = st.floats(max(lo, 1e-9), hi, allow_nan=False)
        options.append(st.tuples(positive, st.floats(1e-6, 5.0)).map(lambda t: {"lognormal": list(t)}))
    return st.one_of(options)


@st.composite
def plausible_scenario(draw, base: dict) -> dict:
    """The base scenario with parameters, preferences, red lines and terms set to values
    anywhere inside their allowed ranges (extremes included): mostly valid files."""
    from sim.scenario.catalog import parameter_table
    from sim.scenario.offers import TERM_CHOICES

    table = parameter_table()
    data = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 8))):
        what = draw(st.sampled_from(["param", "param", "param", "actor", "red_line", "term", "offer"]))
        if what == "param":
            path = draw(st.sampled_from(sorted(table)))
            info = table[path]
            data.setdefault(info.section, {})[info.name] = draw(_param_value(*info.bounds))
        elif what == "actor":
            actor = draw(st.sampled_from(sorted(data["actors"])))
            part = draw(st.sampled_from(["weights", "term_values", "beliefs", "resolve_sd"]))
            if part == "resolve_sd":
                data["actors"][actor]["resolve_sd"] = draw(_param_value(0.0, 1e6))
            elif data["actors"][actor].get(part):
                key = draw(st.sampled_from(sorted(data["actors"][actor][part])))
                data["actors"][actor][part][key] = draw(_param_value(-1e6, 1e6))
        elif what == "red_line":
            actor = draw(st.sampled_from(sorted(data["actors"])))
            lines = data["actors"][actor].get("red_lines") or {}
            if lines:
                lines[draw(st.sampled_from(sorted(lines)))] = draw(st.booleans())
        elif what == "term" and data["offers"]:
            terms = data["offers"][0].setdefault("terms", {})
            key = draw(st.sampled_from(sorted(TERM_CHOICES) + ["duration_days", "army_cap", "extension",
                                                                 "nato_renunciation", "prisoner_exchange"]))
            if key in TERM_CHOICES:
                terms[key] = draw(st.sampled_from(TERM_CHOICES[key]))
            elif key == "duration_days":
                terms[key] = draw(st.one_of(st.none(), st.integers(1, 36500)))
            elif key == "army_cap":
                terms[key] = draw(st.one_of(st.none(), st.floats(0, 5000)))
            else:
                terms[key] = draw(st.booleans())
        elif what == "offer":
            data["offers"].append({
                "preset": draw(st.sampled_from(["freeze", "truce", "refusal", "custom"])),
                "proposer": draw(st.sampled_from(sorted(data["actors"]))),
                "week": draw(st.integers(0, 29)),
                "repeat_every_weeks": draw(st.integers(0, 10)),
                "parties": draw(st.lists(st.sampled_from(sorted(data["actors"])), min_size=1, max_size=4,
                                         unique=True)),
            })
    return data
