"""Helper processes die with the process that started them, however it dies.

``kill -9`` of a ``sweep`` driver gives its children no chance to be told: the forkserver
and the workers forked from it used to stay up, idle, for as long as the machine ran (the
resource tracker with them, since it waits for every holder of its pipe). Each helper
process therefore watches its parent: a daemon thread polls ``os.getppid()``, and when
the parent is gone (the process was re-parented to init or a subreaper) it ends the
process at once with ``os._exit``. Polling the parent id needs no cooperation from the
dying parent, works for SIGKILL, and costs one system call per interval.

The chain for the local process pool (:func:`sim.sweeps.executors.process_pool`):
driver -> forkserver (watches the driver: :mod:`sim.sweeps.forkserver_guard`) -> workers
(watch the forkserver: :func:`sim.sweeps.worker.init_worker`, plus ``PR_SET_PDEATHSIG`` on
Linux). When the driver dies the forkserver exits within one interval, then the workers,
then the resource tracker sees its pipe close and exits.
"""

from __future__ import annotations

import os
import threading
import time

#: Seconds between two looks at the parent (a helper outlives its parent at most this long).
INTERVAL = 0.25


#: Environment variable that tells the forkserver which process is the driver (set only
#: while :func:`start_forkserver` starts it).
DRIVER_ENV = "CEASEFIRE_SIM_DRIVER_PID"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def watch_parent(expected_parent: int | None = None, driver: int | None = None,
                 interval: float = INTERVAL) -> threading.Thread:
    """Start a daemon thread that ends this process when its parent process dies.

    ``expected_parent`` is the parent it should have (default: the current one): a process
    whose parent died while it was still starting up is already re-parented, and exits at
    the first look. ``driver``, if given, must also stay alive (a worker watches both the
    forkserver, its parent, and the sweep driver).
    """
    parent = os.getppid() if expected_parent is None else expected_parent

    def watch() -> None:
        while True:
            if os.getppid() != parent or (driver is not None and not _alive(driver)):
                os._exit(1)   # no clean-up to do: the process that wanted the work is gone
            time.sleep(interval)

    thread = threading.Thread(target=watch, name="ceasefire-sim-lifeline", daemon=True)
    thread.start()
    return thread


def driver_from_environment() -> int | None:
    """The driver's process id, as :func:`start_forkserver` passed it (None if unset)."""
    try:
        return int(os.environ[DRIVER_ENV])
    except (KeyError, ValueError):
        return None


def start_forkserver() -> None:
    """Start the multiprocessing forkserver now, telling it this process is the driver."""
    from multiprocessing import forkserver

    previous = os.environ.get(DRIVER_ENV)
    os.environ[DRIVER_ENV] = str(os.getpid())
    try:
        forkserver.ensure_running()
    finally:
        if previous is None:
            os.environ.pop(DRIVER_ENV, None)
        else:
            os.environ[DRIVER_ENV] = previous
