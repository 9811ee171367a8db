"""The run command end to end: files, refusal to overwrite, determinism, explain."""

import json
from pathlib import Path

import numpy as np
import pytest

from sim.engine.model import OUTCOME_CLASSES


def test_run_writes_every_result(tmp_path, cli, root):
    out = tmp_path / "freeze"
    code, stdout, err = cli("run", root / "scenarios" / "freeze.yaml", "--replications", 300,
                            "--seed", 3, "--out", out)
    assert code == 0, err
    for f in ("scenario.yaml", "manifest.json", "outcomes.csv", "outcomes.parquet", "summary.json",
              "figures/outcomes.png", "figures/ceasefire_survival.png", "figures/territory_fan.png",
              "figures/casualties_cost.png", "figures/acceptance.png"):
        assert (out / f).is_file() and (out / f).stat().st_size > 0, f
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"] == 300 and summary["seed"] == 3
    assert set(summary["outcome_probabilities"]) == set(OUTCOME_CLASSES)
    assert abs(sum(summary["outcome_probabilities"].values()) - 1) < 1e-5   # 6 values rounded to 6 digits
    assert set(summary["acceptance_probability"]) == {"russia", "ukraine", "united_states", "europe"}
    for key in ("ceasefire_duration", "territory_end_pct", "casualties_russia_k", "casualties_ukraine_k"):
        assert key in summary
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["replications"] == 300 and len(manifest["scenario_sha256"]) == 64
    lines = (out / "outcomes.csv").read_text().splitlines()
    assert len(lines) == 301
    assert "outcome at the horizon" in stdout and "95% interval" in stdout
    # parquet holds the same table, and the actors' draws (in the CSV only with --csv-draws)
    import pandas as pd

    df = pd.read_parquet(out / "outcomes.parquet")
    assert len(df) == 300 and [c for c in df.columns if not c.startswith("param.actors.")] == lines[0].split(",")
    assert any(c.startswith("param.actors.") for c in df.columns)
    assert np.allclose(df["territory_end_pct"].to_numpy(), [float(r.split(",")[lines[0].split(",").index("territory_end_pct")]) for r in lines[1:]])


def test_second_run_refuses_without_force(tmp_path, cli, root):
    args = ("run", root / "scenarios" / "refusal.yaml", "-n", 50, "--out", tmp_path / "r", "--no-figures")
    assert cli(*args)[0] == 0
    before = (tmp_path / "r" / "outcomes.csv").read_bytes()
    code, _, err = cli(*args[:2], "-n", 60, "--out", tmp_path / "r", "--no-figures")
    assert code == 2 and "--force" in err
    assert (tmp_path / "r" / "outcomes.csv").read_bytes() == before
    code, _, _ = cli(*args[:2], "-n", 60, "--out", tmp_path / "r", "--no-figures", "--force")
    assert code == 0
    assert len((tmp_path / "r" / "outcomes.csv").read_text().splitlines()) == 61
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary folders left"


def test_same_seed_same_bytes_other_seed_differs(tmp_path, cli, root):
    f = root / "scenarios" / "truce_30day.yaml"
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        assert cli("run", f, "-n", 200, "--seed", seed, "--out", tmp_path / name, "--no-figures")[0] == 0
    for file in ("outcomes.csv", "summary.json"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
        assert (tmp_path / "a" / file).read_bytes() != (tmp_path / "c" / file).read_bytes()


def test_resolved_scenario_reruns_to_same_bytes(tmp_path, cli, root):
    assert cli("run", root / "scenarios" / "freeze.yaml", "-n", 150, "--out", tmp_path / "a", "--no-figures")[0] == 0
    assert cli("run", tmp_path / "a" / "scenario.yaml", "--out", tmp_path / "b", "--no-figures")[0] == 0
    for file in ("outcomes.csv", "summary.json"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_options_are_validated(cli, root, tmp_path):
    f = root / "scenarios" / "freeze.yaml"
    for bad in (("--replications", "0"), ("--replications", "x"), ("--seed", "-1"), ("--horizon-weeks", "5000")):
        code, _, err = cli("run", f, *bad, "--out", tmp_path / "x")
        assert code == 2 and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_explain_actor_and_parameters(cli):
    code, out, _ = cli("explain", "russia")
    assert code == 0 and "Red lines" in out and "foreign_troops" in out
    assert "Reuters via Outside the Beltway, May 2024" in out and ".txt" not in out   # cited by label
    code, out, _ = cli("explain", "ukraine")
    assert "will never accept Russia controlling any part of Ukraine" in out
    code, out, _ = cli("explain", "us")
    assert code == 0 and "would not speak about a ceasefire without Ukraine" in out
    code, out, _ = cli("explain", "--parameters")
    assert code == 0 and "attrition.exchange_ratio" in out and "CSIS" in out
    code, out, _ = cli("explain", "--sources")
    assert code == 0 and "ChainNews ABMedia, March 2025" in out and "devastating financial consequences" in out
    code, _, err = cli("explain", "china")
    assert code == 2


def test_python_m_sim_works(root):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "sim", "--version"], capture_output=True, text=True, cwd=root)
    assert r.returncode == 0 and "ceasefire-sim" in r.stdout


