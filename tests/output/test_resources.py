"""Memory estimates, automatic chunking and refusals (sim/output/resources.py)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from fuzz_support import run_cli
from sim import api
from sim.output import resources, results
from sim.scenario.errors import InputError
from sim.pipeline.runner import run_scenario
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]
FREEZE = ROOT / "scenarios" / "freeze.yaml"
MB = 2**20


@pytest.fixture(scope="module")
def freeze():
    return load_scenario(FREEZE)


@pytest.mark.parametrize("text, value", [("2G", 2 * 2**30), ("500M", 500 * MB), ("1.5GiB", int(1.5 * 2**30)),
                                         ("123456", 123456), (" 64 kb ", 64 * 1024), ("1t", 2**40)])
def test_parse_size(text, value):
    assert resources.parse_size(text) == value


@pytest.mark.parametrize("text", ["", "G", "-1G", "2X", "nan", "inf", "0", "1e9", "0.1"])
def test_parse_size_rejects(text):
    with pytest.raises(ValueError):
        resources.parse_size(text)


def test_default_limit_is_half_the_physical_memory():
    phys = resources.physical_memory()
    assert phys and resources.default_max_memory() == int(phys * 0.5)


def test_column_count_matches_the_real_outcomes(freeze):
    out = api.simulate(freeze, replications=5, horizon_weeks=2)
    assert resources.column_count(freeze) == len(out.columns)
    assert set(resources.SUMMARY_COLUMNS) <= set(out.columns)
    assert api.DEFAULT_CHUNK == resources.DEFAULT_CHUNK


def test_estimate_grows_with_replications_horizon_and_trajectories(freeze):
    e = resources.estimate
    assert e(freeze, 10_000).total < e(freeze, 20_000).total < e(freeze, 40_000).total
    assert e(freeze, 10_000, 52).total < e(freeze, 10_000, 520).total
    assert e(freeze, 10_000, trajectories=False).total < e(freeze, 10_000).total
    assert e(freeze, 10_000, trajectories=False).trajectory_bytes == 0
    big = e(freeze, 1_000_000, 156, trajectories=False)
    assert not big.keep_all_columns and big.columns == len(resources.SUMMARY_COLUMNS) + resources.per_offer_columns(freeze)
    assert big.trajectory_bytes == 0
    assert e(freeze, 1_000_000, 156).trajectory_bytes == 1_000_000 * 157 * 8


def test_a_million_replications_fit_a_modest_budget_without_trajectories(freeze, monkeypatch):
    # the baseline is this process's resident memory, which grows over a test session: fix it
    monkeypatch.setattr(resources, "measured_base_bytes", lambda: resources.BASE_BYTES)
    est = resources.plan(freeze, replications=1_000_000, trajectories=False, max_memory=1 * 2**30)
    assert est.total <= 2**30 and est.chunk_size == resources.DEFAULT_CHUNK
    with pytest.raises(InputError) as exc:
        resources.plan(freeze, replications=1_000_000, trajectories=True, max_memory=1 * 2**30)
    msg = str(exc.value)
    assert "--no-trajectories" in msg and "--replications" in msg and "split the replications over several runs" in msg
    assert "then the run fits" in msg


def test_chunks_shrink_automatically_to_fit(freeze):
    roomy = resources.plan(freeze, replications=100_000, max_memory=64 * 2**30)
    tight_limit = resources.estimate(freeze, 100_000, chunk_size=2_500).total
    tight = resources.plan(freeze, replications=100_000, max_memory=tight_limit)
    assert roomy.chunk_size == 20_000
    assert tight.chunk_size == 2_500 and tight.total <= tight_limit


def test_refusal_suggests_a_number_of_replications_that_fits(freeze, monkeypatch):
    # the baseline is this process's resident memory, which grows over a test session: fix it
    monkeypatch.setattr(resources, "measured_base_bytes", lambda: resources.BASE_BYTES)
    limit = 400 * MB
    with pytest.raises(InputError) as exc:
        resources.plan(freeze, replications=5_000_000, trajectories=False, max_memory=limit)
    line = next(ln for ln in str(exc.value).splitlines() if "--replications" in ln)
    n = int(line.split("--replications ")[1].split()[0].replace(",", ""))
    assert resources.estimate(freeze, n, chunk_size=resources.MIN_CHUNK, trajectories=False).total <= limit
    assert resources.estimate(freeze, n + 1000, chunk_size=resources.MIN_CHUNK, trajectories=False).total > limit


def test_cli_refuses_with_exit_2_and_writes_nothing(tmp_path):
    out = tmp_path / "big"
    rc, _, err = run_cli(["run", str(FREEZE), "--replications", "3000000", "--max-memory", "300M", "--out", str(out)])
    assert rc == 2 and "error: <command line>: key '--max-memory'" in err and "--no-trajectories" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []
    rc, _, err = run_cli(["run", str(FREEZE), "--replications", "10000001", "--out", str(out)])
    assert rc == 2 and "at most 10,000,000" in err


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_measured_peak_is_within_the_estimate_and_bounded_in_r(tmp_path, freeze, monkeypatch):
    """Numpy/Python allocations (tracemalloc) of a streamed run: below the estimate, and a 5x
    larger run costs only its kept summary columns more, not 5x."""
    monkeypatch.setattr(resources, "KEEP_ALL_MAX", 0)  # the large-run path: summary columns only
    monkeypatch.setattr(resources, "MARGIN_SAMPLE", 1_000)  # as a 1,000,000 run keeps 100,000 margins
    monkeypatch.setattr(results, "PARQUET_ROW_GROUP", 1_000)  # as a 1,000,000 run sees 65,536
    chunk = 1_000

    def run(n, name):
        return lambda: run_scenario(freeze, out=tmp_path / name, replications=n, horizon_weeks=26,
                                    figures=False, chunk_size=chunk)

    run(10, "warm")()  # imports and caches outside the measurement
    small = _peak(run(2_000, "s"))
    large = _peak(run(6_000, "l"))
    est = resources.estimate(freeze, 6_000, 26, chunk, trajectories=False)
    assert large <= est.total - est.base_bytes
    per_rep_kept = len(resources.SUMMARY_COLUMNS) * resources.CELL_BYTES
    assert large - small <= 4_000 * per_rep_kept * 1.5 + 0.5 * MB
    # holding every column (or every chunk's model: the mesa 3.3 leak) would cost far more
    assert large - small < 4_000 * resources.column_count(freeze) * 8 / 2
