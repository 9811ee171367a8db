"""``summary_frame`` / ``summarize(out, as_frame=True)``: the summary as a tidy table, every
number of ``summary.json`` once, intervals beside their probabilities; and what ``import sim``
offers (issue 19)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.output.summary import summarize, summary_frame

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def out():
    return sim.simulate(sim.load_scenario(ROOT / "scenarios" / "truce_30day.yaml"), replications=300, seed=5)


def _numbers(obj):
    """Every number (or null) in a JSON document."""
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numbers(v)
    elif obj is None or isinstance(obj, (int, float)) and not isinstance(obj, bool):
        yield obj


def test_the_frame_holds_every_number_of_the_summary_once(out):
    summary = summarize(out, "truce")
    f = summarize(out, "truce", as_frame=True)
    assert list(f.columns) == ["scenario", "quantity", "key", "statistic", "value"]
    assert (f["scenario"] == "truce").all()
    assert not f.duplicated(["quantity", "key", "statistic"]).any()
    doc = json.loads(json.dumps(summary))
    doc.pop("scenario")
    for m in doc["margins"]:
        m.pop("offer")                       # the offer's index is in the key: 'offer 0.russia...'
    assert len(f) == len(list(_numbers(doc)))
    expected = sorted(-1e300 if v is None else float(v) for v in _numbers(doc))
    got = sorted(-1e300 if math.isnan(v) else v for v in f["value"])
    assert got == expected


def test_intervals_sit_beside_their_probabilities(out):
    summary = summarize(out)
    f = summary_frame(out)
    table = f[f.quantity == "outcome_probabilities"].pivot(index="key", columns="statistic", values="value")
    for cls, p in summary["outcome_probabilities"].items():
        lo, hi = summary["outcome_intervals_95"][cls]
        assert (table.loc[cls, "value"], table.loc[cls, "low_95"], table.loc[cls, "high_95"]) == (p, lo, hi)
    acc = f[(f.quantity == "acceptance_probability") & (f.key == "russia")].set_index("statistic")["value"]
    assert acc["value"] == summary["acceptance_probability"]["russia"]
    assert acc["low_95"] == summary["acceptance_intervals_95"]["russia"][0]
    terr = f[f.quantity == "territory_end_pct"].set_index("statistic")["value"]
    assert terr["q50"] == summary["territory_end_pct"]["q50"]
    run = f[f.quantity == "run"].set_index("statistic")["value"]
    assert run["replications"] == 300 and run["horizon_weeks"] == summary["horizon_weeks"]
    m = f[(f.quantity == "margins") & (f.key == "offer 0.russia.parts.territory")].set_index("statistic")["value"]
    assert m["q50"] == summary["margins"][0]["actors"]["russia"]["parts"]["territory"]["q50"]


def test_import_sim_offers_the_commands_lazily():
    for name in ("compare", "report", "sweep", "design", "why", "find_flips", "discover", "summary_frame",
                 "margins", "analyze", "sensitivity"):
        assert name in dir(sim) and callable(getattr(sim, name)), name
    heavy = "print(sorted(m for m in ('mesa', 'matplotlib', 'pandas') if m in sys.modules))"
    for names, expected in (("sim.why; sim.discover; sim.design; sim.sweep", "[]"),
                            ("sim.summary_frame; sim.margins", "['mesa', 'pandas']")):   # the engine, not figures
        done = subprocess.run([sys.executable, "-c", f"import sys, sim; {names}; {heavy}"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == expected, names


def test_why_from_python_equals_the_command(tmp_path, capsys):
    from sim.cli import main

    report = sim.why(ROOT / "scenarios" / "truce_30day.yaml", "russia", replications=200, flip=False)
    assert main(["why", str(ROOT / "scenarios" / "truce_30day.yaml"), "--actor", "russia", "-n", "200",
                 "--no-flip", "--out", str(tmp_path / "w")]) == 0
    capsys.readouterr()
    assert json.loads(json.dumps(report)) == json.loads((tmp_path / "w" / "why.json").read_text())
