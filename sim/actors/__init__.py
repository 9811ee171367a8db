"""The four actors: one module each (see their docstrings for sources)."""

from .base import Actor, Belligerent, Evaluation, Patron
from .europe import Europe
from .russia import Russia
from .ukraine import Ukraine
from .united_states import UnitedStates

CLASSES = {"russia": Russia, "ukraine": Ukraine, "united_states": UnitedStates, "europe": Europe}

__all__ = ["Actor", "Belligerent", "Patron", "Evaluation", "Russia", "Ukraine", "UnitedStates",
           "Europe", "CLASSES"]
