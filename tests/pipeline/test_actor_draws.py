"""Each replication's drawn actor settings are ``param.actors.*`` columns of ``outcomes.*``
(issue 16: discovery on a single run sees the actors' draws)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from sim.engine.model import draw_actor
from sim.engine.rng import KeyedStreams
from sim.pipeline.runner import run_scenario
from sim.scenario.schema import load_scenario

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parents[2]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", ["freeze", "refusal", "truce_30day"])
def test_every_ranged_actor_parameter_has_a_column(tmp_path, name):
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    r = run_scenario(scenario, out=tmp_path / name, replications=40, horizon_weeks=6, figures=False)
    table = pd.read_parquet(r.folder / "outcomes.parquet")
    actor_cols = {c for c in table.columns if c.startswith("param.actors.")}
    ranged = {f"param.{p}": prm for p, prm in scenario.actor_params().items() if prm.is_random}
    assert ranged and actor_cols == set(ranged)                  # every ranged one, no fixed one
    for col, prm in ranged.items():
        lo, hi = prm.support()
        values = table[col].to_numpy()
        assert np.all((values >= lo) & (values <= hi)), col
        assert values.std() > 0, col                              # drawn per replication, not one value


def test_the_columns_are_the_draws_of_the_keyed_streams(tmp_path):
    """Replication i's column values are its actor draws (sim.engine.model.draw_actor) from the
    run's keyed streams, whatever the number of replications around it."""
    scenario = load_scenario(ROOT / "scenarios" / "freeze.yaml")
    r = run_scenario(scenario, out=tmp_path / "a", replications=30, horizon_weeks=4, seed=21, figures=False)
    table = pd.read_parquet(r.folder / "outcomes.parquet")
    ids = np.arange(10, 20)
    streams = KeyedStreams(21, ids)
    for actor in ("russia", "ukraine", "united_states", "europe"):
        draws = draw_actor(scenario, actor, streams)
        for key, values in draws.items():
            col = f"param.actors.{actor}.{key}"
            if col in table.columns:
                np.testing.assert_array_equal(table[col].to_numpy()[ids], values)


def test_csv_has_the_draws_when_asked_and_the_same_bytes_for_any_chunking(tmp_path):
    scenario = load_scenario(ROOT / "scenarios" / "freeze.yaml")
    plain = run_scenario(scenario, out=tmp_path / "plain", replications=45, horizon_weeks=10, seed=3,
                         figures=False)
    runs = [run_scenario(scenario, out=tmp_path / f"c{c}", replications=45, horizon_weeks=10, seed=3,
                         figures=False, chunk_size=c, csv_draws=True) for c in (7, 16, 45)]
    csv_plain = pd.read_csv(plain.folder / "outcomes.csv")
    parquet = pd.read_parquet(plain.folder / "outcomes.parquet")
    assert not any(c.startswith("param.actors.") for c in csv_plain.columns)         # default: Parquet only
    assert list(csv_plain.columns) == [c for c in parquet.columns if not c.startswith("param.actors.")]
    with_draws = pd.read_csv(runs[0].folder / "outcomes.csv")
    assert list(with_draws.columns) == list(parquet.columns)
    pd.testing.assert_frame_equal(with_draws[[c for c in parquet.columns if c.startswith("param.actors.")]],
                                  parquet[[c for c in parquet.columns if c.startswith("param.actors.")]],
                                  check_exact=False, rtol=1e-9)
    for name in ("outcomes.csv", "outcomes.parquet"):
        assert len({_sha(r.folder / name) for r in runs}) == 1, name
    assert _sha(runs[0].folder / "outcomes.parquet") == _sha(plain.folder / "outcomes.parquet")
    manifests = [json.loads((r.folder / "manifest.json").read_text()) for r in (plain, runs[0])]
    assert [m["csv_draws"] for m in manifests] == [False, True]


def test_without_parquet_the_csv_has_the_draws(tmp_path, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_parquet(name, *args, **kwargs):
        if name == "pyarrow.parquet":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_parquet)
    scenario = load_scenario(ROOT / "scenarios" / "freeze.yaml")
    r = run_scenario(scenario, out=tmp_path / "np", replications=20, horizon_weeks=4, figures=False)
    assert not (r.folder / "outcomes.parquet").exists()
    header = (r.folder / "outcomes.csv").read_text().splitlines()[0].split(",")
    assert "param.actors.ukraine.term_values.recognition=de_facto" in header
