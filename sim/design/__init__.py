"""Offer design: search the terms of a scenario's first offer for packages that both sides
would accept and that would last (``ceasefire-sim design``; docs/design.md).

Modules: :mod:`~sim.design.space` (what varies), :mod:`~sim.design.objectives` (what a
package is judged on), :mod:`~sim.design.search` (exhaustive or NSGA-II, the front),
:mod:`~sim.design.evaluate` (one batch of packages on a worker), :mod:`~sim.design.runner`
(parallel, resumable) and :mod:`~sim.design.output` (tables, scenarios, figure, report).
"""

import sys as _sys
import types as _types


class _CallableModule(_types.ModuleType):
    """``sim.design(...)`` stays the API function once this package is imported: importing
    ``sim.design.runner`` makes ``sim.design`` this module, so the module itself is callable."""

    def __call__(self, scenario, **kwargs):
        from sim.design.runner import design

        return design(scenario, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
