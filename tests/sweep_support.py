"""Small sweep files for the sweep tests (a few points, 100 replications, 52 weeks)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FREEZE = ROOT / "scenarios" / "freeze.yaml"


def write_sweep(folder: Path, name: str = "tiny", sampler: str = "sobol", points: int = 4, extra: str = "",
                parameters: str | None = None, outcomes: str = "[p_ceasefire_holds, p_accept_russia, territory_end_median]",
                replications: int = 100, horizon: int = 52, chunk_points: int | None = 2) -> Path:
    params = parameters or (
        "  attrition.exchange_ratio: {range: [1.5, 3.5]}\n"
        "  united_states.military_aid_bn_per_year: [0, 60]\n"
        "  offers[0].terms.monitoring: {levels: [none, bilateral, international]}\n")
    text = (f"name: {name}\n"
            f"scenario: {FREEZE}\n"
            f"sampler: {sampler}\n"
            f"points: {points}\n"
            f"replications: {replications}\n"
            f"horizon_weeks: {horizon}\n"
            f"seed: 11\n"
            + (f"chunk_points: {chunk_points}\n" if chunk_points else "")
            + extra
            + "parameters:\n" + params
            + f"outcomes: {outcomes}\n")
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path
