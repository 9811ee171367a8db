"""Input: scenario YAML -> a validated, fully resolved :class:`Scenario`.

Modules, bottom up: :mod:`.errors` (file:line errors), :mod:`.yamlio` (safe, line-aware YAML),
:mod:`.distributions` (ranges and draws), :mod:`.offers` (offer terms and presets, used by the
engine too), :mod:`.catalog` (the sourced data in ``data/``: parameters, presets, actor
profiles), :mod:`.schema` (the Scenario dataclasses and the loader), :mod:`.docgen`
(``explain`` and docs/parameters.md). Imports nothing else of ``sim``.
"""

__all__ = ["Scenario", "load_scenario", "loads_scenario"]


def __getattr__(name: str):
    """``sim.scenario.Scenario`` etc., imported on first use (``sim.scenario.errors`` stays cheap)."""
    if name in __all__:
        import importlib

        return getattr(importlib.import_module("sim.scenario.schema"), name)
    raise AttributeError(f"module 'sim.scenario' has no attribute {name!r}")
