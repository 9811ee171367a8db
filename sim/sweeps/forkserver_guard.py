"""Imported only in the multiprocessing forkserver (its preload list): the forkserver
exits when the sweep driver that started it dies (:mod:`sim.sweeps.lifeline`).

Do not import this module anywhere else: importing it ties the importing process's life to
its parent's.
"""

from sim.sweeps.lifeline import driver_from_environment, watch_parent

watch_parent(expected_parent=driver_from_environment())
