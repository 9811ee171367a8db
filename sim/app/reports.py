"""The "report" downloads: the self-contained HTML report of :mod:`sim.pipeline.report`.

The app writes no report of its own: it hands the runs on screen (scenarios as run,
their outcomes and summaries) to :func:`sim.pipeline.report.render_report`, for one scenario or
for all of them as a comparison (they share seed and replication ids: common random
numbers). Reports are drawn on demand, one at a time (the report's figures may use
matplotlib's global ``pyplot`` state).
"""

from __future__ import annotations

import threading

_LOCK = threading.Lock()


def available() -> bool:
    """True when :mod:`sim.pipeline.report` is installed (it ships with the ``compare`` feature)."""
    try:
        from sim.pipeline import report  # noqa: F401
    except ImportError:
        return False
    return True


def render(job, indices: list[int]) -> bytes:
    """The HTML report of runs ``indices`` of a finished job (UTF-8 bytes)."""
    from sim.pipeline.report import ReportRun, render_report

    runs = [job.plan.runs[i] for i in indices]
    parts = [ReportRun(pr.scenario, job.outcomes[i], job.summaries[i], label=pr.key)
             for pr, i in zip(runs, indices)]
    names = " ".join(f"{pr.scenario.name}.yaml" for pr in runs)
    if len(runs) == 1:
        command = f"ceasefire-sim run {names}   (the scenario YAML downloaded from the app)"
        title = None
    elif len({pr.scenario.horizon_weeks for pr in runs}) > 1:   # compare would give all the first's horizon
        command = "; ".join(f"ceasefire-sim run {pr.scenario.name}.yaml" for pr in runs) + \
            "   (the scenario YAMLs downloaded from the app)"
        title = "Comparison: " + " vs ".join(pr.key for pr in runs)
    else:
        command = f"ceasefire-sim compare {names}   (the scenario YAMLs downloaded from the app)"
        title = "Comparison: " + " vs ".join(pr.key for pr in runs)
    with _LOCK:
        html = render_report(parts, title, seed_from="chosen in the app, common to all scenarios"
                             if len(runs) > 1 else "chosen in the app", command=command)
    return html.encode("utf-8")
