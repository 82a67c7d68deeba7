"""Running many independent runs: one loop in front of three kinds of executor.

Every experiment (a comparison, a sweep, a sensitivity analysis, the web app's Run button) goes
through :func:`execute`, which takes :class:`~sim.executors.tasks.Task` objects and yields an
:class:`~sim.executors.tasks.Outcome` for each as it finishes.  The loop is the same whatever runs
the tasks: submit while the backend has room, wait for any outcome, yield it, until the tasks run
out or ``cancel`` is set.  Only a few tasks per worker are in flight, so the tasks may be a lazy
generator of a million.  The backend is chosen from the arguments:

* :class:`~sim.executors.in_process.InProcess`: one worker, no time limit, nothing to isolate;
* :class:`~sim.executors.worker_pool.WorkerPool`: local worker processes (the default);
* :class:`~sim.executors.futures_backend.FuturesBackend`: a Dask cluster (``scheduler``) or a
  pool the caller keeps warm (``executor``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from typing import Protocol

from sim.executors.futures_backend import FuturesBackend, dask_client
from sim.executors.in_process import InProcess
from sim.executors.tasks import Outcome, Runner, Task, run_task
from sim.executors.worker_pool import WorkerPool


def default_workers() -> int:
    """One worker per core this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class Backend(Protocol):
    """What the loop needs of an executor: room for more, submit, and the outcomes that are ready."""

    def has_room(self) -> bool: ...
    def submit(self, task: Task) -> None: ...
    def busy(self) -> bool: ...
    def poll(self, timeout: float) -> list[Outcome]: ...
    def close(self) -> None: ...


def execute(
    tasks: Iterable[Task],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    cancel: threading.Event | None = None,
    executor: Executor | None = None,
    timeout: float | None = None,
    isolate: bool = False,
    runner: Runner = run_task,
) -> Iterator[Outcome]:
    """Run ``tasks`` and yield each outcome as it finishes (in completion order).

    Only a few tasks per worker are in flight, so a sweep of a million runs does not hold a
    million futures, and ``tasks`` may be a lazy generator.  Setting ``cancel`` stops submitting
    and abandons what is in flight.  ``executor`` reuses a pool the caller keeps warm (the web
    app) instead of opening one.

    ``timeout`` is a limit in seconds per run: a run that passes it becomes a failed outcome
    ("timed out") and the others go on.  ``isolate`` runs even a single worker in a child
    process, so that a run that hangs or crashes cannot take the caller down with it.
    ``runner`` does one task (default :func:`run_task`); tests and benchmarks swap in stand-ins.

    Closing the iterator early (or an exception in the caller's loop, such as Ctrl-C) stops the
    local worker processes at once.
    """
    if executor is not None:
        backend: Backend = FuturesBackend(executor, workers or default_workers(), timeout, runner)
        yield from _drive(backend, tasks, cancel)
        return
    if scheduler:
        with dask_client(scheduler) as client:
            capacity = workers or max(1, sum(client.nthreads().values()))
            backend = FuturesBackend(client.get_executor(pure=False), capacity, timeout, runner)
            yield from _drive(backend, tasks, cancel)
        return
    n = workers or default_workers()
    if n == 1 and timeout is None and not isolate:
        backend = InProcess(runner)
    else:
        backend = WorkerPool(n, timeout=timeout, runner=runner)
    yield from _drive(backend, tasks, cancel)


def _drive(backend: Backend, tasks: Iterable[Task], cancel: threading.Event | None) -> Iterator[Outcome]:
    it = iter(tasks)
    exhausted = False
    try:
        while True:
            while not exhausted and backend.has_room() and not (cancel is not None and cancel.is_set()):
                try:
                    task = next(it)
                except StopIteration:
                    exhausted = True
                    break
                backend.submit(task)
            if cancel is not None and cancel.is_set():
                return
            if not backend.busy():
                return
            yield from backend.poll(0.2)
    finally:
        backend.close()
