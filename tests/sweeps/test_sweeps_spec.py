"""Sweep files: validation with file:line errors, defaults, did-you-mean."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.scenario.errors import InputError
from sim.sweeps.spec import load_sweep
from sweep_support import ROOT, write_sweep


def problems(path):
    with pytest.raises(InputError) as exc:
        load_sweep(path)
    return exc.value.problems


def test_shipped_sweeps_validate():
    files = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))
    assert len(files) >= 2
    samplers = {load_sweep(f).sampler for f in files}
    assert {"sobol", "grid"} <= samplers


def test_valid_file_resolves_parameters(tmp_path):
    spec = load_sweep(write_sweep(tmp_path))
    assert spec.names == ["attrition.exchange_ratio", "united_states.military_aid_bn_per_year",
                          "offers[0].terms.monitoring"]
    assert spec.parameters[1].low == 0 and spec.parameters[1].high == 60   # [lo, hi] shorthand
    assert spec.parameters[2].levels == ("none", "bilateral", "international")
    assert spec.common_random_numbers is True                                # the default
    assert spec.replications == 100 and spec.horizon_weeks == 52 and spec.seed == 11
    assert spec.base.name == "freeze"


def test_misspelt_path_points_at_its_line_with_suggestion(tmp_path):
    f = write_sweep(tmp_path, parameters="  attrition.exchange_ratio: [1.5, 3.5]\n"
                                         "  attrition.exchange_rato: [1, 2]\n")
    (p,) = problems(f)
    text = f.read_text().splitlines()
    assert p.file == str(f) and text[p.line - 1].strip().startswith("attrition.exchange_rato")
    assert p.key == "parameters.attrition.exchange_rato"
    assert "did you mean 'exchange_ratio'" in p.message


def test_out_of_bounds_range_and_bad_level_are_rejected(tmp_path):
    f = write_sweep(tmp_path, parameters="  attrition.exchange_ratio: [1.5, 30]\n"
                                         "  offers[0].terms.monitoring: {levels: [none, internatonal]}\n"
                                         "  offers[4].terms.monitoring: {levels: [none]}\n")
    ps = problems(f)
    assert len(ps) == 3
    assert "value 30.0 rejected" in ps[0].message and "between" in ps[0].message
    assert "'internatonal'" in ps[1].message and "international" in ps[1].message
    assert "no list item [4]" in ps[2].message
    assert all(p.line for p in ps)


def test_unknown_outcome_sampler_and_key(tmp_path):
    f = write_sweep(tmp_path, sampler="sobel", outcomes="[p_accept_rusia]", extra="replicatons: 5\n")
    msgs = " | ".join(str(p) for p in problems(f))
    assert "did you mean 'sobol'" in msgs
    assert "did you mean 'p_accept_russia'" in msgs
    assert "did you mean 'replications'" in msgs


def test_reserved_and_malformed_parameters(tmp_path):
    f = write_sweep(tmp_path, parameters="  seed: [1, 5]\n"
                                         "  attrition.exchange_ratio: {range: [3, 2]}\n"
                                         "  attrition.lanchester_exponent: {levels: []}\n"
                                         "  attrition.cover_weeks: {range: [4, 8], steps: 3}\n")
    msgs = [p.message for p in problems(f)]
    assert any("set by the sweep itself" in m for m in msgs)
    assert any("low < high" in m for m in msgs)
    assert any("non-empty list" in m for m in msgs)
    assert any("only used with sampler: grid" in m for m in msgs)


def test_missing_scenario_and_required_keys(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("scenario: nowhere.yaml\nsampler: grid\n")
    msgs = " | ".join(str(p) for p in problems(f))
    assert "not found" in msgs and "missing required key 'parameters'" in msgs and "'outcomes'" in msgs


def test_hash_ignores_chunking_and_titles_but_not_values(tmp_path):
    a = load_sweep(write_sweep(tmp_path, name="a", chunk_points=2))
    b = load_sweep(write_sweep(tmp_path, name="a", chunk_points=5, extra="title: other\n"))
    c = load_sweep(write_sweep(tmp_path, name="a", replications=101))
    assert a.hash() == b.hash() != c.hash()


def test_cli_bad_sweep_exits_2_without_traceback(tmp_path):
    f = write_sweep(tmp_path, parameters="  attrition.exchange_rato: [1, 2]\n  attrition.lanchester_exponent: [1, 2]\n")
    r = subprocess.run([sys.executable, "-m", "sim", "sweep", str(f)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert f"error: {f}:" in r.stderr and "exchange_rato" in r.stderr


def test_cli_dry_run_prints_budget_and_sobol_warnings(tmp_path):
    f = write_sweep(tmp_path, points=6)
    r = subprocess.run([sys.executable, "-m", "sim", "sweep", str(f), "--dry-run"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "6 * 5" not in r.stdout and "30 points x 100 replications = 3,000 runs" in r.stdout
    assert "not a power of two" in r.stderr and "rule of thumb" in r.stderr
    assert not (tmp_path / "results").exists()


def test_docs_list_every_outcome_and_their_example_file_validates(tmp_path):
    import re

    from sim.sweeps.statistics import STATISTICS

    text = (ROOT / "docs" / "sweeps.md").read_text(encoding="utf-8")
    missing = [name for name in STATISTICS if f"`{name}`" not in text]
    assert not missing, f"docs/sweeps.md does not list outcomes {missing}"
    example = re.search(r"## The sweep file\n\n```yaml\n(.*?)```", text, re.S).group(1)
    f = tmp_path / "example.yaml"
    f.write_text(example.replace("../freeze.yaml", str(ROOT / "scenarios" / "freeze.yaml")))
    spec = load_sweep(f)
    assert spec.sampler == "sobol" and len(spec.parameters) == 6


@pytest.mark.parametrize("sampler, points, ok", [
    ("sobol", 200_000, True),          # 200,000 x (3 + 2) = 1,000,000 rows: the limit itself
    ("sobol", 200_001, False),
    ("morris", 250_001, False),        # x (3 + 1)
    ("lhs", 1_000_001, False),
    ("grid", 1000, False),             # 1000 x 1000 steps x 3 levels
])
def test_a_design_over_a_million_rows_is_refused(tmp_path, sampler, points, ok):
    from sim.sweeps.spec import MAX_DESIGN_ROWS

    assert MAX_DESIGN_ROWS == 1_000_000
    f = write_sweep(tmp_path, sampler=sampler, points=points)
    if ok:
        assert load_sweep(f).points == points
        return
    (p,) = problems(f)
    assert p.key == "points" and "at most 1,000,000" in p.message and "lower `points`" in p.message
    assert p.line == 4                 # the `points:` line of the file


def test_cli_refuses_a_huge_design_with_exit_2(tmp_path, cli):
    f = write_sweep(tmp_path, sampler="sobol", points=2_000_000)
    code, _, err = cli("sweep", f, "--dry-run")
    assert code == 2 and "10,000,000 points (points x 5); at most 1,000,000" in err
    assert "Traceback" not in err
