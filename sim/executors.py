"""Running many independent runs: in this process, on a local process pool, or on a Dask cluster.

Every experiment (a comparison, a sweep, a sensitivity analysis, the web app's Run button) goes
through :func:`execute`, which takes :class:`Task` objects and yields an :class:`Outcome` for each
as it finishes.  A run that raises becomes a failed outcome with its message; the others go on.
Results do not depend on where a task ran: each task carries its own seed.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sim.run import RunResult, simulate
from sim.scenario import Scenario


@dataclass(frozen=True)
class Task:
    """One run to do: a scenario, a seed, and what to keep."""

    key: str
    scenario: Scenario
    seed: int
    days: int | None = None
    daily: bool = False
    meta: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass
class Outcome:
    """What became of a task."""

    task: Task
    result: RunResult | None
    error: str | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.error is None


def run_task(task: Task) -> Outcome:
    """Do one task; an exception becomes a failed outcome (so one bad run never stops a sweep)."""
    start = time.perf_counter()
    try:
        result = simulate(task.scenario, seed=task.seed, days=task.days, daily=task.daily)
        return Outcome(task, result, None, time.perf_counter() - start)
    except Exception as e:
        detail = traceback.format_exception_only(type(e), e)[-1].strip()
        return Outcome(task, None, detail, time.perf_counter() - start)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@contextmanager
def open_executor(workers: int | None = None, scheduler: str | None = None) -> Iterator[Executor | None]:
    """An executor for ``workers`` local processes, or for the Dask cluster at ``scheduler``.

    Yields None for one worker: the runs then happen in this process, in order.
    """
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise RuntimeError("--scheduler needs dask: pip install 'govsim[dask]'") from None
        with Client(scheduler, timeout="10s") as client:
            # pure=False: identical calls are separate runs, never de-duplicated by Dask.
            yield client.get_executor(pure=False)
        return
    n = workers or default_workers()
    if n == 1:
        yield None
        return
    with ProcessPoolExecutor(max_workers=n, mp_context=_mp_context()) as pool:
        yield pool


def _mp_context() -> Any:
    """``fork`` when this process has no other thread: fast, and an analyst's script needs no
    ``if __name__ == "__main__"`` guard.  Beside threads (the web app's server) forking is unsafe,
    so ``forkserver`` is used there."""
    import multiprocessing as mp
    import sys

    if sys.platform == "linux" and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("forkserver")


def execute(
    tasks: Iterable[Task],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    cancel: threading.Event | None = None,
    executor: Executor | None = None,
) -> Iterator[Outcome]:
    """Run ``tasks`` and yield each outcome as it finishes (in completion order).

    At most twice as many tasks as workers are in flight, so a sweep of a million runs does not
    hold a million futures.  Setting ``cancel`` stops submitting and drops what is queued.
    ``executor`` reuses a pool the caller keeps warm (the web app) instead of opening one.
    """
    if executor is not None:
        yield from _drain(executor, tasks, workers or default_workers(), cancel)
        return
    with open_executor(workers, scheduler) as ex:
        if ex is None:
            for task in tasks:
                if cancel is not None and cancel.is_set():
                    return
                yield run_task(task)
            return
        yield from _drain(ex, tasks, workers or default_workers(), cancel)


def _drain(
    ex: Executor, tasks: Iterable[Task], workers: int, cancel: threading.Event | None
) -> Iterator[Outcome]:
    window = 2 * workers
    pending: set[Future[Outcome]] = set()
    it = iter(tasks)
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < window and not (cancel and cancel.is_set()):
                try:
                    pending.add(ex.submit(run_task, next(it)))
                except StopIteration:
                    exhausted = True
            if not pending or (cancel is not None and cancel.is_set()):
                break
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
    finally:
        for fut in pending:
            fut.cancel()