def test_every_subcommand_help_is_clean():
    """Every ``COMMAND --help`` exits 0 and prints no formatting leftovers (issue 19)."""
    import contextlib
    import io

    from sim.cli import COMMANDS, main as cli_main

    expected_out = {"compare": "results/compare-<scenario names>", "analyze": "results/<scenario name>-analysis",
                    "run": "results/<scenario name>"}
    for name in COMMANDS:
        command = name.replace("_", "-")
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = cli_main([command, "--help"])
        text = " ".join(buf.getvalue().split())
        assert rc == 0 and text.startswith("usage: ceasefire-sim " + command), (command, text[:80])
        assert "%%" not in text and "%(" not in text, (command, text)
        if command in expected_out:
            assert f"--out OUT results folder (default: {expected_out[command]})" in text, (command, text)


def test_explain_without_an_actor_says_what_to_give():
    from fuzz_support import run_cli

    rc, _, err = run_cli(["explain"])
    assert rc == 2 and "None" not in err and "name an actor" in err and "--parameters" in err
    rc, _, err = run_cli(["explain", "rusia"])
    assert rc == 2 and "did you mean 'russia'" in err


def test_the_wrong_kind_of_file_is_recognised():
    from fuzz_support import run_cli

    root = Path(__file__).resolve().parents[2]
    for command in ("run", "validate"):
        rc, _, err = run_cli([command, str(root / "scenarios" / "sweeps" / "attrition.yaml")])
        assert rc == 2 and "this is a sweep file: use `ceasefire-sim sweep`" in err
        assert "unknown key" not in err
    rc, _, err = run_cli(["sweep", str(root / "scenarios" / "freeze.yaml")])
    assert rc == 2 and "this is a scenario file: use `ceasefire-sim run`" in err and "unknown key" not in err


def test_run_summary_prints_the_margins_of_summary_json(tmp_path, cli, root):
    import json
    import re

    code, out, err = cli("run", root / "scenarios" / "truce_30day.yaml", "-n", 300, "--out", tmp_path / "t",
                         "--no-figures")
    assert code == 0, err
    summary = json.loads((tmp_path / "t" / "summary.json").read_text())
    row = summary["margins"][0]["actors"]
    assert "margins at offer 0 (week 0), medians in pp-years" in out
    lines = {m.group(1): m for m in re.finditer(r"^(Russia|Ukraine|United States|Europe)\s+total\s+([+-][\d.]+)"
                                                r"\s+largest: (.*)$", out, re.M)}
    assert set(lines) == {"Russia", "Ukraine", "United States", "Europe"}
    for actor, key in (("Russia", "russia"), ("Ukraine", "ukraine")):
        assert float(lines[actor].group(2)) == pytest.approx(row[key]["total"]["q50"], abs=0.005)
        shown = [float(x) for x in re.findall(r" ([+-]\d+\.\d\d)(?:,|$)", lines[actor].group(3))]
        medians = sorted((q["q50"] for q in row[key]["parts"].values()), key=abs, reverse=True)
        assert shown == pytest.approx(medians[:3], abs=0.005)       # the three largest, largest first
    # the sign agrees with the decision: Russia refuses the truce in most wars, Ukraine accepts
    assert float(lines["Russia"].group(2)) < 0 < float(lines["Ukraine"].group(2))
    assert summary["acceptance_probability"]["russia"] < 0.5 < summary["acceptance_probability"]["ukraine"]
