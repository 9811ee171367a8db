"""Analyses of runs: game theory, comparison, sensitivity, validation, provenance.

:mod:`.equilibria` (Nash equilibria of bimatrix games), :mod:`.game` (bargaining range and
the offer game), :mod:`.bargaining` (``ceasefire-sim analyze``), :mod:`.compare`
(common-random-number comparisons), :mod:`.sensitivity` (one at a time),
:mod:`.validation` (calibration targets, durability), :mod:`.provenance` (the source
audit). Imports figures and everything below.
"""
