"""What a run produces: statistics, text tables, results folders, memory limits.

:mod:`.summary` (probabilities with intervals, Kaplan-Meier), :mod:`.labels` (display
names), :mod:`.tables` (the CLI summary), :mod:`.results` (atomic results folders, CSV and
Parquet), :mod:`.resources` (memory estimate and chunking). Imports the engine and scenario.
"""
