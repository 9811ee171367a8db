"""Where chunks run: in-process, a local process pool, a Dask cluster, or any Executor.

Everything is driven through the ``concurrent.futures.Executor`` interface (``submit`` and
``wait``), so any executor works from the Python API. Chunks are submitted through a
bounded window (:func:`run_unordered`): the driver never holds more than a few chunks in
flight, whatever the number of points.

* ``local``: ``ProcessPoolExecutor`` with the *forkserver* start method (``sim`` is imported
  once in the server and every worker forks from it; no ``spawn`` re-imports, no ``fork``
  of a threaded parent). One worker runs in-process. The forkserver and the workers exit
  when the driver dies, however it dies (:mod:`sim.sweeps.lifeline`); when the command is
  interrupted (Ctrl-C, SIGTERM) or fails, the workers are killed at once (:func:`kill_workers`)
  rather than waited for.
* ``dask``: a ``distributed.Client`` to ``address``, or a ``LocalCluster`` of single-threaded
  worker processes; ``client.get_executor(pure=False)`` so two chunks are never merged
  into one task (Dask's ``submit`` defaults to ``pure=True``).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from sim.scenario.errors import InputError


@dataclass
class ExecutorInfo:
    """What the manifest records about where a sweep ran."""

    kind: str
    workers: int
    address: str | None = None

    def describe(self) -> str:
        where = f" at {self.address}" if self.address else ""
        noun = "worker" if self.workers == 1 else "workers"
        return f"{self.workers} {noun} ({self.kind}{where})"


class SerialExecutor(cf.Executor):
    """Runs each task in the calling process at ``submit`` (one worker, no pickling)."""

    def submit(self, fn, /, *args, **kwargs):
        f: cf.Future = cf.Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            if not isinstance(exc, Exception):
                # Ctrl-C, SIGTERM (sim.cli.Terminated), exit: stop now, not after the remaining tasks
                # (Executor.map submits every task before it returns the first result)
                raise
            f.set_exception(exc)
        return f


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """A local pool whose workers fork from a server that has imported ``sim``."""
    from sim.sweeps.lifeline import start_forkserver
    from sim.sweeps.worker import init_worker

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        # the guard makes the forkserver exit when this process dies (kill -9 included)
        ctx.set_forkserver_preload(["sim.sweeps.worker", "sim.sweeps.forkserver_guard"])
        start_forkserver()
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init_worker,
                                  initargs=(os.getpid(),))


def kill_workers(pool: cf.ProcessPoolExecutor) -> None:
    """End a pool's worker processes now (SIGKILL), so that ``shutdown`` does not wait for the tasks
    they are running: Ctrl-C or SIGTERM then stops a command within a second, whatever a task costs."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.kill()
        except (OSError, ValueError, AttributeError):  # already gone
            pass
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.join(timeout=5)
        except (OSError, ValueError, AttributeError, AssertionError):
            pass


@contextmanager
def open_executor(kind: str = "local", workers: int | None = None, address: str | None = None,
                  executor: cf.Executor | None = None) -> Iterator[tuple[cf.Executor, ExecutorInfo]]:
    """Yield ``(executor, info)``; executors opened here are shut down on exit."""
    if executor is not None:
        n = getattr(executor, "_max_workers", None) or workers or cpu_count()
        yield executor, ExecutorInfo(type(executor).__name__, int(n))
        return
    if kind == "local":
        n = workers or cpu_count()
        if n == 1:
            yield SerialExecutor(), ExecutorInfo("in-process", 1)
            return
        pool = process_pool(n)
        try:
            yield pool, ExecutorInfo("local processes", n)
        except BaseException:
            kill_workers(pool)      # interrupted or failed: the running tasks' results are not wanted
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    if kind == "dask":
        with _dask(workers, address) as pair:
            yield pair
        return
    raise InputError.single("<command line>", None, "--executor", f"expected local or dask, got {kind!r}")


@contextmanager
def _dask(workers: int | None, address: str | None):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError.single("<command line>", None, "--executor",
                                "dask needs the 'distributed' package: pip install 'ceasefire-sim[sweep]'") from None
    cluster = None
    if address:
        try:
            client = Client(address, timeout="15s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError.single("<command line>", None, "--address",
                                    f"cannot connect to a Dask scheduler at {address}: {exc}") from None
    else:
        cluster = LocalCluster(n_workers=workers or cpu_count(), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        n = sum(client.nthreads().values()) or 1
        info = ExecutorInfo("dask" if address else "dask local cluster", n, address or cluster.scheduler_address)
        yield client.get_executor(pure=False), info
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_unordered(executor: cf.Executor, fn: Callable, tasks: Iterable[Any], window: int
                  ) -> Iterator[tuple[Any, Any, BaseException | None]]:
    """Submit ``fn(task)`` keeping at most ``window`` in flight; yield ``(task, result, error)``.

    Results come back in completion order. On an exception in the caller (Ctrl-C), pending
    tasks are cancelled.
    """
    it = iter(tasks)
    pending: dict[cf.Future, Any] = {}

    def fill():
        while len(pending) < window:
            try:
                task = next(it)
            except StopIteration:
                return
            pending[executor.submit(fn, task)] = task

    try:
        fill()
        while pending:
            done, _ = cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)
            for f in sorted(done, key=lambda f: getattr(pending[f], "chunk", 0)):
                task = pending.pop(f)
                try:
                    result, error = f.result(), None
                except Exception as exc:  # noqa: BLE001 - a lost worker, a broken pool
                    result, error = None, exc
                yield task, result, error
            fill()
    finally:
        for f in pending:
            f.cancel()
