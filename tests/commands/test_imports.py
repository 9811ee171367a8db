"""Start-up stays cheap: ``import sim``, ``--help``, ``validate`` and ``explain`` load only what they need.

Each check runs in a fresh interpreter and inspects ``sys.modules`` (never a clock): the
heavy libraries (Mesa, which pulls in pandas and scipy.spatial; matplotlib) must not be
imported before a command that needs them runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("mesa", "matplotlib", "pandas", "scipy.spatial", "pyarrow", "tqdm")

PROBE = """
import contextlib, io, json, sys
code = {code!r}
argv = {argv!r}
exec(code)
if argv is not None:
    from sim.cli import main
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        rc = main(argv)
    assert rc == 0, rc
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {{'mesa', 'matplotlib', 'pandas', 'scipy', 'pyarrow', 'tqdm', 'numpy'}})))
"""


def loaded(code: str = "", argv: list[str] | None = None, env: dict | None = None) -> set[str]:
    """The heavy-library modules a fresh interpreter has imported after ``code`` or ``main(argv)``."""
    done = subprocess.run([sys.executable, "-c", PROBE.format(code=code, argv=argv)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def heavy_in(modules: set[str]) -> list[str]:
    return [h for h in HEAVY if h in modules]


@pytest.mark.parametrize("code", ["import sim", "import sim.cli", "import sim.api", "from sim import load_scenario",
                                  "import sim.scenario, sim.sweeps"])
def test_importing_the_package_is_cheap(code):
    assert heavy_in(loaded(code)) == []


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["sweep", "--help"], ["sensitivity", "--help"],
                                  ["validate", "scenarios/freeze.yaml"], ["explain", "russia"],
                                  ["explain", "--parameters"]])
def test_help_validate_and_explain_do_not_load_the_model_or_figures(argv):
    mods = loaded(argv=argv)
    assert heavy_in(mods) == [], argv
    if argv[0] in ("validate", "explain") or "--help" in argv:
        assert "scipy" not in mods          # not even scipy.special: validating draws nothing


def test_the_lazy_api_resolves_every_public_name():
    mods = loaded("import sim\nfor n in sim.__all__:\n    getattr(sim, n)\nimport sim.api\n"
                  "assert sim.compare is sim.api.compare and sim.report.__name__ == 'render_report'")
    assert "mesa" in mods                 # the names are real, imported on first use
    # (matplotlib is imported only when a figure is drawn, issue 18: not by resolving sim.report)


def test_unknown_names_still_raise_attribute_error():
    import sim

    with pytest.raises(AttributeError):
        sim.no_such_function  # noqa: B018
    with pytest.raises(AttributeError):
        sim.api.no_such_function  # noqa: B018


def test_run_draws_its_figures_in_the_worker_without_importing_matplotlib(tmp_path):
    """``run`` hands the figures to the worker process (issue 18): this process never imports
    matplotlib, and the figures and report are all there."""
    out = tmp_path / "r"
    code = "import os\nos.getloadavg = lambda: (0.0, 0.0, 0.0)  # as on a quiet machine (a free core)\n"
    mods = loaded(code=code, argv=["run", "scenarios/refusal.yaml", "-n", "300", "--horizon-weeks", "30", "--out", str(out),
                        "-q"], env={"CEASEFIRE_SIM_FIGURE_WAIT": "300"})   # wait for the worker, however loaded
    assert "mesa" in mods and "matplotlib" not in mods
    assert sorted(p.name for p in (out / "figures").glob("*.png")) == sorted(
        ["acceptance.png", "casualties_cost.png", "ceasefire_survival.png", "outcomes.png", "territory_fan.png"])
    assert "data:image/png;base64," in (out / "report.html").read_text()
