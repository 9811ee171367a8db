"""``priors: posterior.parquet``: joint draws by weight, chunking-independent, validated with lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
import pyarrow.parquet as pq  # noqa: E402

from sim.engine.model import draw_actor, posterior_paths  # noqa: E402
from sim.engine.rng import KeyedStreams  # noqa: E402
from sim.engine.simulate import simulate  # noqa: E402
from sim.scenario.errors import InputError  # noqa: E402
from sim.scenario.schema import from_data, load_scenario  # noqa: E402

PARTICLES = {"attrition.exchange_ratio": [2.05, 2.25, 2.45],
             "attrition.stalemate_threshold": [0.72, 0.80, 0.88],
             "actors.russia.weights.casualties": [0.011, 0.02, 0.029]}
WEIGHTS = [0.5, 0.3, 0.2]


def posterior(folder: Path, weights=WEIGHTS, **columns) -> Path:
    cols = {"particle": pa.array(np.arange(len(weights))), "weight": pa.array(np.asarray(weights, float))}
    for k, v in {**PARTICLES, **columns}.items():
        cols[k] = pa.array(np.asarray(v, float))
    path = folder / "posterior.parquet"
    pq.write_table(pa.table(cols), path)
    return path


def scenario_file(folder: Path, priors: str, extra: str = "") -> Path:
    p = folder / "s.yaml"
    p.write_text(f"name: s\nreplications: 3000\nhorizon_weeks: 4\npriors: {priors}\n{extra}", encoding="utf-8")
    return p


def test_each_replication_takes_one_particle_with_its_weight(tmp_path):
    posterior(tmp_path)
    s = load_scenario(scenario_file(tmp_path, "posterior.parquet"))      # next to the scenario file
    out = simulate(s)
    ratio = out.columns["param.attrition.exchange_ratio"]
    line = out.columns["param.attrition.stalemate_threshold"]
    # joint: the two values of a replication come from the same particle
    idx = np.searchsorted(PARTICLES["attrition.exchange_ratio"], ratio)
    assert np.array_equal(line, np.asarray(PARTICLES["attrition.stalemate_threshold"])[idx])
    share = np.bincount(idx, minlength=3) / idx.size
    assert np.abs(share - WEIGHTS).max() < 0.03                                    # 3000 draws: sd ~0.009
    streams = KeyedStreams(s.seed, np.arange(s.replications))
    w = draw_actor(s, "russia", streams)["weights.casualties"]
    assert np.array_equal(w, np.asarray(PARTICLES["actors.russia.weights.casualties"])[idx])
    # the actor setting drawn from the posterior is its column, under the posterior's path (issue 16)
    assert np.array_equal(out.columns["param.actors.russia.weights.casualties"], w)


def test_same_bytes_for_any_chunking(tmp_path):
    posterior(tmp_path)
    s = load_scenario(scenario_file(tmp_path, str(tmp_path / "posterior.parquet")))
    a, b = simulate(s, replications=300, chunk_size=300), simulate(s, replications=300, chunk_size=37)
    assert a.columns.keys() == b.columns.keys()
    assert all(np.array_equal(a.columns[k], b.columns[k]) for k in a.columns)
    one = simulate(s, replications=1, first_replication=123)
    assert one.columns["param.attrition.exchange_ratio"][0] == a.columns["param.attrition.exchange_ratio"][123]


def test_a_value_the_scenario_sets_stands(tmp_path):
    posterior(tmp_path)
    s = load_scenario(scenario_file(tmp_path, "posterior.parquet", "attrition:\n  exchange_ratio: 2.4\n"))
    assert "attrition.exchange_ratio" not in posterior_paths(s)
    out = simulate(s, replications=50)
    assert "param.attrition.exchange_ratio" not in out.columns
    assert len(set(out.columns["param.attrition.stalemate_threshold"])) <= 3


def test_the_resolved_scenario_records_the_file_and_its_hash(tmp_path):
    path = posterior(tmp_path)
    s = load_scenario(scenario_file(tmp_path, "posterior.parquet"))
    data = s.to_dict()
    assert data["priors"]["file"] == str(path.resolve()) and len(data["priors"]["sha256"]) == 64
    assert from_data(data).hash() == s.hash()
    posterior(tmp_path, weights=[0.2, 0.3, 0.5])                        # the file changes
    with pytest.raises(InputError, match="has changed"):
        from_data(data)


@pytest.mark.parametrize("make, words", [
    (lambda d: d / "nowhere.parquet", "no posterior file"),
    (lambda d: posterior(d, **{"attrition.exchange_ratoi": [2.1, 2.2, 2.3]}), "unknown parameter column"),
    (lambda d: posterior(d, weights=[0.5, -0.1, 0.6]), "weights must be"),
    (lambda d: posterior(d, **{"attrition.stalemate_threshold": [0.5, 0.9, 1.5]}), "outside the allowed"),
    (lambda d: (d / "bad.parquet").write_text("not parquet") and d / "bad.parquet", "not a Parquet file"),
])
def test_bad_posteriors_are_errors_at_the_priors_line(tmp_path, make, words):
    target = make(tmp_path)
    f = scenario_file(tmp_path, str(target))
    with pytest.raises(InputError) as exc:
        load_scenario(f)
    p = exc.value.problems[0]
    assert p.line == 4 and p.key == "priors" and words in p.message, str(p)


def test_cli_run_on_a_posterior_and_a_bad_one(tmp_path, cli):
    posterior(tmp_path)
    good = scenario_file(tmp_path, "posterior.parquet")
    code, _, err = cli("run", good, "-n", "40", "--out", tmp_path / "r1", "-q")
    assert code == 0, err
    code2, _, _ = cli("run", good, "-n", "40", "--out", tmp_path / "r2", "-q")
    assert (tmp_path / "r1" / "outcomes.csv").read_bytes() == (tmp_path / "r2" / "outcomes.csv").read_bytes()
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: b\npriors: missing.parquet\n", encoding="utf-8")
    code, _, err = cli("run", bad, "--out", tmp_path / "r3")
    assert code == 2 and f"{bad}:2: key 'priors'" in err
