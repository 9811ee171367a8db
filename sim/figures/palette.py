"""What the figures share that needs no matplotlib: colours, the run's figure list, :class:`Figure`.

Importing this module imports neither matplotlib nor the engine (Mesa), so a process that only reads or embeds
figures (``report.html`` of a run, whose PNGs a figure worker drew, :mod:`sim.figures.worker`)
never pays for it. :mod:`sim.figures.style`, :mod:`sim.figures.run` and
:mod:`sim.figures.compare` re-export these names.

Colours: the Okabe-Ito palette (Okabe & Ito 2008), safe for colour-blind readers; each
outcome class and each actor keeps its colour in every figure.
"""

from __future__ import annotations

from dataclasses import dataclass

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
#: A colour per outcome class, in the order of :data:`sim.engine.model.OUTCOME_CLASSES` (the names are
#: written out so that this module, and the figure worker, need not import the engine and Mesa;
#: ``tests/figures/test_worker.py`` checks they are the engine's classes in its order).
CLASS_COLOURS = {"war_continues": "#D55E00", "ceasefire_holds": "#009E73", "ceasefire_broken": "#E69F00",
                 "truce_lapsed": "#F0E442", "ukraine_collapse": "#0072B2", "russia_collapse": "#CC79A7"}
#: The outcome classes in the engine's order (the keys of :data:`CLASS_COLOURS`).
OUTCOME_CLASSES = tuple(CLASS_COLOURS)
ACTOR_COLOURS = {"russia": "#D55E00", "ukraine": "#0072B2", "united_states": "#56B4E9", "europe": "#009E73"}
DPI = 110

#: Scenario colours, in order (Okabe-Ito; yellow last: weak on white).
SCENARIO_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
#: A hatch per scenario, so bars stay distinguishable in grey-scale print.
SCENARIO_HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "--", "++"]
#: Line styles per scenario for curves (same reason).
SCENARIO_LINES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2))]


def scenario_colour(i: int) -> str:
    return SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]


def scenario_hatch(i: int) -> str:
    return SCENARIO_HATCHES[i % len(SCENARIO_HATCHES)]


@dataclass(frozen=True)
class Figure:
    """A rendered figure: file name, caption (what it shows) and PNG bytes."""

    name: str
    caption: str
    png: bytes


#: The figures of one run, in the order the report shows them: file name and caption.
RUN_FIGURES = [
    ("outcomes.png", "Share of replications ending in each outcome at the horizon. Black bars: 95% Wilson "
                     "intervals."),
    ("acceptance.png", "Share of all replications in which each actor accepts an offer at least once "
                       "(95% intervals)."),
    ("ceasefire_survival.png", "Of the ceasefires agreed, the share still holding after a given number of weeks "
                               "(Kaplan-Meier; ceasefires still holding at the horizon are censored)."),
    ("territory_fan.png", "Territory held by Russia week by week: the median and the bands that hold 50% and "
                          "90% of the replications."),
    ("casualties_cost.png", "Casualties of each side and Western military aid over the simulated period, "
                            "with their medians. A bar at zero casualties counts the wars in which a ceasefire "
                            "agreed in week 0 held to the horizon."),
]
#: The outcome columns the run's figures read (besides the summary and the trajectories).
RUN_FIGURE_COLUMNS = ("ceasefire_start_week", "ceasefire_duration_weeks", "ceasefire_censored",
                      "casualties_russia_k", "casualties_ukraine_k", "aid_us_bn", "aid_europe_bn")
