"""The four actors: one module each (see their docstrings for sources)."""

from sim.engine.actors.base import Actor, Belligerent, Evaluation, Patron
from sim.engine.actors.europe import Europe
from sim.engine.actors.russia import Russia
from sim.engine.actors.ukraine import Ukraine
from sim.engine.actors.united_states import UnitedStates

CLASSES = {"russia": Russia, "ukraine": Ukraine, "united_states": UnitedStates, "europe": Europe}

__all__ = ["Actor", "Belligerent", "Patron", "Evaluation", "Russia", "Ukraine", "UnitedStates",
           "Europe", "CLASSES"]
