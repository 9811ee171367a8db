"""With a figure worker, ``run_scenario`` sends the figures off as soon as the last chunk is
simulated and writes that chunk's tables while they are drawn (issue 18); the folder is
complete when it returns."""

from __future__ import annotations

from sim.figures import run as plots
from sim.output import results
from sim.pipeline.runner import run_scenario


class Recorder:
    """A stand-in for :class:`sim.figures.worker.FigureWorker` that records when it is used."""

    def __init__(self, log):
        self.log, self.job = log, None

    def submit(self, out, summary, title, folder):
        self.log.append("submit")
        self.job = (out, summary, title, folder)

    def result(self):
        self.log.append("result")
        return plots.all_figures(*self.job)

    def draw(self, *job):                  # pragma: no cover - must not be used once submitted
        self.log.append("draw")
        return plots.all_figures(*job)


def test_the_figures_are_sent_before_the_last_chunk_s_tables_are_written(tmp_path, monkeypatch):
    log: list[str] = []
    add = results.OutcomesWriter.add
    monkeypatch.setattr(results.OutcomesWriter, "add", lambda self, part: (log.append("write"), add(self, part)))
    res = run_scenario("scenarios/refusal.yaml", out=tmp_path / "r", replications=300, horizon_weeks=20,
                       chunk_size=100, figure_worker=Recorder(log))
    assert log == ["write", "write", "submit", "write", "result"]
    names = sorted(p.name for p in (res.folder / "figures").glob("*.png"))
    assert names == sorted(name for name, _ in plots.RUN_FIGURES)
    assert (res.folder / "summary.json").is_file() and (res.folder / "manifest.json").is_file()


def test_the_same_bytes_with_and_without_the_early_figures(tmp_path):
    a = run_scenario("scenarios/refusal.yaml", out=tmp_path / "a", replications=300, horizon_weeks=20,
                     chunk_size=100, figure_worker=Recorder([]))
    b = run_scenario("scenarios/refusal.yaml", out=tmp_path / "b", replications=300, horizon_weeks=20,
                     chunk_size=100)
    for name in ("outcomes.csv", "outcomes.parquet", "summary.json", "scenario.yaml",
                 *(f"figures/{n}" for n, _ in plots.RUN_FIGURES)):
        assert (a.folder / name).read_bytes() == (b.folder / name).read_bytes(), name
