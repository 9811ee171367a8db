"""Input: scenario YAML -> a validated, fully resolved :class:`Scenario`.

Modules, bottom up: :mod:`.errors` (file:line errors), :mod:`.yamlio` (safe, line-aware YAML),
:mod:`.distributions` (ranges and draws), :mod:`.offers` (offer terms and presets, used by the
engine too), :mod:`.catalog` (the sourced data in ``data/``: parameters, presets, actor
profiles), :mod:`.schema` (the Scenario dataclasses and the loader), :mod:`.docgen`
(``explain`` and docs/parameters.md). Imports nothing else of ``sim``.
"""

from sim.scenario.schema import Scenario, load_scenario, loads_scenario

__all__ = ["Scenario", "load_scenario", "loads_scenario"]
