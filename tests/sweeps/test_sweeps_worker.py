"""The worker: one chunk of points, failures recorded, no models left behind."""

from __future__ import annotations

import gc

import mesa

from sim.engine.model import CeasefireModel
from sim.sweeps import load_sweep, plan_sweep, worker
from sweep_support import write_sweep


def test_chunk_rows_and_no_models_left_in_mesa_registry(tmp_path):
    plan = plan_sweep(load_sweep(write_sweep(tmp_path, points=2)), chunk_points=3)
    task = plan.task(1)
    assert [p[0] for p in task.points] == [3, 4, 5]
    gc.collect()
    registered = {id(m) for m in getattr(mesa.Agent, "_ids", {}) if isinstance(m, CeasefireModel)}
    alive = sum(isinstance(o, CeasefireModel) for o in gc.get_objects())   # other tests' models, if any
    res = worker.run_chunk(task)
    assert [r["point"] for r in res.rows] == [3, 4, 5] and all(r["status"] == "ok" for r in res.rows)
    assert set(res.rows[0]) >= {"p_ceasefire_holds", "p_ceasefire_holds_lo", "p_accept_russia", "territory_end_median"}
    gc.collect()
    assert not [m for m in getattr(mesa.Agent, "_ids", {}) if isinstance(m, CeasefireModel) and id(m) not in registered]
    assert sum(isinstance(o, CeasefireModel) for o in gc.get_objects()) <= alive   # memory stays flat


def test_a_bad_point_fails_alone(tmp_path):
    plan = plan_sweep(load_sweep(write_sweep(tmp_path, points=2)), chunk_points=3)
    task = plan.task(0)
    bad = (task.points[0][0], task.points[0][1], {**task.points[0][2], "attrition.exchange_ratio": 99.0})
    res = worker.run_chunk(type(task)(**{**task.__dict__, "points": (bad,) + task.points[1:]}))
    assert [r["status"] for r in res.rows] == ["failed", "ok", "ok"]
    assert "InputError" in res.rows[0]["error"] and "between 0.1 and 10" in res.rows[0]["error"]
