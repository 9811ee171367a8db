"""Every scenario in scenarios/examples/ validates and runs (issue 13: one per new kind of offer)."""

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "scenarios" / "examples").glob("*.yaml"))


def test_there_is_an_example_per_new_kind():
    names = {p.stem for p in EXAMPLES}
    assert {"truce_30hour_easter_2025", "energy_moratorium_2025", "black_sea_2025", "unilateral_truce",
            "truce_no_extension"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_validates_and_runs_100_replications(path, cli):
    from sim.engine.simulate import simulate
    from sim.output.summary import summarize
    from sim.scenario.schema import load_scenario

    code, out, err = cli("validate", path)
    assert code == 0, err
    s = load_scenario(path)
    result = simulate(s, replications=100)
    summary = summarize(result, s.name)
    assert result.n == 100
    assert abs(sum(summary["outcome_probabilities"].values()) - 1.0) < 1e-5
    assert np.all(np.isfinite(result.columns["utility_ukraine"]))
    text = path.read_text(encoding="utf-8")
    assert "Run it:" in text and "source" in text.lower()        # commented, with its sources (or their absence)


@pytest.mark.parametrize("name", ["unilateral_truce", "energy_moratorium_2025", "truce_30hour_easter_2025"])
def test_example_replications_do_not_depend_on_the_batch(name):
    from sim.engine.outcomes import Outcomes
    from sim.engine.simulate import simulate
    from sim.scenario.schema import load_scenario

    s = load_scenario(ROOT / "scenarios" / "examples" / f"{name}.yaml")
    batch = simulate(s, replications=12, horizon_weeks=12)
    singles = Outcomes.concat([simulate(s, replications=1, first_replication=i, horizon_weeks=12) for i in range(12)])
    for k, v in batch.columns.items():
        w = singles.columns[k]
        assert np.array_equal(v, w) if v.dtype.kind != "f" else np.array_equal(v.view(np.int64), w.view(np.int64)), k
