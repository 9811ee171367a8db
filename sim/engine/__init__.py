"""The model: a Mesa ``CeasefireModel`` holding R vectorized replications.

:mod:`.rng` (keyed streams), :mod:`.war` (attrition equations), :mod:`.beliefs` (learning),
:mod:`.valuation` (what a deal and the war are worth to an actor), :mod:`.actors` (one module
per actor), :mod:`.subset` (sliced views for decisions), :mod:`.model` (the weekly
protocol), :mod:`.outcomes` (one row per replication), :mod:`.simulate` (run a scenario in
chunks). Imports only :mod:`sim.scenario`.
"""
